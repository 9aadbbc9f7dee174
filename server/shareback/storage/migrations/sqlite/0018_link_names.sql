-- A further link keeps the name its join typed, and shows it to the friends it brings, as a new
-- advocate's own link shows theirs: so what a friend sees never tells whether the address
-- already belonged to an advocate.
ALTER TABLE advocate_links ADD COLUMN name TEXT;

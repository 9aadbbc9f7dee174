-- Privacy by design (PRIVACY.md lists every personal field and how long it stays).

-- The click-IP hash salt rotates daily: one salt per UTC day, deleted once no rule needs it
-- (the click/order IP match, for the longest attribution window of any live campaign, + a day),
-- so that no hash can be reversed by brute force over IPv4 afterwards.
CREATE TABLE ip_salts (
    day TEXT PRIMARY KEY,
    salt TEXT NOT NULL,
    created_at TEXT NOT NULL
);
-- The one salt kept forever until now goes: the hashes made with it can no longer be reversed.
DELETE FROM secrets WHERE name = 'ip_salt';

-- Failed sign-ins kept the raw address and the typed e-mail: from now on a keyed hash, deleted
-- after the throttle window. What was kept in the raw form is dropped.
DELETE FROM login_failures;

-- The checkout's referrer look-up names only advocates who shared and who chose to be found.
ALTER TABLE advocates ADD COLUMN findable INTEGER NOT NULL DEFAULT 0;

-- More links of one advocate: a join without a verified identity for an address that is already
-- an advocate gets a fresh link (credited to that advocate) instead of the stored one, so nobody
-- learns someone else's link, name or codes by typing their address.
CREATE TABLE advocate_links (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    advocate_id INTEGER NOT NULL REFERENCES advocates (id),
    created_at TEXT NOT NULL
);
CREATE INDEX advocate_links_by_advocate ON advocate_links (advocate_id);

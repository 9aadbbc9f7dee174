-- The dashboard's advocates and referrals search (people_search.py): e-mail addresses, names and
-- codes matched by their start, a range read on an index, fast at a million advocates.
-- PostgreSQL compares these ranges byte by byte (COLLATE "C", Dialect.bytewise) whatever the
-- database's collation, and needs indexes of its own for that; SQLite compares bytes anyway, so
-- here the *_bytes indexes repeat the unique ones (kept for the same schema on both engines).
CREATE INDEX advocates_by_email_key ON advocates (email_key);
CREATE INDEX advocates_by_name_key ON advocates (search_name);
CREATE INDEX advocates_by_code_bytes ON advocates (code);
CREATE INDEX advocates_by_coupon_bytes ON advocates (coupon_code);
CREATE INDEX advocate_links_by_code_bytes ON advocate_links (code);
CREATE INDEX friend_codes_by_code_bytes ON friend_codes (code_key);
CREATE INDEX orders_by_email_bytes ON orders (email_key);
-- An advocate's profile lists the friends' codes issued through their link.
CREATE INDEX friend_codes_by_advocate ON friend_codes (advocate_id);
-- The referrals list finds an order by its number.
CREATE INDEX orders_by_order_id ON orders (order_id);

-- The dashboard's advocates and referrals search (people_search.py): e-mail addresses and codes
-- matched by their start, a range read on an index, fast at a million advocates. The ranges
-- compare bytes (COLLATE "C", Dialect.bytewise) whatever the database's collation, so these
-- indexes hold the columns the same way.
CREATE INDEX advocates_by_email_key ON advocates ((email_key COLLATE "C"));
CREATE INDEX advocates_by_name_key ON advocates ((search_name COLLATE "C"));
CREATE INDEX advocates_by_code_bytes ON advocates ((code COLLATE "C"));
CREATE INDEX advocates_by_coupon_bytes ON advocates ((coupon_code COLLATE "C"));
CREATE INDEX advocate_links_by_code_bytes ON advocate_links ((code COLLATE "C"));
CREATE INDEX friend_codes_by_code_bytes ON friend_codes ((code_key COLLATE "C"));
CREATE INDEX orders_by_email_bytes ON orders ((email_key COLLATE "C"));
-- An advocate's profile lists the friends' codes issued through their link.
CREATE INDEX friend_codes_by_advocate ON friend_codes (advocate_id);
-- The referrals list finds an order by its number.
CREATE INDEX orders_by_order_id ON orders (order_id);

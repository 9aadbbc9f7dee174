-- Attribution without the link and friends' codes: every advocate's personal coupon code (ANNA10),
-- a folded name for the checkout's "referred by a friend?" look-up, how each campaign hands the
-- friend their discount, and the friends' codes themselves (uploaded pools and generated codes).

-- NULL only for advocates who joined before this migration: they get one on their next visit.
ALTER TABLE advocates ADD COLUMN coupon_code TEXT;
CREATE UNIQUE INDEX advocates_by_coupon_code ON advocates (coupon_code);

-- Lower-case, accents folded (new rows; older rows are lower-cased here): matched by prefix.
ALTER TABLE advocates ADD COLUMN search_name TEXT;
UPDATE advocates SET search_name = lower(name) WHERE name IS NOT NULL;
CREATE INDEX advocates_by_search_name ON advocates (campaign_id, search_name);

-- 'link': the discount applies through the ref (as before); 'shared_code': everyone gets
-- friend_code; 'pool': a code of the uploaded pool per friend; 'generated': Shareback makes one
-- (friend_code_prefix-XXXXXX) per friend and announces it in a friend_code.issued event.
ALTER TABLE campaigns ADD COLUMN friend_fulfilment TEXT NOT NULL DEFAULT 'link'
    CHECK (friend_fulfilment IN ('link', 'shared_code', 'pool', 'generated'));
ALTER TABLE campaigns ADD COLUMN friend_code TEXT;
ALTER TABLE campaigns ADD COLUMN friend_code_prefix TEXT NOT NULL DEFAULT 'WELCOME';

CREATE TABLE friend_codes (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    code TEXT NOT NULL,
    -- upper case: checkouts compare discount codes case-insensitively, so must we
    code_key TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL CHECK (source IN ('pool', 'generated')),
    -- set when the code is issued: to the friend who followed this click of this advocate's link
    advocate_id INTEGER REFERENCES advocates (id),
    click_token TEXT UNIQUE,
    created_at TEXT NOT NULL,
    issued_at TEXT
);
CREATE INDEX friend_codes_free ON friend_codes (campaign_id, id) WHERE click_token IS NULL;

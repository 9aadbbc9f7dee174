-- Partner and influencer programmes (issue 14.5), beside the customer referrals: a programme's
-- rules, its partners (applied or invited, then approved or rejected by the owner), each
-- partner's placements (sub-links: Instagram bio, YouTube description), their clicks, one
-- commission per order a partner is credited with, the clawbacks of approved commissions, the
-- partners' payout accounts and their transfers in the existing payout batches.

CREATE TABLE partner_programmes (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- where partner links land (its landing URL) and whose shop it is
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    currency TEXT NOT NULL,
    rate_bp INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),  -- 1000: 10 %
    basis TEXT NOT NULL CHECK (basis IN ('first_order', 'every_order')),
    window_days INTEGER NOT NULL CHECK (window_days > 0),
    attribution_days INTEGER NOT NULL CHECK (attribution_days > 0),
    hold_days INTEGER NOT NULL CHECK (hold_days >= 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE partners (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES partner_programmes (id),
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    name TEXT NOT NULL,
    website TEXT,
    pitch TEXT,
    status TEXT NOT NULL CHECK (status IN ('applied', 'invited', 'approved', 'rejected')),
    -- the link's code (/r/ANNA-7KQ2XMP); it only leads anywhere once the partner is approved
    code TEXT NOT NULL UNIQUE,
    -- typed at checkout (ANNA15), set by the owner; upper case
    coupon_code TEXT UNIQUE,
    -- NULL: the programme's own setting
    rate_bp INTEGER CHECK (rate_bp BETWEEN 0 AND 10000),
    basis TEXT CHECK (basis IN ('first_order', 'every_order')),
    window_days INTEGER CHECK (window_days > 0),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    UNIQUE (programme_id, email_key)
);

CREATE TABLE partner_placements (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    key TEXT NOT NULL,  -- instagram-bio: /r/ANNA-7KQ2XMP/instagram-bio
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (partner_id, key)
);

-- placement '': the partner's plain link (or a placement they never declared)
CREATE TABLE partner_clicks (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    placement TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    ip_hash TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX partner_clicks_by_partner ON partner_clicks (partner_id, placement);

-- A transfer to a partner in a payout batch: what their approved commissions owe, less the
-- clawbacks it settles. The account is copied, as payout_items copy it.
CREATE TABLE partner_payouts (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES payout_batches (id),
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    holder_name TEXT NOT NULL,
    iban TEXT NOT NULL,
    bic TEXT,
    UNIQUE (batch_id, partner_id)
);

-- One per order credited to a partner (order_pk is unique: a replay never counts twice). Refused
-- ones are kept with the reason (another currency than the programme's, a repeat customer).
CREATE TABLE partner_commissions (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners (id),
    order_pk INTEGER NOT NULL UNIQUE REFERENCES orders (id),
    customer_key TEXT,
    placement TEXT NOT NULL,
    via TEXT NOT NULL CHECK (via IN ('link', 'code', 'window')),
    click_id INTEGER REFERENCES partner_clicks (id),
    revenue_minor INTEGER NOT NULL,  -- the order's total, in its currency
    kept_minor INTEGER NOT NULL,  -- what refunds left of it
    currency TEXT NOT NULL,  -- the order's
    rate_bp INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),  -- in the programme's currency
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'paid', 'revoked', 'refused')),
    reason TEXT,
    approve_after TEXT NOT NULL,
    approved_at TEXT,
    -- set once, when a batch takes it: a commission is paid once
    payout_id INTEGER REFERENCES partner_payouts (id),
    paid_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX partner_commissions_by_partner ON partner_commissions (partner_id, status);
CREATE INDEX partner_commissions_due ON partner_commissions (status, approve_after);
CREATE INDEX partner_commissions_by_customer ON partner_commissions (customer_key, partner_id);

-- What an approved commission lost to a later refund: taken off the partner's next payout.
CREATE TABLE partner_clawbacks (
    id INTEGER PRIMARY KEY,
    commission_id INTEGER NOT NULL REFERENCES partner_commissions (id),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    reason TEXT NOT NULL CHECK (reason IN ('refund', 'partial_refund', 'chargeback')),
    created_at TEXT NOT NULL,
    payout_id INTEGER REFERENCES partner_payouts (id)  -- the payout that settled it
);
CREATE INDEX partner_clawbacks_by_commission ON partner_clawbacks (commission_id);

CREATE TABLE partner_accounts (
    partner_id INTEGER PRIMARY KEY REFERENCES partners (id),
    holder_name TEXT NOT NULL,
    iban TEXT NOT NULL,
    bic TEXT,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Out-of-order webhooks, fraud rules and click hygiene (issue 8).

-- Refunds, partial refunds and chargebacks that arrive before their order: kept, each once by its
-- key, until the order is recorded; then applied in the order's transaction and deleted.
CREATE TABLE pending_adjustments (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    order_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('partial_refund', 'refund', 'chargeback')),
    -- a partial refund's own key ('refund:509562969', 'amount_refunded:5000'); the kind otherwise
    refund_key TEXT NOT NULL,
    amount TEXT,  -- a partial refund's decimal amount in major units, as the platform sent it
    currency TEXT,
    cumulative INTEGER NOT NULL DEFAULT 0 CHECK (cumulative IN (0, 1)),
    received_at TEXT NOT NULL,
    UNIQUE (source, order_id, refund_key)
);

-- A lost order remembers why: a chargeback outranks a refund whatever order they arrive in.
ALTER TABLE orders ADD COLUMN lost_reason TEXT CHECK (lost_reason IN ('refund', 'chargeback'));
-- The platform's customer id, when it sends one: self-referral by the same customer account.
ALTER TABLE orders ADD COLUMN customer_id TEXT;
CREATE INDEX orders_by_customer ON orders (source, customer_id);

-- A campaign's fraud rules; a campaign without a row has fraud.DEFAULT_RULES.
-- Actions: 'allow', 'review' (held in the dashboard's review queue) or 'refuse'.
CREATE TABLE fraud_rules (
    campaign_id INTEGER PRIMARY KEY REFERENCES campaigns (id),
    similar_email TEXT NOT NULL CHECK (similar_email IN ('allow', 'review', 'refuse')),
    same_customer TEXT NOT NULL CHECK (same_customer IN ('allow', 'review', 'refuse')),
    same_ip_device TEXT NOT NULL CHECK (same_ip_device IN ('allow', 'review', 'refuse')),
    disposable_email TEXT NOT NULL CHECK (disposable_email IN ('allow', 'review', 'refuse')),
    velocity TEXT NOT NULL CHECK (velocity IN ('allow', 'review', 'refuse')),
    daily_limit INTEGER NOT NULL CHECK (daily_limit >= 0),  -- referrals per advocate per day; 0: none
    reward_cap INTEGER NOT NULL CHECK (reward_cap >= 0),  -- rewarded referrals per advocate; 0: none
    updated_at TEXT NOT NULL
);

-- Every referral the fraud rules judged: the verdict, the rules that fired, and for the doubtful
-- ones the review queue's answer (who decided, how and why).
CREATE TABLE fraud_decisions (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    advocate_id INTEGER NOT NULL REFERENCES advocates (id),
    order_pk INTEGER NOT NULL UNIQUE REFERENCES orders (id),
    referral_id INTEGER REFERENCES referrals (id),
    verdict TEXT NOT NULL CHECK (verdict IN ('paid', 'review', 'refused')),
    reasons TEXT NOT NULL,  -- space-separated rule names; 'passed' when none fired
    decided_at TEXT NOT NULL,
    review_verdict TEXT CHECK (review_verdict IN ('approved', 'rejected')),
    reviewed_by TEXT,
    review_note TEXT,
    reviewed_at TEXT
);
CREATE INDEX fraud_decisions_by_verdict ON fraud_decisions (verdict, reviewed_at);
CREATE INDEX fraud_decisions_by_referral ON fraud_decisions (referral_id);

-- Click hygiene: one visitor (IP hash and user agent) counts once per day: their later clicks
-- reuse the day's first click; clicks past the per-IP limit are kept apart, uncounted, only so
-- that an order coming through one can still be compared with it.
ALTER TABLE clicks ADD COLUMN visitor TEXT;
CREATE INDEX clicks_by_repeat_visitor ON clicks (advocate_id, visitor, created_at);
CREATE TABLE uncounted_clicks (
    id INTEGER PRIMARY KEY,
    advocate_id INTEGER NOT NULL REFERENCES advocates (id),
    token TEXT NOT NULL UNIQUE,
    ip_hash TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX uncounted_clicks_by_time ON uncounted_clicks (created_at);

-- Rewards reach people (issue 10): a reward moves pending → approved → fulfilled (issued or paid),
-- beside revoked; clawbacks stay records of their own. Each reward says how it is fulfilled:
-- 'checkout' (the friend's discount, given by the shop's checkout itself: fulfilled when the
-- order is recorded, never paid, never owed back), 'payout' (cash, in a payout batch), 'credit'
-- (the advocate's store-credit ledger), 'coupon' (a single-use code), 'shop' (the shop fulfils
-- it: custom rewards and points). fulfilled_ref says with what (a batch, a code, an order).
--
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt. Foreign keys from
-- reward_changes and clawbacks are deferred to the commit, by when every row is back.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE rewards_before_0015 AS SELECT * FROM rewards;
DROP TABLE rewards;
CREATE TABLE rewards (
    id INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referrals (id),
    side TEXT NOT NULL CHECK (side IN ('referrer', 'friend')),
    advocate_id INTEGER REFERENCES advocates (id),
    email TEXT NOT NULL,
    type TEXT NOT NULL,
    value TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_minor INTEGER,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'fulfilled', 'revoked')),
    approve_after TEXT NOT NULL,
    approved_at TEXT,
    revoked_at TEXT,
    revoke_reason TEXT,
    created_at TEXT NOT NULL,
    validation_attempts INTEGER NOT NULL DEFAULT 0,
    validation_next_at TEXT,
    validation_lease_until TEXT,
    validation_leased_by TEXT,
    validation_error TEXT,
    fulfilment TEXT NOT NULL DEFAULT 'shop'
        CHECK (fulfilment IN ('checkout', 'payout', 'credit', 'coupon', 'shop')),
    fulfilled_at TEXT,
    fulfilled_ref TEXT,
    UNIQUE (referral_id, side)
);
INSERT INTO rewards (id, referral_id, side, advocate_id, email, type, value, currency,
    amount_minor, status, approve_after, approved_at, revoked_at, revoke_reason, created_at,
    validation_attempts, validation_next_at, validation_lease_until, validation_leased_by,
    validation_error)
SELECT id, referral_id, side, advocate_id, email, type, value, currency, amount_minor, status,
    approve_after, approved_at, revoked_at, revoke_reason, created_at, validation_attempts,
    validation_next_at, validation_lease_until, validation_leased_by, validation_error
FROM rewards_before_0015;
DROP TABLE rewards_before_0015;
CREATE INDEX rewards_due ON rewards (status, approve_after);
CREATE INDEX rewards_by_status ON rewards (status, id);

-- How the rewards kept so far are fulfilled (fulfilment.method): the friend's discount at the
-- checkout, already given; credit and coupons by their own means; the rest by the shop.
UPDATE rewards SET fulfilment = CASE
    WHEN side = 'friend' AND type IN ('percent_discount', 'fixed_discount') THEN 'checkout'
    WHEN type = 'credit' THEN 'credit'
    WHEN type IN ('coupon', 'percent_discount', 'fixed_discount') THEN 'coupon'
    ELSE 'shop' END;
-- The friend's discount was given when the order was paid: fulfilled then, and nothing of it is
-- owed back after a refund (the clawbacks of old were the "owed back" that never was).
UPDATE rewards SET status = 'fulfilled', fulfilled_at = created_at, fulfilled_ref = 'checkout'
    WHERE fulfilment = 'checkout' AND status <> 'revoked';
DELETE FROM clawbacks WHERE reward_id IN (SELECT id FROM rewards WHERE fulfilment = 'checkout');

-- What the order webhooks say the shop gave: the order's value before discounts and the
-- discounts themselves, in minor units of the order's currency (NULL: not sent).
ALTER TABLE orders ADD COLUMN subtotal_minor INTEGER;
ALTER TABLE orders ADD COLUMN discount_minor INTEGER;

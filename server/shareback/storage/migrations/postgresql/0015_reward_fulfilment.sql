-- Rewards reach people (issue 10): a reward moves pending → approved → fulfilled (issued or paid),
-- beside revoked; clawbacks stay records of their own. Each reward says how it is fulfilled:
-- 'checkout' (the friend's discount, given by the shop's checkout itself: fulfilled when the
-- order is recorded, never paid, never owed back), 'payout' (cash, in a payout batch), 'credit'
-- (the advocate's store-credit ledger), 'coupon' (a single-use code), 'shop' (the shop fulfils
-- it: custom rewards and points). fulfilled_ref says with what (a batch, a code, an order).

ALTER TABLE rewards DROP CONSTRAINT rewards_status_check;
ALTER TABLE rewards ADD CONSTRAINT rewards_status_check
    CHECK (status IN ('pending', 'approved', 'fulfilled', 'revoked'));
ALTER TABLE rewards ADD COLUMN fulfilment TEXT NOT NULL DEFAULT 'shop'
    CHECK (fulfilment IN ('checkout', 'payout', 'credit', 'coupon', 'shop'));
ALTER TABLE rewards ADD COLUMN fulfilled_at TIMESTAMPTZ;
ALTER TABLE rewards ADD COLUMN fulfilled_ref TEXT;

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
ALTER TABLE orders ADD COLUMN subtotal_minor BIGINT;
ALTER TABLE orders ADD COLUMN discount_minor BIGINT;

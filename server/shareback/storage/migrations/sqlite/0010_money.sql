-- Money in the campaign's currency (issue 8). An order may carry its total in a second currency
-- (the shop's, when the shopper paid in another; or the shopper's): refunds given in it are
-- converted by proportion. A referral whose order has no amount in the campaign's currency, or
-- one below the campaign's minimum, is kept without rewards, and says why.

ALTER TABLE orders ADD COLUMN other_total_minor INTEGER;
ALTER TABLE orders ADD COLUMN other_currency TEXT;
ALTER TABLE referrals ADD COLUMN no_reward_reason TEXT
    CHECK (no_reward_reason IN ('currency_mismatch', 'below_minimum_order'));
-- In minor units of the campaign's currency; 1 (one cent, one yen): a zero-value order earns nothing.
ALTER TABLE campaigns ADD COLUMN min_order_minor INTEGER NOT NULL DEFAULT 1
    CHECK (min_order_minor >= 0);

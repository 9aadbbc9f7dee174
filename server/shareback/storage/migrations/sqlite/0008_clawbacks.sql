-- Refunds and chargebacks that arrive after a reward was approved cannot revoke it: the owner may
-- have paid it out. They leave a clawback the owner sees and can settle with the advocate.

CREATE TABLE clawbacks (
    id INTEGER PRIMARY KEY,
    reward_id INTEGER NOT NULL REFERENCES rewards (id),
    -- NULL: the whole reward, for kinds without a money amount (points, coupons).
    amount_minor INTEGER,
    reason TEXT NOT NULL CHECK (reason IN ('refund', 'partial_refund', 'chargeback')),
    created_at TEXT NOT NULL
);
CREATE INDEX clawbacks_by_reward ON clawbacks (reward_id);

-- Milestones and tiers (issue 14): a campaign's loyalty plan (JSON: the cap, the milestones and the
-- tiers, loyalty/plan.py), milestone rewards beside the per-friend ones, each advocate's tier.
--
-- A milestone reward is an ordinary referrer reward (fulfilled, approved, paid, e-mailed like any)
-- of kind 'milestone', booked on the referral that reached it: one referral may then carry its
-- per-friend reward and a milestone's, so "one reward per side" holds for kind 'referral' only.
-- SQLite cannot drop a table's UNIQUE constraint in place: the table is rebuilt (as in 0015);
-- foreign keys to it are deferred to the commit, by when every row is back.
PRAGMA defer_foreign_keys = ON;

ALTER TABLE campaigns ADD COLUMN loyalty TEXT;

CREATE TEMP TABLE rewards_before_0029 AS SELECT * FROM rewards;
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
    kind TEXT NOT NULL DEFAULT 'referral' CHECK (kind IN ('referral', 'milestone'))
);
INSERT INTO rewards (id, referral_id, side, advocate_id, email, type, value, currency,
    amount_minor, status, approve_after, approved_at, revoked_at, revoke_reason, created_at,
    validation_attempts, validation_next_at, validation_lease_until, validation_leased_by,
    validation_error, fulfilment, fulfilled_at, fulfilled_ref)
SELECT id, referral_id, side, advocate_id, email, type, value, currency, amount_minor, status,
    approve_after, approved_at, revoked_at, revoke_reason, created_at, validation_attempts,
    validation_next_at, validation_lease_until, validation_leased_by, validation_error,
    fulfilment, fulfilled_at, fulfilled_ref
FROM rewards_before_0029;
DROP TABLE rewards_before_0029;
CREATE INDEX rewards_due ON rewards (status, approve_after);
CREATE INDEX rewards_by_status ON rewards (status, id);
CREATE UNIQUE INDEX rewards_one_per_side ON rewards (referral_id, side) WHERE kind = 'referral';

-- Each milestone an advocate reached: `friends` is the milestone (the n-th successful friend).
-- One live award per advocate and milestone: a second delivery, a replay or a second process
-- inserts nothing. A refund that takes the count below it withdraws it (the reward revoked, or
-- clawed back once when it was approved already); reached again, it is awarded again.
CREATE TABLE milestone_awards (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    advocate_id INTEGER NOT NULL REFERENCES advocates (id),
    friends INTEGER NOT NULL CHECK (friends > 0),
    referral_id INTEGER NOT NULL REFERENCES referrals (id),
    reward_id INTEGER NOT NULL UNIQUE REFERENCES rewards (id),
    awarded_at TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_reason TEXT CHECK (withdrawn_reason IN ('revoked', 'clawed_back'))
);
CREATE UNIQUE INDEX milestone_awards_live ON milestone_awards (advocate_id, friends)
    WHERE withdrawn_at IS NULL;
CREATE INDEX milestone_awards_by_advocate ON milestone_awards (advocate_id, id);

-- The advocate's tier (a key of the campaign's plan; NULL: none yet) and since when.
ALTER TABLE advocates ADD COLUMN tier TEXT;
ALTER TABLE advocates ADD COLUMN tier_changed_at TEXT;

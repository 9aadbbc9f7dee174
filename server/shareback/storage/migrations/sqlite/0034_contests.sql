-- Contests (issue 14): a campaign's time-boxed leaderboard with prizes for the top places, and
-- the nickname an advocate may pick to be shown by on it.
CREATE TABLE contests (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    name TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    -- ends_at plus the campaign's hold period when it was made: the standings are final then.
    settles_at TEXT NOT NULL,
    prizes TEXT NOT NULL,  -- JSON, contests.prizes_to_json: [{"rank", "type", "value", "currency"}]
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    cancelled_at TEXT,
    settled_at TEXT,
    CHECK (ends_at > starts_at)
);
CREATE INDEX contests_by_campaign ON contests (campaign_id, ends_at);
CREATE INDEX contests_to_settle ON contests (settles_at) WHERE settled_at IS NULL;

-- A contest's prize is an ordinary referrer reward of kind 'prize', booked on the winner's last
-- counted friend. SQLite cannot change a CHECK in place: the table is rebuilt (as in 0029), its
-- foreign keys deferred to the commit, by when every row is back.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE rewards_before_0034 AS SELECT * FROM rewards;
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
    kind TEXT NOT NULL DEFAULT 'referral' CHECK (kind IN ('referral', 'milestone', 'prize'))
);
INSERT INTO rewards (id, referral_id, side, advocate_id, email, type, value, currency, amount_minor, status, approve_after, approved_at, revoked_at, revoke_reason, created_at, validation_attempts, validation_next_at, validation_lease_until, validation_leased_by, validation_error, fulfilment, fulfilled_at, fulfilled_ref, kind)
SELECT id, referral_id, side, advocate_id, email, type, value, currency, amount_minor, status, approve_after, approved_at, revoked_at, revoke_reason, created_at, validation_attempts, validation_next_at, validation_lease_until, validation_leased_by, validation_error, fulfilment, fulfilled_at, fulfilled_ref, kind FROM rewards_before_0034;
DROP TABLE rewards_before_0034;
CREATE INDEX rewards_due ON rewards (status, approve_after);
CREATE INDEX rewards_by_status ON rewards (status, id);
CREATE UNIQUE INDEX rewards_one_per_side ON rewards (referral_id, side) WHERE kind = 'referral';
-- Dropping the table dropped 0033's triggers on it: the same triggers again, or the per-day
-- reward counts (reward_days) would stop following the rewards.
CREATE TRIGGER reward_counted AFTER INSERT ON rewards
BEGIN
    INSERT INTO reward_days (campaign_id, day, status, n, cost_minor)
    SELECT s.campaign_id, s.day, NEW.status, 1,
        CASE WHEN NEW.fulfilment = 'checkout' AND o.status = 'refunded' THEN 0
        ELSE COALESCE(NEW.amount_minor, 0) END
    FROM shop_day_of_referral s JOIN referrals r ON r.id = s.referral_id
    JOIN orders o ON o.id = r.order_pk WHERE s.referral_id = NEW.referral_id
    ON CONFLICT (campaign_id, day, status) DO UPDATE SET n = reward_days.n + excluded.n,
        cost_minor = reward_days.cost_minor + excluded.cost_minor;
END;

CREATE TRIGGER reward_recounted AFTER UPDATE OF status, amount_minor, fulfilment ON rewards
WHEN OLD.status IS NOT NEW.status OR OLD.amount_minor IS NOT NEW.amount_minor
    OR OLD.fulfilment IS NOT NEW.fulfilment
BEGIN
    INSERT INTO reward_days (campaign_id, day, status, n, cost_minor)
    SELECT s.campaign_id, s.day, OLD.status, -1,
        -(CASE WHEN OLD.fulfilment = 'checkout' AND o.status = 'refunded' THEN 0
        ELSE COALESCE(OLD.amount_minor, 0) END)
    FROM shop_day_of_referral s JOIN referrals r ON r.id = s.referral_id
    JOIN orders o ON o.id = r.order_pk WHERE s.referral_id = OLD.referral_id
    ON CONFLICT (campaign_id, day, status) DO UPDATE SET n = reward_days.n + excluded.n,
        cost_minor = reward_days.cost_minor + excluded.cost_minor;
    INSERT INTO reward_days (campaign_id, day, status, n, cost_minor)
    SELECT s.campaign_id, s.day, NEW.status, 1,
        CASE WHEN NEW.fulfilment = 'checkout' AND o.status = 'refunded' THEN 0
        ELSE COALESCE(NEW.amount_minor, 0) END
    FROM shop_day_of_referral s JOIN referrals r ON r.id = s.referral_id
    JOIN orders o ON o.id = r.order_pk WHERE s.referral_id = NEW.referral_id
    ON CONFLICT (campaign_id, day, status) DO UPDATE SET n = reward_days.n + excluded.n,
        cost_minor = reward_days.cost_minor + excluded.cost_minor;
END;

-- Each place's prize, given once: whichever process settles first inserts it.
CREATE TABLE contest_prizes (
    contest_id INTEGER NOT NULL REFERENCES contests (id),
    rank INTEGER NOT NULL CHECK (rank > 0),
    advocate_id INTEGER NOT NULL REFERENCES advocates (id),
    reward_id INTEGER NOT NULL UNIQUE REFERENCES rewards (id),
    awarded_at TEXT NOT NULL,
    PRIMARY KEY (contest_id, rank)
);
CREATE INDEX contest_prizes_by_advocate ON contest_prizes (advocate_id);

ALTER TABLE advocates ADD COLUMN nickname TEXT;

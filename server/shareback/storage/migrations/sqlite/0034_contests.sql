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

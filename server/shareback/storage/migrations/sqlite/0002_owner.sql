-- The owner's side: admin users and their sessions, API keys, a reward audit trail,
-- and what the dashboard's numbers need to stay fast at millions of clicks.

CREATE TABLE admin_users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_login_at TEXT
);

CREATE TABLE admin_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX admin_sessions_by_user ON admin_sessions (user_id);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);

CREATE TABLE reward_changes (
    id INTEGER PRIMARY KEY,
    reward_id INTEGER NOT NULL REFERENCES rewards (id),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX reward_changes_by_reward ON reward_changes (reward_id);

-- Clicks carry their campaign so that range scans need no join; the covering index answers
-- counts per channel and distinct visitors from the index alone.
ALTER TABLE clicks ADD COLUMN campaign_id INTEGER REFERENCES campaigns (id);
UPDATE clicks SET campaign_id = (SELECT a.campaign_id FROM advocates a WHERE a.id = clicks.advocate_id);
CREATE INDEX clicks_by_campaign ON clicks (campaign_id, created_at, device, channel, ip_hash);

CREATE INDEX advocates_by_campaign ON advocates (campaign_id, created_at);
CREATE INDEX referrals_by_campaign ON referrals (campaign_id, created_at);
CREATE INDEX orders_by_paid_at ON orders (paid_at);
CREATE INDEX rewards_by_status ON rewards (status, id);

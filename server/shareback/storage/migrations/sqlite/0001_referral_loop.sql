-- The referral loop: campaigns, advocates, clicks, widget events, orders, referrals, rewards.
-- Times are UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' (sortable, understood by date()).

CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    shop_name TEXT NOT NULL,
    landing_url TEXT NOT NULL,
    allowed_origins TEXT NOT NULL DEFAULT '',
    referrer_reward_type TEXT NOT NULL,
    referrer_reward_value TEXT NOT NULL,
    friend_reward_type TEXT NOT NULL,
    friend_reward_value TEXT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'EUR',
    attribution_days INTEGER NOT NULL DEFAULT 30 CHECK (attribution_days > 0),
    hold_days INTEGER NOT NULL DEFAULT 14 CHECK (hold_days >= 0),
    new_customers_only INTEGER NOT NULL DEFAULT 1,
    starts_at TEXT,
    ends_at TEXT,
    archived_at TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE advocates (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    name TEXT,
    code TEXT NOT NULL UNIQUE,
    verified INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (campaign_id, email_key)
);

CREATE TABLE clicks (
    id INTEGER PRIMARY KEY,
    advocate_id INTEGER NOT NULL REFERENCES advocates (id),
    token TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    ip_hash TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX clicks_by_advocate ON clicks (advocate_id, created_at);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    advocate_id INTEGER REFERENCES advocates (id),
    type TEXT NOT NULL,
    channel TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX events_by_campaign ON events (campaign_id, created_at);

CREATE TABLE webhook_messages (
    source TEXT NOT NULL,
    message_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (source, message_id)
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    order_id TEXT NOT NULL,
    email TEXT,
    email_key TEXT,
    total_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('paid', 'refunded')),
    paid_at TEXT NOT NULL,
    refunded_at TEXT,
    UNIQUE (source, order_id)
);
CREATE INDEX orders_by_email ON orders (email_key);

CREATE TABLE referrals (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    advocate_id INTEGER NOT NULL REFERENCES advocates (id),
    order_pk INTEGER NOT NULL UNIQUE REFERENCES orders (id),
    click_id INTEGER REFERENCES clicks (id),
    friend_email_key TEXT NOT NULL,
    via TEXT NOT NULL CHECK (via IN ('link', 'code')),
    created_at TEXT NOT NULL,
    UNIQUE (campaign_id, friend_email_key)
);
CREATE INDEX referrals_by_advocate ON referrals (advocate_id);

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
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'revoked')),
    approve_after TEXT NOT NULL,
    approved_at TEXT,
    revoked_at TEXT,
    revoke_reason TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (referral_id, side)
);
CREATE INDEX rewards_due ON rewards (status, approve_after);

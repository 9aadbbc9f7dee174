-- Outgoing webhooks: the owner's endpoints, an outbox written in the same transaction as the
-- change it announces, one delivery per (event, endpoint) with leases for concurrent workers,
-- and a log of every attempt.

CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    events TEXT NOT NULL DEFAULT '*',
    secret TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    disabled_at TEXT
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    outbox_id INTEGER NOT NULL REFERENCES outbox (id),
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until TEXT,
    leased_by TEXT,
    last_status_code INTEGER,
    last_error TEXT,
    delivered_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (outbox_id, endpoint_id)
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);

CREATE TABLE delivery_attempts (
    id INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
    at TEXT NOT NULL,
    status_code INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts (delivery_id);

-- What e-mail tools need in events: the friend's name as the checkout gave it.
ALTER TABLE referrals ADD COLUMN friend_name TEXT;

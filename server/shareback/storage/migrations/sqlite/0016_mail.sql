-- E-mails Shareback sends itself (issue 10): per-campaign settings and templates, a durable
-- outbox of messages claimed under a lease like the webhook deliveries, each attempt logged,
-- and the suppression list one-click unsubscribe writes to.

-- A campaign without a row sends every journey in its default wording.
CREATE TABLE mail_settings (
    campaign_id INTEGER PRIMARY KEY REFERENCES campaigns (id),
    sender TEXT,  -- 'Shop <hello@shop.example>'; NULL: SHAREBACK_EMAIL_FROM
    lang TEXT NOT NULL CHECK (lang IN ('nl', 'en')),  -- when the shopper's language is unknown
    journeys TEXT NOT NULL,  -- the journeys sent, space-separated
    reminder_days INTEGER NOT NULL CHECK (reminder_days BETWEEN 1 AND 365),
    updated_at TEXT NOT NULL
);

-- The owner's own wording of one journey in one language (Jinja2, sandboxed, escaped).
CREATE TABLE mail_templates (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    journey TEXT NOT NULL,
    lang TEXT NOT NULL CHECK (lang IN ('nl', 'en')),
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (campaign_id, journey, lang)
);

-- A shopper's language as the widget last saw it, by e-mail key.
CREATE TABLE mail_contacts (
    email_key TEXT PRIMARY KEY,
    lang TEXT NOT NULL CHECK (lang IN ('nl', 'en')),
    updated_at TEXT NOT NULL
);

-- Who asked for no more e-mail: a keyed hash of the address (mail/unsubscribe.py), never the
-- address itself, so the suppression outlives a GDPR erasure.
CREATE TABLE mail_suppressions (
    address_hash TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- One message per (journey, occasion): dedupe_key makes planning idempotent in any process.
CREATE TABLE mail_messages (
    id INTEGER PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    journey TEXT NOT NULL,
    recipient TEXT NOT NULL,
    email_key TEXT NOT NULL,
    name TEXT,
    facts TEXT NOT NULL,  -- JSON: what the journey's template shows
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'dead', 'suppressed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_until TEXT,
    leased_by TEXT,
    last_error TEXT,
    message_id TEXT,  -- the Message-ID header of the message sent
    subject TEXT,
    lang TEXT,
    sent_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX mail_messages_due ON mail_messages (status, next_attempt_at);
CREATE INDEX mail_messages_by_email ON mail_messages (email_key);

CREATE TABLE mail_attempts (
    id INTEGER PRIMARY KEY,
    mail_id INTEGER NOT NULL REFERENCES mail_messages (id),
    at TEXT NOT NULL,
    error TEXT,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX mail_attempts_by_mail ON mail_attempts (mail_id);

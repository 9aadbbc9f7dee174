-- Customers as first-class records (issue 12): everyone who ordered, joined as an advocate or
-- was imported from a CRM, keyed by their inbox (emails.email_key). Every order webhook (referred
-- or not) adds a customer_orders row in its own transaction; the customer's figures (order count,
-- revenue net of refunds, first and last order) are rolled up from those rows and the import's
-- snapshot (crm/rollup.py). imports and import_rejections are the CSV imports' progress and
-- their rejected rows (line and reason only: no personal data).

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    email_key TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    -- codes.name_key of the whole name: the dashboard's search (people_search.py).
    search_name TEXT,
    country TEXT CHECK (country IS NULL OR length(country) = 2),
    first_order_at TEXT,
    last_order_at TEXT,
    order_count INTEGER NOT NULL DEFAULT 0,
    revenue_minor INTEGER NOT NULL DEFAULT 0,
    currency TEXT,
    marketing_consent INTEGER,  -- NULL: unknown
    consent_source TEXT,
    consent_at TEXT,
    -- What an import said the platform had counted before it (Shopify's Total Orders and Total
    -- Spent): orders placed after imported_at are added to it (crm/rollup.py).
    imported_order_count INTEGER,
    imported_revenue_minor INTEGER,
    imported_currency TEXT,
    imported_at TEXT,
    -- The referral facts last sent in a customer.updated event (JSON), to send only changes.
    referral_facts TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX customers_by_updated ON customers (updated_at, id);
-- The dashboard's search by the start of an address or a name (as 0022 does for advocates).
CREATE INDEX customers_by_email_bytes ON customers (email_key);
CREATE INDEX customers_by_name_key ON customers (search_name);

CREATE TABLE customer_tags (
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    tag TEXT NOT NULL,
    PRIMARY KEY (customer_id, tag)
);
CREATE INDEX customer_tags_by_tag ON customer_tags (tag);

CREATE TABLE customer_external_ids (
    system TEXT NOT NULL,
    external_id TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    PRIMARY KEY (system, external_id)
);
CREATE INDEX customer_external_ids_by_customer ON customer_external_ids (customer_id);

CREATE TABLE customer_orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    source TEXT NOT NULL,
    order_id TEXT NOT NULL,
    placed_at TEXT NOT NULL,
    total_minor INTEGER NOT NULL,
    refunded_minor INTEGER NOT NULL DEFAULT 0,
    currency TEXT NOT NULL,
    -- The same total in a second currency, when the platform sent one (PaidOrder).
    other_total_minor INTEGER,
    other_currency TEXT,
    UNIQUE (source, order_id)
);
CREATE INDEX customer_orders_by_customer ON customer_orders (customer_id, placed_at);

CREATE TABLE customer_tickets (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    system TEXT NOT NULL,
    external_id TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    topic TEXT,
    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    nps INTEGER CHECK (nps BETWEEN 0 AND 10),
    UNIQUE (system, external_id)
);
CREATE INDEX customer_tickets_by_customer ON customer_tickets (customer_id, opened_at);

ALTER TABLE advocates ADD COLUMN customer_id INTEGER REFERENCES customers (id);
CREATE INDEX advocates_by_customer ON advocates (customer_id);
CREATE INDEX referrals_by_friend ON referrals (friend_email_key);

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('customers', 'orders', 'tickets')),
    format TEXT NOT NULL,
    filename TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_imported INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    actor TEXT NOT NULL,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
);

CREATE TABLE import_rejections (
    import_id INTEGER NOT NULL REFERENCES imports (id),
    line INTEGER NOT NULL,
    reason TEXT NOT NULL,  -- a code (crm/rejections.py words it)
    field TEXT,  -- the column it is about, as the file names it
    PRIMARY KEY (import_id, line)
);

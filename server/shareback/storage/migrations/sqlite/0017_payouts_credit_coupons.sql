-- Cash rewards paid by bank transfer, store credit and referrers' coupons (issue 10): each advocate's
-- payout account as the owner entered it, payout batches of approved cash rewards and their transfers.
-- A reward is in at most one batch, ever: payout_items.reward_id is unique, so two owners making
-- batches at once cannot both take it.

CREATE TABLE payout_accounts (
    advocate_id INTEGER PRIMARY KEY REFERENCES advocates (id),
    holder_name TEXT NOT NULL,
    iban TEXT NOT NULL,
    bic TEXT,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE payout_batches (
    id INTEGER PRIMARY KEY,
    currency TEXT NOT NULL,
    total_minor INTEGER NOT NULL CHECK (total_minor > 0),
    status TEXT NOT NULL CHECK (status IN ('open', 'paid')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    paid_by TEXT,
    paid_at TEXT
);

-- The account is copied into the transfer: a file sent to the bank never changes afterwards.
CREATE TABLE payout_items (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES payout_batches (id),
    reward_id INTEGER NOT NULL UNIQUE REFERENCES rewards (id),
    advocate_id INTEGER NOT NULL REFERENCES advocates (id),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    holder_name TEXT NOT NULL,
    iban TEXT NOT NULL,
    bic TEXT
);
CREATE INDEX payout_items_by_batch ON payout_items (batch_id, reward_id);

-- Store credit: a ledger per person (their inbox key) and currency. A credit reward adds an
-- entry when it is fulfilled (once: reward_id is unique); the checkout spends it with a
-- redemption (negative), once per idempotency key, never below a zero balance.
CREATE TABLE credit_entries (
    id INTEGER PRIMARY KEY,
    email_key TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor <> 0),
    kind TEXT NOT NULL CHECK (kind IN ('reward', 'redemption')),
    reward_id INTEGER UNIQUE REFERENCES rewards (id),
    idempotency_key TEXT UNIQUE,
    order_ref TEXT,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK ((kind = 'reward') = (reward_id IS NOT NULL)),
    CHECK ((kind = 'redemption') = (idempotency_key IS NOT NULL))
);
CREATE INDEX credit_entries_by_person ON credit_entries (email_key, currency, id);

-- Coupons for referrers: single-use codes drawn from a campaign's uploaded pool, else generated;
-- each given to one reward at most (reward_id is unique).
CREATE TABLE reward_codes (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    code TEXT NOT NULL,
    code_key TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL CHECK (source IN ('pool', 'generated')),
    reward_id INTEGER UNIQUE REFERENCES rewards (id),
    created_at TEXT NOT NULL,
    issued_at TEXT
);
CREATE INDEX reward_codes_free ON reward_codes (campaign_id, id) WHERE reward_id IS NULL;

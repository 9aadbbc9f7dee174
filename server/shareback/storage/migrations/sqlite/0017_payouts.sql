-- Cash rewards paid by bank transfer (issue 10): each advocate's payout account as the owner
-- entered it, payout batches the owner makes of approved cash rewards, and their transfers.
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

-- A clawed-back store-credit reward takes what it lost off the balance: a 'clawback' entry per
-- clawback, so credit owed back can no longer be spent. SQLite changes CHECK constraints only by
-- building the table anew; nothing references credit_entries.
CREATE TABLE credit_entries_next (
    id INTEGER PRIMARY KEY,
    email_key TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor <> 0),
    kind TEXT NOT NULL CHECK (kind IN ('reward', 'redemption', 'clawback')),
    reward_id INTEGER REFERENCES rewards (id),
    idempotency_key TEXT UNIQUE,
    order_ref TEXT,
    actor TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- Last, as PostgreSQL's ALTER TABLE adds it (tests/test_schema_parity.py).
    clawback_id INTEGER UNIQUE REFERENCES clawbacks (id),
    CHECK ((kind IN ('reward', 'clawback')) = (reward_id IS NOT NULL)),
    CHECK ((kind = 'clawback') = (clawback_id IS NOT NULL)),
    CHECK ((kind = 'redemption') = (idempotency_key IS NOT NULL))
);
INSERT INTO credit_entries_next (id, email_key, currency, amount_minor, kind, reward_id,
    idempotency_key, order_ref, actor, created_at)
SELECT id, email_key, currency, amount_minor, kind, reward_id, idempotency_key, order_ref, actor,
    created_at FROM credit_entries;
DROP TABLE credit_entries;
ALTER TABLE credit_entries_next RENAME TO credit_entries;
CREATE INDEX credit_entries_by_person ON credit_entries (email_key, currency, id);
CREATE UNIQUE INDEX credit_entries_one_reward ON credit_entries (reward_id) WHERE kind = 'reward';

-- Clawbacks booked before this migration debit the balance now (NULL: the whole reward).
INSERT INTO credit_entries (email_key, currency, amount_minor, kind, reward_id, clawback_id, actor,
    created_at)
SELECT e.email_key, e.currency, -COALESCE(k.amount_minor, e.amount_minor), 'clawback', e.reward_id,
    k.id, 'shareback', k.created_at
FROM clawbacks k JOIN credit_entries e ON e.reward_id = k.reward_id AND e.kind = 'reward'
WHERE COALESCE(k.amount_minor, e.amount_minor) <> 0 ORDER BY k.id;

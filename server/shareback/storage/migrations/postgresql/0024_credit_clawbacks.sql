-- A clawed-back store-credit reward takes what it lost off the balance: a 'clawback' entry per
-- clawback, so credit owed back can no longer be spent.
ALTER TABLE credit_entries
    DROP CONSTRAINT credit_entries_kind_check,
    DROP CONSTRAINT credit_entries_check,
    DROP CONSTRAINT credit_entries_reward_id_key,
    ADD COLUMN clawback_id BIGINT UNIQUE REFERENCES clawbacks (id),
    ADD CONSTRAINT credit_entries_kind_check
        CHECK (kind IN ('reward', 'redemption', 'clawback')),
    ADD CONSTRAINT credit_entries_reward_check
        CHECK ((kind IN ('reward', 'clawback')) = (reward_id IS NOT NULL)),
    ADD CONSTRAINT credit_entries_clawback_check
        CHECK ((kind = 'clawback') = (clawback_id IS NOT NULL));
CREATE UNIQUE INDEX credit_entries_one_reward ON credit_entries (reward_id) WHERE kind = 'reward';

-- Clawbacks booked before this migration debit the balance now (NULL: the whole reward).
INSERT INTO credit_entries (email_key, currency, amount_minor, kind, reward_id, clawback_id, actor,
    created_at)
SELECT e.email_key, e.currency, -COALESCE(k.amount_minor, e.amount_minor), 'clawback', e.reward_id,
    k.id, 'shareback', k.created_at
FROM clawbacks k JOIN credit_entries e ON e.reward_id = k.reward_id AND e.kind = 'reward'
WHERE COALESCE(k.amount_minor, e.amount_minor) <> 0 ORDER BY k.id;

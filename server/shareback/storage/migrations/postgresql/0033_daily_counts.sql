-- Growth (issue 9): the rest of the owner's numbers as counts per shop day, kept in the write
-- transactions, so the stats API and the overview read rows per day instead of rows per event,
-- referral or order (bench/README.md has the measurements).
--
-- Sharing advocates, exact over any range of days: sharer_days holds each advocate's days with a
-- share (written with the event, storage/sql/referrals.py), sharer_day_counts how many of a day's
-- sharers had shared last on previous_day ('0001-01-01': never before). The sharers of days
-- d1..d2 are the rows with d1 <= day <= d2 and previous_day < d1: each advocate counts once, on
-- their first day with a share in the range.
--
-- Referrals, rewards and orders: their days are kept beside them (shop_day_of_referral,
-- shop_day_of_order, written by the order's transaction in the shop's zone) and the triggers
-- below keep the counts of those days whatever statement changes an order's status or refunds,
-- a reward's status, amount or fulfilment, so no writer can forget them:
-- referral_days (conversions and the revenue kept, by order status), cohort_days (orders kept,
-- by the day the advocate joined: the K-factor's cohort), reward_days (rewards and their cost, by
-- status), order_days (the shop's paid orders, net of partial refunds), advocate_referral_days (each
-- advocate's referrals and paid revenue a day: the leaderboard). advocate_join_days: the advocates
-- who joined each day (written with the advocate).
--
-- Backfilled here in UTC days (store_meta's daily_counts_zone absent: UTC); a shop in another
-- zone recounts them on its next start (Store.ensure_rollups_zone).

CREATE TABLE sharer_days (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    advocate_id BIGINT NOT NULL REFERENCES advocates (id),
    day DATE NOT NULL,
    PRIMARY KEY (campaign_id, advocate_id, day)
);

CREATE TABLE sharer_day_counts (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    day DATE NOT NULL,
    previous_day DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, day, previous_day)
);

CREATE TABLE advocate_join_days (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    day DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, day)
);

CREATE TABLE shop_day_of_order (
    order_pk BIGINT PRIMARY KEY REFERENCES orders (id),
    day DATE NOT NULL
);

CREATE TABLE shop_day_of_referral (
    referral_id BIGINT PRIMARY KEY REFERENCES referrals (id),
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    day DATE NOT NULL,
    advocate_day DATE NOT NULL
);

CREATE TABLE order_days (
    day DATE PRIMARY KEY,
    n BIGINT NOT NULL,
    total_minor BIGINT NOT NULL
);

CREATE TABLE referral_days (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    day DATE NOT NULL,
    order_status TEXT NOT NULL,
    n BIGINT NOT NULL,
    kept_minor BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, day, order_status)
);

CREATE TABLE cohort_days (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    day DATE NOT NULL,
    advocate_day DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, day, advocate_day)
);

CREATE TABLE reward_days (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    day DATE NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    cost_minor BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, day, status)
);

CREATE TABLE advocate_referral_days (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    day DATE NOT NULL,
    advocate_id BIGINT NOT NULL REFERENCES advocates (id),
    n BIGINT NOT NULL,
    revenue_minor BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, day, advocate_id)
);

-- Every count below is changed by adding a delta (INSERT … ON CONFLICT DO UPDATE SET n = n + …),
-- so a change is "take off the old row's share, add the new row's share". The revenue a referral
-- keeps: nothing in another currency than the campaign's; a reward's cost: nothing for a friend's
-- checkout discount on an order that went back (storage/sql/reporting.py counts the same).
-- Each function first takes the day's advisory lock (held to the transaction's end): every count
-- of a day is then changed under one lock, so two transactions never wait for each other's count
-- rows in opposite orders (an order's, then a partial refund's of the same day).

CREATE FUNCTION shareback_lock_count_day(day DATE) RETURNS void LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(hashtextextended('daily-counts:' || day::text, 0));
$$;

CREATE FUNCTION shareback_order_day_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM shareback_lock_count_day(NEW.day);
    INSERT INTO order_days (day, n, total_minor)
    SELECT NEW.day, 1, o.total_minor - o.refunded_minor FROM orders o
    WHERE o.id = NEW.order_pk AND o.status = 'paid'
    ON CONFLICT (day) DO UPDATE SET n = order_days.n + excluded.n,
        total_minor = order_days.total_minor + excluded.total_minor;
    RETURN NULL;
END;
$$;
CREATE TRIGGER order_day_counted AFTER INSERT ON shop_day_of_order
FOR EACH ROW EXECUTE FUNCTION shareback_order_day_counted();

CREATE FUNCTION shareback_referral_day_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM shareback_lock_count_day(NEW.day);
    INSERT INTO referral_days (campaign_id, day, order_status, n, kept_minor)
    SELECT NEW.campaign_id, NEW.day, o.status, 1,
        CASE WHEN r.no_reward_reason = 'currency_mismatch' THEN 0
        ELSE o.total_minor - o.refunded_minor END
    FROM referrals r JOIN orders o ON o.id = r.order_pk WHERE r.id = NEW.referral_id
    ON CONFLICT (campaign_id, day, order_status) DO UPDATE SET n = referral_days.n + excluded.n,
        kept_minor = referral_days.kept_minor + excluded.kept_minor;
    INSERT INTO cohort_days (campaign_id, day, advocate_day, n)
    SELECT NEW.campaign_id, NEW.day, NEW.advocate_day, 1
    FROM referrals r JOIN orders o ON o.id = r.order_pk
    WHERE r.id = NEW.referral_id AND o.status <> 'refunded'
    ON CONFLICT (campaign_id, day, advocate_day) DO UPDATE SET n = cohort_days.n + excluded.n;
    INSERT INTO advocate_referral_days (campaign_id, day, advocate_id, n, revenue_minor)
    SELECT NEW.campaign_id, NEW.day, r.advocate_id, 1,
        CASE WHEN o.status = 'paid' AND COALESCE(r.no_reward_reason, '') <> 'currency_mismatch'
        THEN o.total_minor - o.refunded_minor ELSE 0 END
    FROM referrals r JOIN orders o ON o.id = r.order_pk WHERE r.id = NEW.referral_id
    ON CONFLICT (campaign_id, day, advocate_id) DO UPDATE
        SET n = advocate_referral_days.n + excluded.n,
        revenue_minor = advocate_referral_days.revenue_minor + excluded.revenue_minor;
    -- Rewards written before their referral's day (a copy, a rebuild) count now.
    INSERT INTO reward_days (campaign_id, day, status, n, cost_minor)
    SELECT NEW.campaign_id, NEW.day, w.status, COUNT(*),
        COALESCE(SUM(CASE WHEN w.fulfilment = 'checkout' AND o.status = 'refunded' THEN 0
        ELSE w.amount_minor END), 0)
    FROM rewards w JOIN referrals r ON r.id = w.referral_id JOIN orders o ON o.id = r.order_pk
    WHERE w.referral_id = NEW.referral_id GROUP BY w.status
    ON CONFLICT (campaign_id, day, status) DO UPDATE SET n = reward_days.n + excluded.n,
        cost_minor = reward_days.cost_minor + excluded.cost_minor;
    RETURN NULL;
END;
$$;
CREATE TRIGGER referral_day_counted AFTER INSERT ON shop_day_of_referral
FOR EACH ROW EXECUTE FUNCTION shareback_referral_day_counted();

CREATE FUNCTION shareback_reward_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    counted shop_day_of_referral%ROWTYPE;
    order_status TEXT;
BEGIN
    SELECT * INTO counted FROM shop_day_of_referral WHERE referral_id = NEW.referral_id;
    IF NOT FOUND THEN
        RETURN NULL;  -- its referral's day is not written yet: that insert counts it
    END IF;
    PERFORM shareback_lock_count_day(counted.day);
    SELECT o.status INTO order_status FROM referrals r JOIN orders o ON o.id = r.order_pk
    WHERE r.id = NEW.referral_id;
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO reward_days (campaign_id, day, status, n, cost_minor)
        VALUES (counted.campaign_id, counted.day, OLD.status, -1,
            -(CASE WHEN OLD.fulfilment = 'checkout' AND order_status = 'refunded' THEN 0
            ELSE COALESCE(OLD.amount_minor, 0) END))
        ON CONFLICT (campaign_id, day, status) DO UPDATE SET n = reward_days.n + excluded.n,
            cost_minor = reward_days.cost_minor + excluded.cost_minor;
    END IF;
    INSERT INTO reward_days (campaign_id, day, status, n, cost_minor)
    VALUES (counted.campaign_id, counted.day, NEW.status, 1,
        CASE WHEN NEW.fulfilment = 'checkout' AND order_status = 'refunded' THEN 0
        ELSE COALESCE(NEW.amount_minor, 0) END)
    ON CONFLICT (campaign_id, day, status) DO UPDATE SET n = reward_days.n + excluded.n,
        cost_minor = reward_days.cost_minor + excluded.cost_minor;
    RETURN NULL;
END;
$$;
CREATE TRIGGER reward_counted AFTER INSERT ON rewards
FOR EACH ROW EXECUTE FUNCTION shareback_reward_counted();
CREATE TRIGGER reward_recounted AFTER UPDATE OF status, amount_minor, fulfilment ON rewards
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
    OR OLD.amount_minor IS DISTINCT FROM NEW.amount_minor
    OR OLD.fulfilment IS DISTINCT FROM NEW.fulfilment)
EXECUTE FUNCTION shareback_reward_counted();

CREATE FUNCTION shareback_order_recounted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    order_day DATE;
BEGIN
    SELECT day INTO order_day FROM shop_day_of_order WHERE order_pk = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;  -- its day is not written yet: that insert counts it
    END IF;
    PERFORM shareback_lock_count_day(order_day);
    IF OLD.status = 'paid' THEN
        INSERT INTO order_days (day, n, total_minor)
        VALUES (order_day, -1, -(OLD.total_minor - OLD.refunded_minor))
        ON CONFLICT (day) DO UPDATE SET n = order_days.n + excluded.n,
            total_minor = order_days.total_minor + excluded.total_minor;
    END IF;
    IF NEW.status = 'paid' THEN
        INSERT INTO order_days (day, n, total_minor)
        VALUES (order_day, 1, NEW.total_minor - NEW.refunded_minor)
        ON CONFLICT (day) DO UPDATE SET n = order_days.n + excluded.n,
            total_minor = order_days.total_minor + excluded.total_minor;
    END IF;
    INSERT INTO referral_days (campaign_id, day, order_status, n, kept_minor)
    SELECT s.campaign_id, s.day, OLD.status, -1,
        -(CASE WHEN r.no_reward_reason = 'currency_mismatch' THEN 0
        ELSE OLD.total_minor - OLD.refunded_minor END)
    FROM referrals r JOIN shop_day_of_referral s ON s.referral_id = r.id WHERE r.order_pk = OLD.id
    ON CONFLICT (campaign_id, day, order_status) DO UPDATE SET n = referral_days.n + excluded.n,
        kept_minor = referral_days.kept_minor + excluded.kept_minor;
    INSERT INTO referral_days (campaign_id, day, order_status, n, kept_minor)
    SELECT s.campaign_id, s.day, NEW.status, 1,
        CASE WHEN r.no_reward_reason = 'currency_mismatch' THEN 0
        ELSE NEW.total_minor - NEW.refunded_minor END
    FROM referrals r JOIN shop_day_of_referral s ON s.referral_id = r.id WHERE r.order_pk = NEW.id
    ON CONFLICT (campaign_id, day, order_status) DO UPDATE SET n = referral_days.n + excluded.n,
        kept_minor = referral_days.kept_minor + excluded.kept_minor;
    INSERT INTO advocate_referral_days (campaign_id, day, advocate_id, n, revenue_minor)
    SELECT s.campaign_id, s.day, r.advocate_id, 0,
        (CASE WHEN NEW.status = 'paid' AND COALESCE(r.no_reward_reason, '') <> 'currency_mismatch'
        THEN NEW.total_minor - NEW.refunded_minor ELSE 0 END)
        - (CASE WHEN OLD.status = 'paid' AND COALESCE(r.no_reward_reason, '') <> 'currency_mismatch'
        THEN OLD.total_minor - OLD.refunded_minor ELSE 0 END)
    FROM referrals r JOIN shop_day_of_referral s ON s.referral_id = r.id WHERE r.order_pk = NEW.id
    ON CONFLICT (campaign_id, day, advocate_id) DO UPDATE
        SET n = advocate_referral_days.n + excluded.n,
        revenue_minor = advocate_referral_days.revenue_minor + excluded.revenue_minor;
    IF OLD.status IS DISTINCT FROM NEW.status THEN
        INSERT INTO cohort_days (campaign_id, day, advocate_day, n)
        SELECT s.campaign_id, s.day, s.advocate_day,
            (CASE WHEN NEW.status <> 'refunded' THEN 1 ELSE 0 END)
            - (CASE WHEN OLD.status <> 'refunded' THEN 1 ELSE 0 END)
        FROM referrals r JOIN shop_day_of_referral s ON s.referral_id = r.id
        WHERE r.order_pk = NEW.id
        ON CONFLICT (campaign_id, day, advocate_day) DO UPDATE SET n = cohort_days.n + excluded.n;
        -- A checkout discount costs nothing once its order went back (and again if it comes back).
        INSERT INTO reward_days (campaign_id, day, status, n, cost_minor)
        SELECT s.campaign_id, s.day, w.status, 0,
            SUM((CASE WHEN NEW.status = 'refunded' THEN 0 ELSE COALESCE(w.amount_minor, 0) END)
            - (CASE WHEN OLD.status = 'refunded' THEN 0 ELSE COALESCE(w.amount_minor, 0) END))
        FROM rewards w JOIN referrals r ON r.id = w.referral_id
        JOIN shop_day_of_referral s ON s.referral_id = r.id
        WHERE r.order_pk = NEW.id AND w.fulfilment = 'checkout'
        GROUP BY s.campaign_id, s.day, w.status
        ON CONFLICT (campaign_id, day, status) DO UPDATE SET n = reward_days.n + excluded.n,
            cost_minor = reward_days.cost_minor + excluded.cost_minor;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER order_recounted AFTER UPDATE OF status, total_minor, refunded_minor ON orders
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
    OR OLD.total_minor IS DISTINCT FROM NEW.total_minor
    OR OLD.refunded_minor IS DISTINCT FROM NEW.refunded_minor)
EXECUTE FUNCTION shareback_order_recounted();

-- The backfill, in UTC days (the triggers above count the referrals' and orders' days).
INSERT INTO shop_day_of_order (order_pk, day)
SELECT id, (paid_at AT TIME ZONE 'UTC')::date FROM orders;
INSERT INTO shop_day_of_referral (referral_id, campaign_id, day, advocate_day)
SELECT r.id, r.campaign_id, (r.created_at AT TIME ZONE 'UTC')::date,
    (a.created_at AT TIME ZONE 'UTC')::date
FROM referrals r JOIN advocates a ON a.id = r.advocate_id;
INSERT INTO advocate_join_days (campaign_id, day, n)
SELECT campaign_id, (created_at AT TIME ZONE 'UTC')::date, COUNT(*) FROM advocates GROUP BY 1, 2;
INSERT INTO sharer_days (campaign_id, advocate_id, day)
SELECT DISTINCT campaign_id, advocate_id, (created_at AT TIME ZONE 'UTC')::date FROM events
WHERE type <> 'open' AND advocate_id IS NOT NULL AND campaign_id IS NOT NULL;
INSERT INTO sharer_day_counts (campaign_id, day, previous_day, n)
SELECT campaign_id, day, previous_day, COUNT(*) FROM (
    SELECT campaign_id, day, COALESCE(LAG(day) OVER (PARTITION BY campaign_id, advocate_id
        ORDER BY day), DATE '0001-01-01') AS previous_day FROM sharer_days
) AS shared GROUP BY 1, 2, 3;

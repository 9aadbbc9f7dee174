-- Growth (issue 9) and shop days (issue 11).
-- visit_days: one row per campaign, shop day and visitor (the salted IP hash, which changes every
-- shop day), written with the click in its batch (INSERT ... ON CONFLICT DO NOTHING): the unique
-- visitors of days d1..d2 are the rows in that range, an index range instead of a DISTINCT over
-- every click. advocate_click_days: each advocate's human clicks per shop day (the leaderboard),
-- so that raw clicks rolled up and deleted by the retention setting change no number.
-- store_meta: what the store remembers about itself: the zone the daily rollups were built in
-- (rollup_zone; absent = UTC, the days of migration 0009) and the moment from which the rollups'
-- days are exactly their raw rows (rollups_exact_from; absent = all of them).
-- Backfilled here in UTC days, like 0009's rollups; a shop in another zone rebuilds all of them
-- on its next start (Store.rebuild_rollups).

CREATE TABLE visit_days (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    day DATE NOT NULL,
    ip_hash TEXT NOT NULL,
    PRIMARY KEY (campaign_id, day, ip_hash)
);
INSERT INTO visit_days (campaign_id, day, ip_hash)
SELECT DISTINCT campaign_id, (created_at AT TIME ZONE 'UTC')::date, ip_hash FROM clicks
WHERE device <> 'bot' AND campaign_id IS NOT NULL;

CREATE TABLE advocate_click_days (
    advocate_id BIGINT NOT NULL REFERENCES advocates (id),
    day DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (advocate_id, day)
);
INSERT INTO advocate_click_days (advocate_id, day, n)
SELECT advocate_id, (created_at AT TIME ZONE 'UTC')::date, COUNT(*) FROM clicks
WHERE device <> 'bot' GROUP BY 1, 2;

CREATE TABLE store_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Exact daily counts of clicks and widget events per campaign, kept in the same transaction as
-- the row they count (storage/sqlite/referrals.py), so the owner's 90-day views read a few
-- hundred rows instead of a million index entries (bench/README.md has the measurements).
-- Day = substr(created_at, 1, 10), the UTC date of the stored time text.

CREATE TABLE click_days (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    day TEXT NOT NULL,
    channel TEXT NOT NULL,
    device TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, day, channel, device)
) WITHOUT ROWID;
INSERT INTO click_days (campaign_id, day, channel, device, n)
SELECT campaign_id, substr(created_at, 1, 10), channel, device, COUNT(*)
FROM clicks GROUP BY 1, 2, 3, 4;

CREATE TABLE event_days (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    day TEXT NOT NULL,
    type TEXT NOT NULL,
    channel TEXT NOT NULL,  -- '' when the event has none
    n INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, day, type, channel)
) WITHOUT ROWID;
INSERT INTO event_days (campaign_id, day, type, channel, n)
SELECT campaign_id, substr(created_at, 1, 10), type, COALESCE(channel, ''), COUNT(*)
FROM events GROUP BY 1, 2, 3, 4;

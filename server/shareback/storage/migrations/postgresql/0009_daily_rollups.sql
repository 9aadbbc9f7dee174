-- Exact daily counts of clicks and widget events per campaign, kept in the same transaction as
-- the row they count, so the owner's 90-day views read a few hundred rows instead of a million
-- index entries (bench/README.md has the measurements).
-- Day = (created_at AT TIME ZONE 'UTC')::date, the UTC date, whatever the session's time zone.

CREATE TABLE click_days (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    day DATE NOT NULL,
    channel TEXT NOT NULL,
    device TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, day, channel, device)
);
INSERT INTO click_days (campaign_id, day, channel, device, n)
SELECT campaign_id, (created_at AT TIME ZONE 'UTC')::date, channel, device, COUNT(*)
FROM clicks GROUP BY 1, 2, 3, 4;

CREATE TABLE event_days (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    day DATE NOT NULL,
    type TEXT NOT NULL,
    channel TEXT NOT NULL,  -- '' when the event has none
    n BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, day, type, channel)
);
INSERT INTO event_days (campaign_id, day, type, channel, n)
SELECT campaign_id, (created_at AT TIME ZONE 'UTC')::date, type, COALESCE(channel, ''), COUNT(*)
FROM events GROUP BY 1, 2, 3, 4;

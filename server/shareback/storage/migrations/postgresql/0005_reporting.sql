-- The owner's numbers at a million clicks: the same index names as sqlite/0005, each shaped for
-- the query it serves on PostgreSQL.
-- SQLite groups by the day text substr(created_at, 1, 10) in index order; here the day indexes are
-- plain (campaign_id, created_at, ...) indexes instead of expression indexes on
-- (created_at AT TIME ZONE 'UTC')::date: the range condition on created_at uses them however a
-- query spells the day, and the trailing columns let an index-only scan feed the grouping.
-- SQLite's implicit trailing rowid becomes an explicit id column where "newest first" reads it.

-- Counts per day, channel and device (bots included), for ranges that are not whole days.
CREATE INDEX clicks_by_day ON clicks (campaign_id, created_at, channel, device);
-- Exact unique visitors of a campaign's human clicks.
CREATE INDEX clicks_by_visitor ON clicks (campaign_id, ip_hash, created_at) WHERE device <> 'bot';
-- The activity feed's newest human clicks of a campaign.
CREATE INDEX clicks_newest_human ON clicks (campaign_id, id) WHERE device <> 'bot';
-- 0002's covering index served only the counts above; the two replace it.
DROP INDEX clicks_by_campaign;
-- Per-advocate human clicks (leaderboard, advocate lists) from the index, without the table.
DROP INDEX clicks_by_advocate;
CREATE INDEX clicks_by_advocate ON clicks (advocate_id, created_at, device);

CREATE INDEX events_by_day ON events (campaign_id, created_at, type, channel);
CREATE INDEX events_by_sharer ON events (campaign_id, advocate_id, created_at) WHERE type <> 'open';

-- The activity feed's newest rows per campaign.
CREATE INDEX advocates_newest ON advocates (campaign_id, id);
CREATE INDEX referrals_newest ON referrals (campaign_id, id);

-- The owner's numbers at a million clicks: every index below is ordered the way one reporting
-- query groups, counts or pages, so SQLite answers it in one pass over the index, with no sort
-- and no temporary B-tree (bench/stats_at_scale.py measures them; bench/README.md has the table).
-- Times are 'YYYY-MM-DD HH:MM:SS.ffffff' UTC text, so substr(created_at, 1, 10) is the UTC day.

-- Counts per day, channel and device (bots included): grouped in index order.
CREATE INDEX clicks_by_day ON clicks (campaign_id, substr(created_at, 1, 10), channel, device, created_at);
-- Exact unique visitors: in ip_hash order, COUNT(DISTINCT ip_hash) compares neighbours instead
-- of building a temporary B-tree of every address.
CREATE INDEX clicks_by_visitor ON clicks (campaign_id, ip_hash, created_at) WHERE device <> 'bot';
-- The activity feed's newest human clicks of a campaign (the rowid is the index's last column).
CREATE INDEX clicks_newest_human ON clicks (campaign_id) WHERE device <> 'bot';
-- 0002's covering index served only the counts above, each with a sort; the two replace it.
DROP INDEX clicks_by_campaign;
-- Per-advocate human clicks (leaderboard, advocate lists) from the index, without the table.
DROP INDEX clicks_by_advocate;
CREATE INDEX clicks_by_advocate ON clicks (advocate_id, created_at, device);

CREATE INDEX events_by_day ON events (campaign_id, substr(created_at, 1, 10), type, channel, created_at);
CREATE INDEX events_by_sharer ON events (campaign_id, advocate_id, created_at) WHERE type <> 'open';

-- The activity feed's newest rows per campaign.
CREATE INDEX advocates_newest ON advocates (campaign_id);
CREATE INDEX referrals_newest ON referrals (campaign_id);

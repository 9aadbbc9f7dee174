-- Campaign targeting (crm/segments.py): who a campaign is meant for, and every change to it.
-- campaign_segments: one row per campaign with a segment (no row: the campaign is for everyone).
-- countries: ISO 3166-1 alpha-2 codes separated by spaces ('' : every country); tags: a JSON
-- array of lower-case customer tags (any one admits); min_spend_minor is in spend_currency;
-- min_score_band: a crm/score.py band name, this band or a higher one (NULL: no condition).
-- campaign_segment_changes: who set, widened or removed a segment and when, before and after
-- (JSON documents of the segment, 'null' for none).
CREATE TABLE campaign_segments (
    campaign_id INTEGER PRIMARY KEY REFERENCES campaigns (id),
    countries TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    min_orders INTEGER,
    min_spend_minor INTEGER,
    spend_currency TEXT,
    min_score_band TEXT,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE campaign_segment_changes (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    action TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX campaign_segment_changes_by_campaign ON campaign_segment_changes (campaign_id, id);

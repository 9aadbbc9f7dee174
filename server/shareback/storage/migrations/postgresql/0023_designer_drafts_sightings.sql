-- The widget designer, draft campaigns and the snippet check.
-- design: the campaign's widget look and texts as one JSON document (shareback/design.py);
-- '{}' is every default. draft: the widget does not load and orders earn nothing until the owner
-- says "go live" (went_live_at). widget_sightings: the first and last time the widget loaded on
-- each site of a campaign (its config call), written at most about once an hour per site.
ALTER TABLE campaigns ADD COLUMN design TEXT NOT NULL DEFAULT '{}';
ALTER TABLE campaigns ADD COLUMN draft BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE campaigns ADD COLUMN went_live_at TIMESTAMPTZ;

CREATE TABLE widget_sightings (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    origin TEXT NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (campaign_id, origin)
);

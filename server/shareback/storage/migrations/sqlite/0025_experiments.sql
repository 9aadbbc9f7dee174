-- A/B experiments on a campaign (issue 13). An experiment's variants change the offer for either
-- side, the share message, the headline, the order of the share buttons and the invitation
-- e-mail; variant A is the control (the campaign as it is). Advocates are assigned by a hash of
-- the experiment and the advocate (experiments/variants.assign), so nothing is stored until one
-- sees their variant: an exposure. Every number (shares, clicks, friends' orders, revenue, reward
-- cost) comes from the existing tables joined on the exposures. At most one experiment per
-- campaign is not stopped. campaign_copy keeps the texts a rolled-out winner gave the campaign.

CREATE TABLE experiments (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'running', 'paused', 'stopped')),
    primary_metric TEXT NOT NULL
        CHECK (primary_metric IN ('share_rate', 'clicks', 'order_rate', 'orders', 'revenue',
            'net_revenue')),
    planned_uplift_percent INTEGER NOT NULL DEFAULT 20
        CHECK (planned_uplift_percent BETWEEN 1 AND 500),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    stopped_at TEXT,
    winner TEXT,
    rolled_out INTEGER NOT NULL DEFAULT 0,
    result TEXT  -- JSON: the verdict when it stopped
);
CREATE UNIQUE INDEX experiments_one_per_campaign ON experiments (campaign_id)
    WHERE status <> 'stopped';
CREATE INDEX experiments_by_campaign ON experiments (campaign_id, id);

CREATE TABLE experiment_variants (
    experiment_id INTEGER NOT NULL REFERENCES experiments (id),
    key TEXT NOT NULL CHECK (key IN ('A', 'B', 'C', 'D')),
    name TEXT NOT NULL,
    weight INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 1000),
    overrides TEXT NOT NULL,  -- JSON: experiments/variants.parse_overrides
    PRIMARY KEY (experiment_id, key)
);

-- The first time an advocate saw their variant (the widget's answer, the invitation e-mail).
CREATE TABLE experiment_exposures (
    experiment_id INTEGER NOT NULL REFERENCES experiments (id),
    advocate_id INTEGER NOT NULL REFERENCES advocates (id),
    variant TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    PRIMARY KEY (experiment_id, advocate_id)
);
CREATE INDEX experiment_exposures_by_advocate ON experiment_exposures (advocate_id);

-- Started, paused, resumed, stopped: by whom and when.
CREATE TABLE experiment_changes (
    id INTEGER PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiments (id),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX experiment_changes_by_experiment ON experiment_changes (experiment_id, id);

CREATE TABLE campaign_copy (
    campaign_id INTEGER PRIMARY KEY REFERENCES campaigns (id),
    overrides TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

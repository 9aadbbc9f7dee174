-- Ambassador scores (issue 12.4). customer_scores keeps each customer's score as last computed
-- by crm/score.py, with its reasons (JSON: crm/score.reasons_json), for the ranked list and its
-- filters. ambassador_invitations is "invite these": one row per campaign and customer (so a
-- double submit or a second process invites once), with the score and its decile among the
-- scored customers at that moment, so the calibration table compares what each decile did next.
-- An erased customer's invitation keeps its decile and campaign (the table's counts stay) and
-- loses the customer, the advocate and the reasons.

CREATE TABLE customer_scores (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    points INTEGER NOT NULL CHECK (points BETWEEN 0 AND 100),
    excluded INTEGER NOT NULL DEFAULT 0,
    reasons TEXT NOT NULL,
    scored_at TEXT NOT NULL
);
CREATE INDEX customer_scores_ranked ON customer_scores (excluded, points DESC, customer_id);

CREATE TABLE ambassador_invitations (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    customer_id INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    advocate_id INTEGER REFERENCES advocates (id),
    points INTEGER NOT NULL CHECK (points BETWEEN 0 AND 100),
    decile INTEGER NOT NULL CHECK (decile BETWEEN 1 AND 10),
    reasons TEXT NOT NULL,
    invited_by TEXT,
    invited_at TEXT NOT NULL,
    UNIQUE (campaign_id, customer_id)
);
CREATE INDEX ambassador_invitations_by_advocate ON ambassador_invitations (advocate_id);
CREATE INDEX ambassador_invitations_by_customer ON ambassador_invitations (customer_id);

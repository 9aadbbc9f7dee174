-- Growth (issue 9): the unique visitors of a range without reading its visitor-days one by one,
-- and the retention setting (SHAREBACK_CLICK_RETENTION_DAYS).
-- visit_day_counts: the number of visit_days rows of each campaign and shop day, raised in the
-- click's batch by the visitor-days it added, so the visitors of days d1..d2 are a sum over at
-- most a few hundred rows.
CREATE TABLE visit_day_counts (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    day DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, day)
);
INSERT INTO visit_day_counts (campaign_id, day, n)
SELECT campaign_id, day, COUNT(*) FROM visit_days GROUP BY 1, 2;

-- Retention deletes old raw clicks but never one a referral points to: this index answers "does
-- a referral point to this click?" (and the foreign key's own check on every deleted click)
-- without reading every referral.
CREATE INDEX referrals_by_click ON referrals (click_id) WHERE click_id IS NOT NULL;

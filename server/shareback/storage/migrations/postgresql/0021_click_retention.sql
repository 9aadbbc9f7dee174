-- The retention setting (SHAREBACK_CLICK_RETENTION_DAYS) deletes old raw clicks but never one a
-- referral points to: this index answers "does a referral point to this click?" (and the foreign
-- key's own check on every deleted click) without reading every referral.
CREATE INDEX referrals_by_click ON referrals (click_id) WHERE click_id IS NOT NULL;

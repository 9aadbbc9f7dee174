-- Reward validation: a campaign may name an endpoint of the shop that decides each due reward
-- before it is approved (2xx approve, 4xx revoke, anything else: ask again later). The attempts
-- live on the reward, under a lease, so that restarts and several processes ask once at a time.

ALTER TABLE campaigns ADD COLUMN validation_url TEXT;
ALTER TABLE campaigns ADD COLUMN validation_secret TEXT;

ALTER TABLE rewards ADD COLUMN validation_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rewards ADD COLUMN validation_next_at TIMESTAMPTZ;
ALTER TABLE rewards ADD COLUMN validation_lease_until TIMESTAMPTZ;
ALTER TABLE rewards ADD COLUMN validation_leased_by TEXT;
ALTER TABLE rewards ADD COLUMN validation_error TEXT;

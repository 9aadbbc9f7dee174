-- Who may do what: a role per dashboard user (owner, finance, viewer), TOTP two-factor sign-in
-- with single-use recovery codes (stored as SHA-256 hashes), and a scope per API key (read, full).
-- Everyone who could sign in before keeps every right: existing users are owners, keys full.

ALTER TABLE admin_users ADD COLUMN role TEXT NOT NULL DEFAULT 'owner'
    CHECK (role IN ('owner', 'finance', 'viewer'));
-- The base32 secret in force, and one being enrolled until its first code confirms it.
ALTER TABLE admin_users ADD COLUMN totp_secret TEXT;
ALTER TABLE admin_users ADD COLUMN totp_pending_secret TEXT;
-- The 30-second step of the last code accepted: a code is good once, never again.
ALTER TABLE admin_users ADD COLUMN totp_last_step INTEGER;

CREATE TABLE admin_recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at TEXT,
    UNIQUE (user_id, code_hash)
);

ALTER TABLE api_keys ADD COLUMN scope TEXT NOT NULL DEFAULT 'full'
    CHECK (scope IN ('read', 'full'));

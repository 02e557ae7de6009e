-- Password reset links: a row per e-mailed link, the token stored only as its SHA-256 hash.
-- A link works once, for a short time; using one (or erasing the account) ends it, and a used
-- or expired row is kept only until the next link for that account is made.
CREATE TABLE password_resets (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    used_at REAL
);
CREATE INDEX password_resets_user ON password_resets(user_id);

-- The privacy policy a fresh server ships with (resources/privacy-policy.txt) is marked, so any
-- version the operator publishes takes its place, whatever its effective date.
ALTER TABLE policy_versions ADD COLUMN bundled INTEGER NOT NULL DEFAULT 0;

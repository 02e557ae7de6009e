-- Consent ledger, double opt-in and unsubscribe tokens, the mail outbox, policy versions.
CREATE TABLE consent_events (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    granted INTEGER NOT NULL,
    policy_version TEXT,
    source TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX consent_events_user ON consent_events(user_id, purpose, id);

CREATE TABLE consent_tokens (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('confirm', 'unsubscribe')),
    created_at REAL NOT NULL,
    expires_at REAL,
    used_at REAL
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    essential INTEGER NOT NULL,
    unsubscribe_url TEXT,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    sent_at REAL,
    failed_at REAL,  -- gave up after the last retry; kept, never deleted
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox(sent_at, next_attempt_at);

CREATE TABLE policy_versions (
    version TEXT PRIMARY KEY,
    effective_at REAL NOT NULL,
    summary TEXT NOT NULL,
    published_at REAL NOT NULL,
    announced_at REAL
);

CREATE TABLE policy_acceptances (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    version TEXT NOT NULL REFERENCES policy_versions(version),
    accepted_at REAL NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (user_id, version)
);

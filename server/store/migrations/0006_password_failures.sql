-- Failed password checks, for the throttle. A row names the account, or the normalised login
-- when it names none, and the client address; rows older than the throttle window are deleted
-- as failures are written, and an erased account's rows go with it.
CREATE TABLE password_failures (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    login_key TEXT,
    address_key TEXT,
    at REAL NOT NULL,
    CHECK ((user_id IS NULL) != (login_key IS NULL))
);
CREATE INDEX password_failures_user ON password_failures(user_id);
CREATE INDEX password_failures_at ON password_failures(at);

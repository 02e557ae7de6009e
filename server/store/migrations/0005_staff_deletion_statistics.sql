-- Staff roles and the audit of their reads, account deletion, export limits, usage counts.
CREATE TABLE staff_roles (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'support', 'billing')),
    granted_at REAL NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    subject_user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    staff_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    staff_role TEXT NOT NULL,
    reason TEXT NOT NULL,
    fields TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log(subject_user_id);

ALTER TABLE users ADD COLUMN deletion_requested_at REAL;
ALTER TABLE users ADD COLUMN billing_address TEXT;

CREATE TABLE exports (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    at REAL NOT NULL
);

-- Aggregate counts only: no visitor identifier is ever stored.
CREATE TABLE usage_page_views (
    day TEXT NOT NULL,
    path TEXT NOT NULL,
    views INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, path)
);
CREATE TABLE usage_days (
    day TEXT PRIMARY KEY,
    visits INTEGER NOT NULL DEFAULT 0,
    seconds REAL NOT NULL DEFAULT 0
);

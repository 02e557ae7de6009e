-- The address book, public profile settings and testimonials.
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    first_name TEXT,
    last_name TEXT,
    email TEXT,
    email_key TEXT,
    phone TEXT,
    company TEXT,
    title TEXT,
    notes TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE UNIQUE INDEX contacts_owner_email ON contacts(owner_id, email_key)
    WHERE email_key IS NOT NULL;

CREATE TABLE public_profiles (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    enabled INTEGER NOT NULL DEFAULT 0,
    fields TEXT NOT NULL DEFAULT '[]',
    bio TEXT,
    updated_at REAL NOT NULL
);

CREATE TABLE testimonials (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    display_name TEXT NOT NULL,
    created_at REAL NOT NULL,
    approved_at REAL,
    approved_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    withdrawn_at REAL
);

-- Meetings and the chat kept with them.
CREATE TABLE meetings (
    id TEXT PRIMARY KEY,
    host_user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    join_code TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL,
    ended_at REAL
);
CREATE INDEX meetings_host ON meetings(host_user_id);

CREATE TABLE chat_messages (
    meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    sender_participant TEXT NOT NULL,
    sender_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    sender_name TEXT NOT NULL,
    recipient TEXT,
    body TEXT NOT NULL,
    sent_at REAL NOT NULL,
    PRIMARY KEY (meeting_id, seq)
);

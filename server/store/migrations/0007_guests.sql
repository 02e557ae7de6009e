-- Guests: people who joined one meeting with its invite and a display name, without an account.
-- A row is the guest's session too: the token's hash, the meeting it is good for, the name the
-- others see. It is deleted when the meeting ends (or with the meeting) or when it expires;
-- AUTOINCREMENT so a guest id is never reused (rooms remember removed participants by id).
CREATE TABLE guests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at REAL NOT NULL,
    last_used_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
CREATE INDEX guests_meeting ON guests(meeting_id);
CREATE INDEX guests_expires ON guests(expires_at);

-- Chat a guest sent carries their id while the guest row lives; when it goes, the message is
-- renamed "Guest" and the id cleared.
ALTER TABLE chat_messages ADD COLUMN sender_guest_id INTEGER;
CREATE INDEX chat_messages_guest ON chat_messages(sender_guest_id)
    WHERE sender_guest_id IS NOT NULL;

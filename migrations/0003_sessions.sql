-- One-time passcodes, refresh tokens and the captured inbox.
-- Secrets (codes, refresh tokens) are stored as SHA-256 hashes; the inbox keeps the delivered
-- text because showing it is its job.

CREATE TABLE otps (
    id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    purpose TEXT NOT NULL,            -- login | register
    channel TEXT NOT NULL,            -- email | phone
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
) STRICT;

CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    family_id TEXT NOT NULL,          -- every rotation of one login shares it
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,      -- the family's absolute lifetime
    used_at INTEGER,                  -- spent by a rotation
    revoked_at INTEGER
) STRICT;
CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens(user_id);

CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,            -- email | sms
    recipient TEXT NOT NULL,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    magic_link TEXT,
    otp TEXT,
    created_at INTEGER NOT NULL,
    seq INTEGER NOT NULL              -- arrival order, for "newest" and "newer than"
) STRICT;
CREATE INDEX messages_by_recipient ON messages(recipient, seq);
CREATE INDEX messages_by_seq ON messages(seq);

-- Magic links: login and registration links, identifier verification and email/phone change.
-- The secret is stored as a SHA-256 hash; the link itself is only in the message (the inbox)
-- or in the Management API's answer.
CREATE TABLE magic_links (
    id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    secret_hash TEXT NOT NULL UNIQUE,
    purpose TEXT NOT NULL,            -- login | register | verify_identifier | change_email | change_phone
    channel TEXT NOT NULL,            -- email | phone
    identifier TEXT NOT NULL,         -- where it was sent
    new_identifier TEXT,              -- the email or phone a change link applies
    redirect_url TEXT NOT NULL,
    ttl_seconds INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    activated_at INTEGER
) STRICT;
CREATE INDEX magic_links_by_user ON magic_links(user_id);

-- Apps, their API keys and metadata schema, users and their WebAuthn devices.
-- Times are integer microseconds since the Unix epoch (UTC) so SQL can compare and order them.

CREATE TABLE apps (
    id TEXT PRIMARY KEY NOT NULL,
    settings TEXT NOT NULL,           -- JSON: domain::app::AppSettings
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    key_prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL,           -- hex SHA-256 of the key; the key itself is never stored
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX api_keys_by_hash ON api_keys(app_id, key_hash);

CREATE TABLE user_metadata_fields (
    id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    field_name TEXT NOT NULL,
    friendly_name TEXT NOT NULL,
    field_type TEXT NOT NULL,
    profile INTEGER NOT NULL,
    registration INTEGER NOT NULL,
    position INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX user_metadata_fields_by_name ON user_metadata_fields(app_id, field_name);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    external_id TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    email_verified INTEGER NOT NULL DEFAULT 0,
    phone_verified INTEGER NOT NULL DEFAULT 0,
    user_metadata TEXT,               -- JSON object, NULL until first written
    login_count INTEGER NOT NULL DEFAULT 0,
    last_login_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX users_by_email ON users(app_id, email) WHERE email <> '';
CREATE UNIQUE INDEX users_by_phone ON users(app_id, phone) WHERE phone <> '';
CREATE UNIQUE INDEX users_by_external_id ON users(app_id, external_id) WHERE external_id <> '';
CREATE INDEX users_by_created_at ON users(app_id, created_at);

CREATE TABLE webauthn_devices (
    id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    cred_id TEXT NOT NULL,            -- base64url, no padding
    public_key BLOB NOT NULL,         -- COSE_Key
    sign_count INTEGER NOT NULL DEFAULT 0,
    aaguid TEXT NOT NULL,
    transports TEXT NOT NULL DEFAULT '[]',
    backup_eligible INTEGER NOT NULL DEFAULT 0,
    backup_state INTEGER NOT NULL DEFAULT 0,
    friendly_name TEXT NOT NULL,
    device_type TEXT NOT NULL,
    usage_count INTEGER NOT NULL DEFAULT 0,
    last_login_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX webauthn_devices_by_cred_id ON webauthn_devices(app_id, cred_id);
CREATE INDEX webauthn_devices_by_user ON webauthn_devices(user_id);

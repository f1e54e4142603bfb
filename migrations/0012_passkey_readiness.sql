-- Passkey readiness reports (issue 16, Passage's "Passkey Ready"): what a device said it can do
-- (POST /auth/v1/analytics/passkey-readiness, as Authentikit and the generated mobile clients
-- send it, or the app-scoped path), kept for the emulator API to show. The newest 10,000 are
-- kept; a reset empties them.
CREATE TABLE passkey_readiness_reports (
    id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT REFERENCES apps(id) ON DELETE CASCADE,  -- NULL: the unscoped path
    client_key TEXT NOT NULL,            -- the X-API-KEY header (Authentikit's client-side key)
    device_id TEXT NOT NULL,
    security_key INTEGER NOT NULL,
    platform INTEGER NOT NULL,
    synced_credential INTEGER NOT NULL,  -- Authentikit: cloud_synced
    cross_device_credential INTEGER NOT NULL,  -- Authentikit: cross_platform
    conditional_ui INTEGER NOT NULL,
    origin TEXT NOT NULL,
    app_identifier TEXT NOT NULL,
    device_os TEXT NOT NULL,
    device_os_version TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    ip_addr TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX passkey_readiness_by_app ON passkey_readiness_reports(app_id);

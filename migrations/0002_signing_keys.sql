-- Each app's RSA signing keys. One is active (retired_at IS NULL); retired keys stay in the
-- JWKS for a grace period so tokens signed before a rotation still verify.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    private_key_pem TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    retired_at INTEGER
) STRICT;
CREATE UNIQUE INDEX signing_keys_active ON signing_keys(app_id) WHERE retired_at IS NULL;
CREATE INDEX signing_keys_by_app ON signing_keys(app_id, created_at);

-- Passkeys: WebAuthn handshakes, Passkey Flex transactions and nonces, virtual authenticators.

-- A started ceremony. Finish deletes the row as it reads it, so a response is verified once.
CREATE TABLE webauthn_handshakes (
    id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,            -- register | login | add_device | flex_register | flex_authenticate
    user_id TEXT,                     -- who registers, or whose passkeys a login allows
    transaction_id TEXT,              -- Passkey Flex
    state BLOB NOT NULL,              -- webauthn_rp's encoded server state
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

-- Passkey Flex transactions, made by the app's backend for one ceremony in the browser.
CREATE TABLE flex_transactions (
    id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,               -- register | authenticate
    external_id TEXT NOT NULL,
    passkey_display_name TEXT NOT NULL,
    user_id TEXT NOT NULL,            -- the user who holds (or will hold) the passkey
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

-- Nonces a Flex ceremony hands the browser; the backend redeems each once.
CREATE TABLE flex_nonces (
    nonce_hash TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

-- The built-in virtual authenticators (not per app: like a phone, one holds passkeys of many
-- relying parties) and the credentials they hold, private keys included.
CREATE TABLE virtual_authenticators (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    aaguid TEXT NOT NULL,
    algorithm TEXT NOT NULL,          -- ES256 | EdDSA
    sign_count INTEGER NOT NULL,      -- 1: new credentials count signatures
    private_key BLOB,                 -- COSE_Key new credentials use; NULL: a fresh key each
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE virtual_credentials (
    authenticator_id TEXT NOT NULL REFERENCES virtual_authenticators(id) ON DELETE CASCADE,
    cred_id BLOB NOT NULL,
    rp_id TEXT NOT NULL,
    user_handle BLOB,
    private_key BLOB NOT NULL,        -- COSE_Key with its private part
    sign_count INTEGER,               -- NULL: the credential does not count
    created_at INTEGER NOT NULL,
    PRIMARY KEY (authenticator_id, cred_id)
) STRICT;

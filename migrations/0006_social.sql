-- Social login (Google, GitHub and Apple stand-ins) and hosted login (OpenID Connect).

-- A provider identity linked to a user: one per provider per user, and an identity belongs to
-- one user of the app.
CREATE TABLE social_connections (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,                -- apple | github | google
    provider_id TEXT NOT NULL,             -- the provider's subject
    provider_identifier TEXT NOT NULL,     -- the email the provider vouched for
    created_at INTEGER NOT NULL,
    last_login_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, provider)
) STRICT;
CREATE UNIQUE INDEX social_connections_identity
    ON social_connections (app_id, provider, provider_id);

-- A browser's trip through `social/authorize` (kind social) or the hosted `authorize` (kind
-- hosted), from the first redirect until the app gets its code. The id travels as the
-- provider's `state` (social) or in the hosted sign-in page.
CREATE TABLE oauth_grants (
    id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                    -- social | hosted
    connection_type TEXT NOT NULL,         -- apple | github | google | passage
    redirect_uri TEXT NOT NULL,            -- where the app wants the code
    state TEXT NOT NULL,                   -- the app's state, handed back untouched
    code_challenge TEXT NOT NULL,          -- PKCE S256
    nonce TEXT NOT NULL,                   -- OpenID Connect nonce (hosted)
    login_hint TEXT NOT NULL,
    callback TEXT NOT NULL,                -- the Passage callback the provider redirects to
    identity TEXT,                         -- JSON: who signed in at the provider
    provider_code_hash TEXT,               -- the provider's code for that sign-in
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

-- Codes handed to the app's redirect URI; single use, short-lived. Stored hashed.
CREATE TABLE oauth_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                    -- social | hosted
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    nonce TEXT NOT NULL,
    identity TEXT,                         -- social: JSON identity from the provider
    link_account INTEGER NOT NULL,         -- social: the email belongs to an unlinked user
    user_id TEXT,                          -- hosted: who signed in
    auth_time INTEGER NOT NULL,            -- seconds since the epoch
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

-- Identities queued by tests (`POST /_emulator/social/next-identity`): the next provider
-- sign-in of that app (and provider, when named) takes the oldest one instead of showing
-- the page.
CREATE TABLE social_next_identities (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,                -- '' for any provider
    identity TEXT NOT NULL,                -- JSON: email and name, or an error
    created_at INTEGER NOT NULL
) STRICT;

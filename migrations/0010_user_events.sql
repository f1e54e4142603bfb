-- Users' sign-in and registration events (issue 16): what `UserInfo.recent_events` and the
-- Management API's `GET /apps/{app_id}/events` show. A ceremony that starts for a known user
-- (a magic link or passcode sent, a passkey handshake begun) records an incomplete event keyed
-- by the ceremony's id (`flow_id`); finishing it completes that event. A sign-in with no start
-- for a known user (a passkey without an identifier, a social or hosted login) records a
-- complete event when it finishes.
CREATE TABLE user_events (
    id TEXT PRIMARY KEY NOT NULL,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    flow_id TEXT,                      -- link, passcode, handshake or transaction id
    type TEXT NOT NULL,                -- e.g. webauthn.login.initiated, magic_link.completed
    action TEXT NOT NULL,              -- register | login | other
    identifier TEXT NOT NULL,          -- the user's email, phone or external id then
    ip_addr TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    social_login_type TEXT,            -- apple | github | google, for social logins
    created_at INTEGER NOT NULL,
    completed_at INTEGER
) STRICT;
CREATE INDEX user_events_by_user ON user_events(user_id, created_at, id);
CREATE INDEX user_events_by_app ON user_events(app_id, created_at, id);
CREATE UNIQUE INDEX user_events_by_flow ON user_events(flow_id) WHERE flow_id IS NOT NULL;

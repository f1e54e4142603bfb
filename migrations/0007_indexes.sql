-- Every foreign key gets an index led by its column (store::schema_tests checks it): deleting
-- a user or an app cascades into these tables, and without an index each deleted parent scans
-- the whole child table. POST /_emulator/reset of 10,000 users with 10,000 passcodes took
-- 14.65 s that way (issue 15).
CREATE INDEX otps_by_user ON otps(user_id);
CREATE INDEX otps_by_app ON otps(app_id);
CREATE INDEX flex_nonces_by_user ON flex_nonces(user_id);
CREATE INDEX flex_nonces_by_app ON flex_nonces(app_id);
CREATE INDEX flex_transactions_by_app ON flex_transactions(app_id);
CREATE INDEX magic_links_by_app ON magic_links(app_id);
CREATE INDEX messages_by_app ON messages(app_id);
CREATE INDEX oauth_codes_by_app ON oauth_codes(app_id);
CREATE INDEX oauth_grants_by_app ON oauth_grants(app_id);
CREATE INDEX refresh_tokens_by_app ON refresh_tokens(app_id);
CREATE INDEX social_next_identities_by_app ON social_next_identities(app_id);
CREATE INDEX webauthn_handshakes_by_app ON webauthn_handshakes(app_id);

-- The SDKs find a user by identifier: an email (stored lower-case), a phone (E.164) or an
-- external id matched case-insensitively. The first two have partial unique indexes; this one
-- serves the third (store::user_list).
CREATE INDEX users_by_external_id_lower ON users(app_id, lower(external_id)) WHERE external_id <> '';

-- The list's default order is newest first, ties (users created in the same microsecond, as a
-- fixture makes them) by id: this index is that order, so a page is read from it instead of
-- sorting every user of the app. It replaces users_by_created_at, which it also serves.
DROP INDEX users_by_created_at;
CREATE INDEX users_by_newest ON users(app_id, created_at DESC, id);

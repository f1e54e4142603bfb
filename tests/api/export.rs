//! `GET /_emulator/export`: the migration export (`format=passkeys`) gives each user's
//! identifiers and passkeys with their public keys as COSE and SPKI PEM (checked against
//! openssl's PEM of the fixture's private keys); the default export is a fixture document that
//! a fresh emulator loads back into the same state; bad queries get a 4xx.

use std::path::PathBuf;

use passage_emulator::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::passkey_helpers::*;
use super::session_helpers::*;

const APP: &str = "passkeyapp00000000000001";

/// `openssl pkey -in <fixture private key> -pubout` for the two keys of fixtures/passkeys.json.
const GRACE_PEM: &str = "-----BEGIN PUBLIC KEY-----\n\
    MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE+VEmaLCYc7JuEL1hW0uGyw8CBuNr\n\
    WjmdmJtQ6aDKtlULAWu70JY8AOaCXWG3Z2vDER/rG09iOTmdwX7PtJ6XLw==\n\
    -----END PUBLIC KEY-----\n";
const FLEX_PEM: &str = "-----BEGIN PUBLIC KEY-----\n\
    MCowBQYDK2VwAyEAQfYxbtMt4iqFf67F056VThEh6lpyM12VPkaCA2wsIqA=\n\
    -----END PUBLIC KEY-----\n";

async fn spawn() -> TestApp {
    spawn_with(Config {
        fixtures: vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/passkeys.json")],
        ..Config::ephemeral()
    })
    .await
}

async fn export(app: &TestApp, query: &str) -> Reply {
    app.send(
        Method::GET,
        &format!("/_emulator/export{query}"),
        None,
        None,
    )
    .await
}

/// The public key (COSE, base64url) the virtual authenticator holds for its one credential.
async fn authenticator_key(app: &TestApp, id: &str) -> Value {
    let reply = app
        .send(
            Method::GET,
            &format!("/_emulator/authenticators/{id}"),
            None,
            None,
        )
        .await;
    reply.body["credentials"][0]["public_key"].clone()
}

/// Grace (fixtures/passkeys.json) signs in with the passkey `fixture-phone` holds.
async fn grace_logs_in(app: &TestApp) {
    let auth = format!("/auth/v1/apps/{APP}/login/webauthn");
    let body = json!({"identifier": "grace@example.com"});
    let started = app
        .send(Method::POST, &format!("{auth}/start"), None, Some(&body))
        .await;
    let finish = answer(app, "fixture-phone", "login", &started.body).await;
    let done = app
        .send(Method::POST, &format!("{auth}/finish"), None, Some(&finish))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
}

#[tokio::test]
async fn the_passkey_export_gives_each_users_keys_as_cose_and_spki() {
    let app = spawn().await;
    // Grace logs in once: her passkey's count moves and it has been used.
    grace_logs_in(&app).await;

    let reply = export(&app, &format!("?format=passkeys&app_id={APP}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let mut body = reply.body;
    redact_time(&mut body, "exported_at");
    for user in body["apps"][0]["users"].as_array_mut().unwrap() {
        redact_time(user, "created_at");
        for passkey in user["passkeys"].as_array_mut().unwrap() {
            redact_time(passkey, "created_at");
            if !passkey["last_used_at"].is_null() {
                redact_time(passkey, "last_used_at");
            }
        }
    }
    let phone = authenticator_key(&app, "fixture-phone").await;
    let laptop = authenticator_key(&app, "fixture-laptop").await;
    let passkey = |id: &str, cred: &str, cose: &Value, pem: &str, alg: i64, name: &str| {
        json!({
            "id": id, "credential_id": cred, "public_key_cose": cose, "public_key_spki_pem": pem,
            "algorithm": alg, "algorithm_name": name,
            "aaguid": "00000000-0000-0000-0000-000000000000",
            "backup_eligible": false, "backup_state": false, "transports": [],
            "type": "passkey", "created_at": "<time>",
        })
    };
    let mut grace = passkey(
        "passkeydevice00000000001",
        "lkYI0XMlm6ah6aZgfGWt6w",
        &phone,
        GRACE_PEM,
        -7,
        "ES256",
    );
    grace["sign_count"] = json!(4);
    grace["friendly_name"] = json!("Grace's phone");
    grace["last_used_at"] = json!("<time>");
    // The virtual authenticator's login reported its passkey backed up (flags BE and BS).
    grace["backup_eligible"] = json!(true);
    grace["backup_state"] = json!(true);
    let mut flex = passkey(
        "passkeydevice00000000002",
        "Zmxl-C1jdXN0b21lci03LWtleQ",
        &laptop,
        FLEX_PEM,
        -8,
        "EdDSA",
    );
    flex["sign_count"] = json!(0);
    flex["friendly_name"] = json!("Laptop");
    flex["last_used_at"] = Value::Null;
    assert_eq!(
        body,
        json!({
            "format": "passkeys",
            "exported_at": "<time>",
            "apps": [{
                "id": APP,
                "name": "Passkey demo",
                "rp_id": "localhost",
                "origins": ["http://localhost:3000"],
                "users": [
                    {
                        "id": "passkeyuser0000000000001",
                        "user_handle": "pS3jMvNt4DdYFUjfkbX49UhRpwJ-VHkF6lfMKsmAgw4",
                        "email": "grace@example.com", "email_verified": true,
                        "phone": "", "phone_verified": false, "external_id": "",
                        "status": "active", "created_at": "<time>",
                        "passkeys": [grace],
                    },
                    {
                        "id": "passkeyuser0000000000002",
                        "user_handle": "j-Wmu8pJUjBEnkRaT2krYRnfotBrBty8dgM_Xn3sE9I",
                        "email": "", "email_verified": false,
                        "phone": "", "phone_verified": false, "external_id": "flex-customer-7",
                        "status": "active", "created_at": "<time>",
                        "passkeys": [flex],
                    },
                ],
            }],
        })
    );
}

#[tokio::test]
async fn bad_export_queries_are_refused() {
    let app = spawn().await;
    let unknown = export(&app, "?format=passkeys&app_id=nosuchapp0000000000000001").await;
    assert_error(&unknown, 404, "app_not_found", "App not found");
    let format = export(&app, "?format=csv").await;
    assert_error(&format, 400, "invalid_request", "format");
    let extra = export(&app, "?format=passkeys&apps=all").await;
    assert_error(&extra, 400, "invalid_request", "apps");
}

/// The state a suite builds: a metadata field, an enabled passcode email template, a new API key, a user signed up by passcode
/// (whose token is kept) with metadata, a user with a passkey of a virtual authenticator and a
/// linked Google account, and a signing key rotated after the token was issued.
async fn build_state(app: &TestApp) -> (String, String) {
    let field = json!([{"field_name": "plan", "friendly_name": "Plan", "type": "string", "profile": true, "registration": false}]);
    let added = app.mgmt(Method::POST, "/user-metadata", Some(field)).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text);
    let template = json!({"type": "otp", "enabled": true, "subject": "{{.otp.code}} for {{.app.name}}", "html": "<b>{{.otp.code}}</b>"});
    let made = app
        .mgmt(Method::POST, "/email-templates", Some(template))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let created = app
        .mgmt(Method::POST, "/api-keys", Some(json!({"name": "ci"})))
        .await;
    let key = created.body["api_key"]["plaintext_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = register(app, "ada@example.com").await["auth_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let listed = app
        .mgmt(Method::GET, "/users?identifier=ada@example.com", None)
        .await;
    let ada = listed.body["users"][0]["id"].as_str().unwrap().to_owned();
    let metadata = json!({"user_metadata": {"plan": "pro"}});
    let patched = app
        .mgmt(Method::PATCH, &format!("/users/{ada}"), Some(metadata))
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    new_authenticator(app, json!({"id": "phone"})).await;
    register_passkey(app, "phone", "grace@example.com").await;
    let grace = json!({"apps": [{"id": APP_ID, "users": [{
        "id": "graceuser000000000000001", "email": "grace.social@example.com",
        "social_connections": [{"provider": "google"}]}]}]});
    let loaded = app
        .send(Method::POST, "/_emulator/fixtures", None, Some(&grace))
        .await;
    assert_eq!(loaded.status, StatusCode::OK, "{}", loaded.text);
    let rotated = app
        .send(
            Method::POST,
            &format!("/_emulator/apps/{APP_ID}/keys/rotate"),
            None,
            None,
        )
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text);
    (key, token)
}

async fn users_without_events(app: &TestApp) -> Vec<Value> {
    let list = app.mgmt(Method::GET, "/users", None).await;
    let mut users = Vec::new();
    for listed in list.body["users"].as_array().unwrap() {
        let id = listed["id"].as_str().unwrap();
        let mut user = app
            .mgmt(Method::GET, &format!("/users/{id}"), None)
            .await
            .body;
        // Events are what a run did, not its set-up: an export leaves them out.
        user["user"]["recent_events"] = json!([]);
        users.push(user);
    }
    users
}

#[tokio::test]
async fn an_export_loaded_into_a_fresh_emulator_gives_back_the_same_state() {
    let first = spawn_app().await;
    let (key, token) = build_state(&first).await;
    let exported = export(&first, "").await;
    assert_eq!(exported.status, StatusCode::OK, "{}", exported.text);
    let document = exported.body;
    assert!(
        !exported.text.contains(&key),
        "the plaintext API key is never written"
    );
    let users = users_without_events(&first).await;

    let second = spawn_app().await;
    let loaded = second
        .send(Method::POST, "/_emulator/fixtures", None, Some(&document))
        .await;
    assert_eq!(loaded.status, StatusCode::OK, "{}", loaded.text);
    assert_eq!(loaded.body, json!({"apps": 1, "users": 3, "devices": 1}));

    assert_eq!(
        export(&second, "").await.body,
        document,
        "the same state, exported again"
    );
    same_state(&second, &users, &key, &token).await;
}

/// What a loaded export must give back: the users as they were (events aside), the API key,
/// the tokens and the passkeys of the emulator it came from.
async fn same_state(second: &TestApp, users: &[Value], key: &str, token: &str) {
    assert_eq!(users_without_events(second).await, users);
    // The API key made on the first authorises on the second.
    let listed = second
        .send(
            Method::GET,
            &format!("/api/v1/apps/{APP_ID}/users?limit=1"),
            Some(key),
            None,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    // A token the first issued before its key was rotated verifies against the second's JWKS.
    verify(second, token).await;
    // The same virtual authenticator logs the same user in.
    let logged_in = login_passkey(second, "phone", Some("grace@example.com")).await;
    assert_eq!(logged_in.status, StatusCode::OK, "{}", logged_in.text);
    // The email template came along: the next passcode email is rendered from it.
    let (_, code) = login(second).await;
    let mail = latest(second, "ada@example.com").await;
    let app = second.mgmt(Method::GET, "", None).await.body;
    let name = app["app"]["name"].as_str().unwrap();
    assert_eq!(mail["subject"], json!(format!("{code} for {name}")));
}

/// `--export-on-exit`: a graceful stop writes the state; `--fixtures` loads it back.
#[tokio::test]
async fn export_on_exit_writes_what_fixtures_loads_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let first = spawn_with(Config {
        export_on_exit: Some(path.clone()),
        ..Config::ephemeral()
    })
    .await;
    let (key, token) = build_state(&first).await;
    let users = users_without_events(&first).await;
    let exported = export(&first, "").await.body;
    first.stop().await;
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written, exported);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "it holds private keys");
    }

    let second = spawn_with(Config {
        fixtures: vec![path],
        ..Config::ephemeral()
    })
    .await;
    same_state(&second, &users, &key, &token).await;
}

/// A broken document is refused whole, with the path of what is wrong.
#[tokio::test]
async fn a_broken_state_document_loads_nothing() {
    let app = spawn_app().await;
    let user = json!({"id": "someuser0000000000000001", "email": "some@example.com"});
    let cases = [
        (
            json!({"apps": [{"id": APP_ID, "users": [user], "api_keys": [{"key_hash": "ABC"}]}]}),
            "apps[0].api_keys[0].key_hash: not a SHA-256",
        ),
        (
            json!({"apps": [{"id": APP_ID, "users": [user], "api_keys": [{"key": "long-enough-key", "key_hash": "0".repeat(64)}]}]}),
            "apps[0].api_keys[0].key_hash: give key or key_hash, not both",
        ),
        (
            json!({"apps": [{"id": APP_ID, "users": [user], "retired_signing_keys": [{"kid": "old", "private_key_pem": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "retired_at": "2026-01-01T00:00:00Z"}]}]}),
            "apps[0].retired_signing_keys[0].private_key_pem",
        ),
        (
            json!({"apps": [{"id": APP_ID, "users": [user]}], "authenticators": [{"id": "phone", "algorithm": "RS1"}]}),
            "authenticators[0].algorithm: `RS1` is not ES256 or EdDSA",
        ),
        (
            json!({"apps": [{"id": APP_ID, "users": [user]}], "authenticators": [{"id": "phone", "credentials": [{"cred_id": "AAAA", "rp_id": "localhost", "private_key": "nope"}]}]}),
            "authenticators[0].credentials[0].private_key",
        ),
        (
            json!({"apps": [{"id": APP_ID, "users": [user]}], "authenticators": [{"id": "phone", "colour": "red"}]}),
            "authenticators[0].colour: unknown field `colour`",
        ),
    ];
    for (document, message) in cases {
        let reply = app
            .send(Method::POST, "/_emulator/fixtures", None, Some(&document))
            .await;
        assert_error(&reply, 400, "invalid_request", message);
    }
    let list = app.mgmt(Method::GET, "/users", None).await;
    assert_eq!(list.body["total_users"], 0, "nothing half-imported");
    let authenticators = app
        .send(Method::GET, "/_emulator/authenticators", None, None)
        .await;
    assert_eq!(authenticators.body, json!({"authenticators": []}));
}

/// tests/fixtures/exported.json is an export (fixtures/passkeys.json and social.json loaded,
/// a key rotated); CI checks it against fixtures.schema.json, and it loads back.
#[tokio::test]
async fn a_saved_export_loads_and_its_passkeys_still_sign_in() {
    let app = spawn_with_fixture("exported.json").await;
    grace_logs_in(&app).await;
    let apps = app.send(Method::GET, "/_emulator/apps", None, None).await;
    assert_eq!(
        apps.body["apps"].as_array().map(Vec::len),
        Some(2),
        "{}",
        apps.text
    );
}

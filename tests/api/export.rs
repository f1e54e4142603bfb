//! `GET /_emulator/export`: the migration export (`format=passkeys`) gives each user's
//! identifiers and passkeys with their public keys as COSE and SPKI PEM (checked against
//! openssl's PEM of the fixture's private keys); bad queries get a 4xx.

use std::path::PathBuf;

use passage_emulator::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::passkey_helpers::answer;

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

#[tokio::test]
async fn the_passkey_export_gives_each_users_keys_as_cose_and_spki() {
    let app = spawn().await;
    // Grace logs in once: her passkey's count moves and it has been used.
    let auth = format!("/auth/v1/apps/{APP}/login/webauthn");
    let body = json!({"identifier": "grace@example.com"});
    let started = app
        .send(Method::POST, &format!("{auth}/start"), None, Some(&body))
        .await;
    let finish = answer(&app, "fixture-phone", "login", &started.body).await;
    let done = app
        .send(Method::POST, &format!("{auth}/finish"), None, Some(&finish))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);

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

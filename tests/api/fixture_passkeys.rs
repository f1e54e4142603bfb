//! Fixture passkeys with known private keys (fixtures/passkeys.json): the public key becomes a
//! device and a virtual authenticator under a fixed id holds the private key, so a suite logs
//! in as a known user deterministically.

use std::path::PathBuf;

use passage_emulator::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::passkey_helpers::answer;

const APP: &str = "passkeyapp00000000000001";
const KEY: &str = "passkey-demo-api-key";

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/passkeys.json")
}

fn fixture() -> Value {
    serde_json::from_str(&std::fs::read_to_string(path()).unwrap()).unwrap()
}

async fn spawn() -> TestApp {
    spawn_with(Config {
        fixtures: vec![path()],
        ..Config::ephemeral()
    })
    .await
}

async fn call(app: &TestApp, api: &str, path: &str, body: Value) -> Reply {
    let key = (api == "api").then_some(KEY);
    let reply = app
        .send(
            Method::POST,
            &format!("/{api}/v1/apps/{APP}{path}"),
            key,
            Some(&body),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text);
    reply
}

#[tokio::test]
async fn a_fixture_user_logs_in_with_the_fixture_authenticator() {
    let app = spawn().await;
    let phone = app
        .send(
            Method::GET,
            "/_emulator/authenticators/fixture-phone",
            None,
            None,
        )
        .await;
    assert_eq!(phone.status, StatusCode::OK, "{}", phone.text);
    let credential = &phone.body["credentials"][0];
    assert_eq!(
        (
            &credential["cred_id"],
            &credential["rp_id"],
            &credential["sign_count"]
        ),
        (
            &json!("lkYI0XMlm6ah6aZgfGWt6w"),
            &json!("localhost"),
            &json!(3)
        )
    );
    // The device's public key is the fixture key's.
    let devices = app
        .send(
            Method::GET,
            &format!("/api/v1/apps/{APP}/users/passkeyuser0000000000001/devices"),
            Some(KEY),
            None,
        )
        .await;
    assert_eq!(devices.body["devices"][0]["cred_id"], credential["cred_id"]);
    assert_eq!(
        devices.body["devices"][0]["friendly_name"],
        json!("Grace's phone")
    );

    for identifier in [json!({"identifier": "grace@example.com"}), json!({})] {
        let started = call(&app, "auth", "/login/webauthn/start", identifier).await;
        let finish = answer(&app, "fixture-phone", "login", &started.body).await;
        let done = call(&app, "auth", "/login/webauthn/finish", finish).await;
        assert!(done.body["auth_result"]["auth_token"].is_string());
    }
    let phone = app
        .send(
            Method::GET,
            "/_emulator/authenticators/fixture-phone",
            None,
            None,
        )
        .await;
    assert_eq!(phone.body["credentials"][0]["sign_count"], json!(5));
    app.stop().await;
}

#[tokio::test]
async fn a_fixture_flex_user_authenticates_and_reloading_restores_the_fixture() {
    let app = spawn().await;
    let opened = call(
        &app,
        "api",
        "/transactions/authenticate",
        json!({"external_id": "flex-customer-7"}),
    )
    .await;
    let started = call(
        &app,
        "auth",
        "/authenticate/transactions/webauthn/start",
        json!({"transaction_id": opened.body["transaction_id"]}),
    )
    .await;
    let finish = answer(&app, "fixture-laptop", "login", &started.body).await;
    let done = call(
        &app,
        "auth",
        "/authenticate/transactions/webauthn/finish",
        finish,
    )
    .await;
    let verified = call(
        &app,
        "api",
        "/authenticate/verify",
        json!({"nonce": done.body["nonce"]}),
    )
    .await;
    assert_eq!(verified.body, json!({"external_id": "flex-customer-7"}));

    // Loading the file again leaves one authenticator per id, back at the fixture's state.
    let loaded = app
        .send(Method::POST, "/_emulator/fixtures", None, Some(&fixture()))
        .await;
    assert_eq!(loaded.status, StatusCode::OK, "{}", loaded.text);
    let listed = app
        .send(Method::GET, "/_emulator/authenticators", None, None)
        .await;
    let ids: Vec<&Value> = listed.body["authenticators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["id"])
        .collect();
    assert_eq!(ids, [&json!("fixture-laptop"), &json!("fixture-phone")]);
    app.stop().await;
}

#[tokio::test]
async fn fixture_keys_are_checked() {
    let app = spawn_app().await;
    let device = |extra: Value| {
        let mut device = json!({"id": "d1", "cred_id": "AAEC"});
        device
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({"apps": [{"id": "a1", "users": [{"id": "u1", "email": "x@example.com", "devices": [device]}]}]})
    };
    for (extra, message) in [
        (
            json!({}),
            "public_key: required unless private_key is given",
        ),
        (
            json!({"private_key": "not a key"}),
            "private_key is not PEM",
        ),
        (
            json!({"private_key": fixture()["apps"][0]["users"][0]["devices"][0]["private_key"],
                   "public_key": "pQECAyYgASFYILJQ11cUxFVRKlvcPDlYJa3qhS7NtvGXQhDwSeIc0FEHIlgg6OCuCKfxSdD9xei2nUBAonjbFw7u5U0dv-Moie0n2qw"}),
            "public_key: does not belong to private_key",
        ),
    ] {
        let reply = app
            .send(
                Method::POST,
                "/_emulator/fixtures",
                None,
                Some(&device(extra)),
            )
            .await;
        assert_error(&reply, 400, "invalid_request", message);
    }
    app.stop().await;
}

//! Management devices, seeded from a fixture.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;

const SHOP: &str = "/api/v1/apps/shopapp00000000000000001";
const KEY: Option<&str> = Some("shop-api-key-0001");
const ADA: &str = "shopuser0000000000000001";

fn ada_devices() -> serde_json::Value {
    json!([
        {
            "created_at": "2024-01-01T10:00:01Z",
            "cred_id": "q83vEjRWeJA",
            "friendly_name": "Ada's MacBook",
            "id": "shopdevice00000000000001",
            "last_login_at": "2024-06-01T12:30:00.5Z",
            "type": "platform",
            "updated_at": "<time>",
            "usage_count": 5,
            "icons": {"light": null, "dark": null}
        },
        {
            "created_at": "2024-02-01T10:00:00Z",
            "cred_id": "AAEC",
            "friendly_name": "Fixture passkey",
            "id": "shopdevice00000000000002",
            "last_login_at": "0001-01-01T00:00:00Z",
            "type": "security_key",
            "updated_at": "<time>",
            "usage_count": 0,
            "icons": {"light": null, "dark": null}
        }
    ])
}

#[tokio::test]
async fn devices_are_listed_and_embedded_in_the_user() {
    let app = spawn_with_fixture("shop.json").await;
    let reply = app
        .send(
            Method::GET,
            &format!("{SHOP}/users/{ADA}/devices"),
            KEY,
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let mut devices = reply.body["devices"].clone();
    for device in devices.as_array_mut().unwrap() {
        redact_time(device, "updated_at");
    }
    assert_eq!(devices, ada_devices());

    let user = app
        .send(Method::GET, &format!("{SHOP}/users/{ADA}"), KEY, None)
        .await;
    let mut user = user.body["user"].clone();
    redact_time(&mut user, "updated_at");
    for device in user["webauthn_devices"].as_array_mut().unwrap() {
        redact_time(device, "updated_at");
    }
    assert_eq!(
        user,
        json!({
            "created_at": "2024-01-01T10:00:00Z",
            "email": "ada@example.com",
            "email_verified": true,
            "external_id": "",
            "id": ADA,
            "last_login_at": "2024-06-01T12:30:00.5Z",
            "login_count": 7,
            "phone": "",
            "phone_verified": false,
            "recent_events": [],
            "social_connections": {},
            "status": "active",
            "updated_at": "<time>",
            "user_metadata": {"plan": "pro", "seats": 3},
            "webauthn": true,
            "webauthn_devices": ada_devices(),
            "webauthn_types": ["platform", "security_key"]
        })
    );
}

#[tokio::test]
async fn a_device_is_revoked_once() {
    let app = spawn_with_fixture("shop.json").await;
    // Read the user first, so that the revocation has to show through any cached copy.
    let before = app
        .send(Method::GET, &format!("{SHOP}/users/{ADA}"), KEY, None)
        .await;
    assert_eq!(
        before.body["user"]["webauthn_devices"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let path = format!("{SHOP}/users/{ADA}/devices/shopdevice00000000000001");
    let reply = app.send(Method::DELETE, &path, KEY, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text, "");
    let again = app.send(Method::DELETE, &path, KEY, None).await;
    assert_error(&again, 404, "device_not_found", "Device not found.");

    let listed = app
        .send(
            Method::GET,
            &format!("{SHOP}/users/{ADA}/devices"),
            KEY,
            None,
        )
        .await;
    let ids: Vec<_> = listed.body["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].clone())
        .collect();
    assert_eq!(ids, vec![json!("shopdevice00000000000002")]);
    let user = app
        .send(Method::GET, &format!("{SHOP}/users/{ADA}"), KEY, None)
        .await;
    assert_eq!(user.body["user"]["webauthn_types"], json!(["security_key"]));
}

#[tokio::test]
async fn device_errors_name_what_is_missing() {
    let app = spawn_with_fixture("shop.json").await;
    let other_user = "shopuser0000000000000002";
    // A device of another user is not found under this one.
    let path = format!("{SHOP}/users/{other_user}/devices/shopdevice00000000000001");
    let reply = app.send(Method::DELETE, &path, KEY, None).await;
    assert_error(&reply, 404, "device_not_found", "Device not found.");
    let path = format!("{SHOP}/users/{ADA}/devices/bad!id");
    let reply = app.send(Method::DELETE, &path, KEY, None).await;
    assert_error(&reply, 404, "device_not_found", "Device not found.");
    let path = format!("{SHOP}/users/noSuchUser00000000000000/devices");
    let reply = app.send(Method::GET, &path, KEY, None).await;
    assert_error(&reply, 404, "user_not_found", "User not found.");
    let path = format!("{SHOP}/users/noSuchUser00000000000000/devices/shopdevice00000000000001");
    let reply = app.send(Method::DELETE, &path, KEY, None).await;
    assert_error(&reply, 404, "user_not_found", "User not found.");
    // A user without devices has an empty list, never null.
    let reply = app
        .send(
            Method::GET,
            &format!("{SHOP}/users/{other_user}/devices"),
            KEY,
            None,
        )
        .await;
    assert_eq!(reply.body, json!({"devices": []}));
}

//! The signed-in user: profile, devices, metadata, social connections, and who may call.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::session_helpers::*;

const DEVICE_KEY: &str = "pQECAyYgASFYILJQ11cUxFVRKlvcPDlYJa3qhS7NtvGXQhDwSeIc0FEHIlgg6OCuCKfxSdD9xei2nUBAonjbFw7u5U0dv-Moie0n2qw";

/// Adds to the default app a user with two passkeys, signs them in by passcode, and returns
/// their auth token.
async fn signed_in_user_with_passkeys(app: &TestApp) -> String {
    let fixture = json!({"apps": [{
        "id": APP_ID,
        "settings": {"name": "Passage Emulator Default App"},
        "user_metadata_schema": [{"friendly_name": "Plan", "type": "string"}],
        "users": [{
            "id": "passkeyuser0000000000001",
            "email": "ada@example.com",
            "created_at": "2024-01-01T00:00:00Z",
            "devices": [
                {"id": "passkeydevice00000000001", "cred_id": "AAEC", "public_key": DEVICE_KEY,
                 "friendly_name": "Laptop", "created_at": "2024-01-02T00:00:00Z"},
                {"id": "passkeydevice00000000002", "cred_id": "AwQF", "public_key": DEVICE_KEY,
                 "friendly_name": "Phone", "type": "platform", "created_at": "2024-01-03T00:00:00Z"}
            ]
        }]
    }]});
    let response = app
        .client
        .post(format!("{}/_emulator/fixtures", app.base))
        .json(&fixture)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (otp_id, code) = login(app).await;
    let reply = auth(
        app,
        Method::POST,
        "/otp/activate",
        Some(json!({"otp": code, "otp_id": otp_id})),
    )
    .await;
    reply.body["auth_result"]["auth_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn as_user(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Reply {
    let path = format!("/auth/v1/apps/{APP_ID}/currentuser{path}");
    app.send(method, &path, Some(token), body.as_ref()).await
}

#[tokio::test]
async fn the_current_user_has_every_member() {
    let app = spawn_app().await;
    let token = signed_in_user_with_passkeys(&app).await;
    let reply = as_user(&app, &token, Method::GET, "", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let mut user = reply.body["user"].clone();
    redact_time(&mut user, "updated_at");
    redact_time(&mut user, "last_login_at");
    for device in user["webauthn_devices"].as_array_mut().unwrap() {
        redact_time(device, "updated_at");
    }
    let device = |id: &str, cred: &str, name: &str, kind: &str, day: u8| {
        json!({"created_at": format!("2024-01-0{day}T00:00:00Z"), "cred_id": cred, "friendly_name": name,
               "id": id, "last_login_at": "0001-01-01T00:00:00Z", "type": kind, "updated_at": "<time>",
               "usage_count": 0, "user_id": "passkeyuser0000000000001", "icons": {"light": null, "dark": null}})
    };
    assert_eq!(
        user,
        json!({
            "created_at": "2024-01-01T00:00:00Z", "email": "ada@example.com", "email_verified": true,
            "id": "passkeyuser0000000000001", "last_login_at": "<time>", "login_count": 1,
            "phone": "", "phone_verified": false, "social_connections": {}, "status": "active",
            "updated_at": "<time>", "user_metadata": null, "webauthn": true,
            "webauthn_devices": [
                device("passkeydevice00000000001", "AAEC", "Laptop", "passkey", 2),
                device("passkeydevice00000000002", "AwQF", "Phone", "platform", 3)
            ],
            "webauthn_types": ["passkey", "platform"]
        })
    );
}

#[tokio::test]
async fn devices_are_listed_renamed_and_deleted() {
    let app = spawn_app().await;
    let token = signed_in_user_with_passkeys(&app).await;
    let listed = as_user(&app, &token, Method::GET, "/devices", None).await;
    let ids: Vec<_> = listed.body["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].clone())
        .collect();
    assert_eq!(
        ids,
        vec![
            json!("passkeydevice00000000001"),
            json!("passkeydevice00000000002")
        ]
    );

    let renamed = as_user(
        &app,
        &token,
        Method::PATCH,
        "/devices/passkeydevice00000000001",
        Some(json!({"friendly_name": "Work laptop"})),
    )
    .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    assert_eq!(
        renamed.body["device"]["friendly_name"],
        json!("Work laptop")
    );
    assert_eq!(
        renamed.body["device"]["user_id"],
        json!("passkeyuser0000000000001")
    );
    let blank = as_user(
        &app,
        &token,
        Method::PATCH,
        "/devices/passkeydevice00000000001",
        Some(json!({"friendly_name": " "})),
    )
    .await;
    assert_error(&blank, 400, "invalid_request", "friendly_name");

    let deleted = as_user(
        &app,
        &token,
        Method::DELETE,
        "/devices/passkeydevice00000000002",
        None,
    )
    .await;
    assert_eq!(
        (deleted.status, deleted.text.as_str()),
        (StatusCode::OK, "")
    );
    for method in [Method::DELETE, Method::PATCH] {
        let again = as_user(
            &app,
            &token,
            method,
            "/devices/passkeydevice00000000002",
            Some(json!({"friendly_name": "x"})),
        )
        .await;
        assert_error(&again, 404, "user_not_found", "Device not found");
    }
    let user = as_user(&app, &token, Method::GET, "", None).await;
    assert_eq!(user.body["user"]["webauthn_types"], json!(["passkey"]));
}

#[tokio::test]
async fn metadata_is_read_and_patched_within_the_schema() {
    let app = spawn_app().await;
    let token = signed_in_user_with_passkeys(&app).await;
    let empty = as_user(&app, &token, Method::GET, "/user-metadata", None).await;
    assert_eq!(empty.body, json!({"user_metadata": null}));
    let patched = as_user(
        &app,
        &token,
        Method::PATCH,
        "/user-metadata",
        Some(json!({"user_metadata": {"plan": "pro"}})),
    )
    .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!(
        patched.body["user"]["user_metadata"],
        json!({"plan": "pro"})
    );
    let refused = as_user(
        &app,
        &token,
        Method::PATCH,
        "/user-metadata",
        Some(json!({"user_metadata": {"plan": "free", "colour": "red"}})),
    )
    .await;
    assert_error(
        &refused,
        400,
        "invalid_request",
        "user_metadata.colour: unknown field",
    );
    let read = as_user(&app, &token, Method::GET, "/user-metadata", None).await;
    assert_eq!(read.body, json!({"user_metadata": {"plan": "pro"}}));
}

#[tokio::test]
async fn social_connections_are_empty() {
    let app = spawn_app().await;
    let token = signed_in_user_with_passkeys(&app).await;
    let listed = as_user(&app, &token, Method::GET, "/social-connections", None).await;
    assert_eq!(listed.body, json!({"social_connections": {}}));
    let google = as_user(
        &app,
        &token,
        Method::DELETE,
        "/social-connections/google",
        None,
    )
    .await;
    assert_error(&google, 404, "social_connection_not_found", "google");
    let fax = as_user(
        &app,
        &token,
        Method::DELETE,
        "/social-connections/fax",
        None,
    )
    .await;
    assert_error(&fax, 400, "invalid_request", "fax");
}

#[tokio::test]
async fn only_a_valid_auth_token_of_this_app_opens_the_current_user() {
    let app = spawn_app().await;
    let token = signed_in_user_with_passkeys(&app).await;
    let path = format!("/auth/v1/apps/{APP_ID}/currentuser");
    let missing = app.send(Method::GET, &path, None, None).await;
    assert_error(&missing, 401, "invalid_access_token", "Missing auth token");
    let garbage = app.send(Method::GET, &path, Some("not-a-jwt"), None).await;
    assert_error(&garbage, 401, "invalid_access_token", "not a JWT");
    // The management API key is no auth token.
    let api_key = app.send(Method::GET, &path, Some(API_KEY), None).await;
    assert_error(
        &api_key,
        401,
        "invalid_access_token",
        "The auth token is not valid",
    );

    // A token of another app does not open this one.
    let created = app
        .send(
            Method::POST,
            "/api/v1/apps",
            Some(ADMIN_KEY),
            Some(&json!({"name": "Other"})),
        )
        .await;
    let other = created.body["app"]["id"].as_str().unwrap();
    let foreign = app
        .send(
            Method::GET,
            &format!("/auth/v1/apps/{other}/currentuser"),
            Some(&token),
            None,
        )
        .await;
    assert_error(&foreign, 401, "invalid_access_token", "does not publish");

    // Tokens expire by the emulator's clock (3600 s by default).
    app.advance_clock(3600).await;
    let expired = app.send(Method::GET, &path, Some(&token), None).await;
    assert_error(&expired, 401, "invalid_access_token", "expired");
    app.send(Method::DELETE, "/_emulator/clock", None, None)
        .await;

    // A deleted user's token finds no user.
    app.mgmt(Method::DELETE, "/users/passkeyuser0000000000001", None)
        .await;
    let gone = app.send(Method::GET, &path, Some(&token), None).await;
    assert_error(&gone, 404, "user_not_found", "User not found.");
}

#[tokio::test]
async fn email_and_phone_change_only_once_the_verify_link_is_activated() {
    let app = spawn_app().await;
    let token = signed_in_user_with_passkeys(&app).await;
    let asked = as_user(
        &app,
        &token,
        Method::PATCH,
        "/email",
        Some(json!({"new_email": "Ada.New@Example.com", "language": "it"})),
    )
    .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.text);
    assert!(asked.body["magic_link"]["id"].is_string());
    let message = latest(&app, "ada.new@example.com").await;
    assert_eq!(
        (message["kind"].clone(), message["language"].clone()),
        (json!("change_email"), json!("it"))
    );
    let url = message["magic_link"].as_str().unwrap();
    assert!(
        url.starts_with("http://localhost:3000/?psg_verify_link="),
        "{url}"
    );
    // Nothing changes until the link is used.
    let before = as_user(&app, &token, Method::GET, "", None).await;
    assert_eq!(before.body["user"]["email"], json!("ada@example.com"));

    let secret = url.rsplit('=').next().unwrap();
    let activated = auth(
        &app,
        Method::PATCH,
        "/magic-link/activate",
        Some(json!({"magic_link": secret})),
    )
    .await;
    assert_eq!(activated.status, StatusCode::OK, "{}", activated.text);
    let after = as_user(&app, &token, Method::GET, "", None).await;
    assert_eq!(
        (
            after.body["user"]["email"].clone(),
            after.body["user"]["email_verified"].clone()
        ),
        (json!("ada.new@example.com"), json!(true))
    );

    let phone = as_user(
        &app,
        &token,
        Method::PATCH,
        "/phone",
        Some(json!({"new_phone": "+1 415 555 2671"})),
    )
    .await;
    assert_eq!(phone.status, StatusCode::OK, "{}", phone.text);
    let sms = latest(&app, "+14155552671").await;
    assert_eq!(
        (sms["kind"].clone(), sms["channel"].clone()),
        (json!("change_phone"), json!("sms"))
    );
    let secret = sms["magic_link"]
        .as_str()
        .unwrap()
        .rsplit('=')
        .next()
        .unwrap()
        .to_owned();
    auth(
        &app,
        Method::PATCH,
        "/magic-link/activate",
        Some(json!({"magic_link": secret})),
    )
    .await;
    let after = as_user(&app, &token, Method::GET, "", None).await;
    assert_eq!(
        (
            after.body["user"]["phone"].clone(),
            after.body["user"]["phone_verified"].clone()
        ),
        (json!("+14155552671"), json!(true))
    );

    app.create_user(json!({"email": "taken@example.com"})).await;
    let taken = as_user(
        &app,
        &token,
        Method::PATCH,
        "/email",
        Some(json!({"new_email": "taken@example.com"})),
    )
    .await;
    assert_error(&taken, 400, "invalid_request", "user: already exists.");
    let bad = as_user(
        &app,
        &token,
        Method::PATCH,
        "/email",
        Some(json!({"new_email": "nope"})),
    )
    .await;
    assert_error(&bad, 400, "invalid_request", "new_email:");
    let missing = as_user(&app, &token, Method::PATCH, "/phone", Some(json!({}))).await;
    assert_error(&missing, 400, "invalid_request", "new_phone:");
}

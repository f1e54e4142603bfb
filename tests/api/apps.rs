//! Apps: `get-app` and the 2023 console endpoints.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;

/// base64 of the PEM public key of the default app's fixed signing key.
const DEFAULT_RSA_PUBLIC_KEY: &str = "LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0KTUlJQklqQU5CZ2txaGtpRzl3MEJBUUVGQUFPQ0FROEFNSUlCQ2dLQ0FRRUF1Q2szMmllbUtNUWhyK0NIcjVhRwpjcmJQU2o1akFPU2xpWGd6UXBzeUlmR1BJVDAxRXZKUGR6Sk9HdGdId3ljbW5kYW1ZOS9EaktvTGtIR05sWDFJCjlJcEt6alVmVDVRaTRPQkxBSkluZ3BJbFFyWkJmZEd4RndPK0krdHI4UUxDbmxuM2J1ZnpYdGlYVnhka0N3eGcKazFyVXlhQmU1L3RTOFF4YVlPL0tZSFEyeExWQjBibERnd2VGZmlzZEhJRVN5TjRsNzhwWFEyTHBCdjRvMmlJbwpoTVpWQkxqMXdmNEtKZlZSUC9hRm8ySmJDSVV5NERRZjZIUnowZVlKVjhTWENIZlQ4b3lCcVhRTjE2ZGNSWlZlCjQ3aFYxYURwcTBKbGpXRGxVdEs5L0NQa2lyN1BwZ2wvTUhXQnhGdmdPZzZTcEEzekZxTVBtQjF4WmJ5MmUrdFUKSndJREFRQUIKLS0tLS1FTkQgUFVCTElDIEtFWS0tLS0tCg==";

/// The default app's `AppInfo`, every field of Passage's schema.
fn default_app_info() -> Value {
    json!({
        "id": APP_ID,
        "created_at": "<time>",
        "name": "Passage Emulator Default App",
        "additional_auth_origins": [],
        "allowed_callback_urls": [],
        "allowed_identifier": "both",
        "allowed_logout_urls": [],
        "application_login_uri": "",
        "auth_fallback_method": "magic_link",
        "auth_fallback_method_ttl": 300,
        "auth_methods": {
            "passkeys": {"enabled": true},
            "otp": {"enabled": true, "ttl": 300, "ttl_display_unit": "s"},
            "magic_link": {"enabled": true, "ttl": 300, "ttl_display_unit": "s"}
        },
        "auth_origin": "http://localhost:3000",
        "auto_theme_enabled": false,
        "default_language": "en",
        "element_customization": {},
        "element_customization_dark": {},
        "ephemeral": false,
        "hosted": false,
        "hosted_subdomain": "",
        "hosted_theme": "auto",
        "layouts": {"profile": [], "registration": []},
        "login_url": "/",
        "passage_branding": true,
        "profile_management": true,
        "public_signup": true,
        "redirect_url": "/",
        "refresh_absolute_lifetime": 2592000,
        "refresh_enabled": true,
        "refresh_inactivity_lifetime": 432000,
        "require_email_verification": false,
        "require_identifier_verification": false,
        "required_identifier": "either",
        "role": "admin",
        "rsa_public_key": DEFAULT_RSA_PUBLIC_KEY,
        "session_timeout_length": 3600,
        "type": "complete",
        "technologies": [],
        "user_metadata_schema": []
    })
}

#[tokio::test]
async fn get_app_returns_every_app_info_field() {
    let app = spawn_app().await;
    let reply = app.mgmt(Method::GET, "", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let mut info = reply.body["app"].clone();
    redact_time(&mut info, "created_at");
    assert_eq!(info, default_app_info());
    assert_eq!(reply.body.as_object().unwrap().len(), 1);
}

#[tokio::test]
async fn get_app_key_is_optional_but_must_be_right_when_given() {
    let app = spawn_app().await;
    let path = format!("/api/v1/apps/{APP_ID}");
    let anonymous = app.send(Method::GET, &path, None, None).await;
    assert_eq!(anonymous.status, StatusCode::OK);
    let wrong = app
        .send(Method::GET, &path, Some("wrong-key-123"), None)
        .await;
    assert_error(&wrong, 401, "invalid_access_token", "not valid");
    let unknown = app
        .send(
            Method::GET,
            "/api/v1/apps/noSuchApp000000000000000",
            None,
            None,
        )
        .await;
    assert_error(&unknown, 404, "app_not_found", "App not found.");
    let malformed = app
        .send(Method::GET, "/api/v1/apps/bad%20id!", None, None)
        .await;
    assert_error(&malformed, 404, "app_not_found", "App not found.");
}

#[tokio::test]
async fn create_app_needs_the_admin_key_and_answers_201() {
    let app = spawn_app().await;
    let body = json!({"name": "Shop", "auth_origin": "https://shop.example", "type": "flex",
                      "technologies": ["react", "go"], "organization_id": "ignored"});
    let refused = app
        .send(Method::POST, "/api/v1/apps", Some(API_KEY), Some(&body))
        .await;
    assert_error(&refused, 401, "invalid_access_token", "admin key");
    let missing = app
        .send(Method::POST, "/api/v1/apps", None, Some(&body))
        .await;
    assert_error(
        &missing,
        401,
        "invalid_access_token",
        "Authorization: Bearer",
    );

    let created = app
        .send(Method::POST, "/api/v1/apps", Some(ADMIN_KEY), Some(&body))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let mut info = created.body["app"].clone();
    redact_id(&mut info, "id");
    redact_time(&mut info, "created_at");
    // A new app gets its own key: another public key, still a base64 PEM.
    let key = info["rsa_public_key"].as_str().unwrap();
    assert_ne!(key, DEFAULT_RSA_PUBLIC_KEY);
    assert!(
        key.starts_with("LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0K"),
        "{key}"
    );
    info["rsa_public_key"] = json!("<key>");
    let mut expected = default_app_info();
    expected["id"] = json!("<id>");
    expected["rsa_public_key"] = json!("<key>");
    expected["name"] = json!("Shop");
    expected["auth_origin"] = json!("https://shop.example");
    expected["type"] = json!("flex");
    expected["technologies"] = json!(["react", "go"]);
    assert_eq!(info, expected);

    // The admin key works on the new app's Management API; it has no API key of its own yet.
    let id = created.body["app"]["id"].as_str().unwrap();
    let users = app
        .send(
            Method::GET,
            &format!("/api/v1/apps/{id}/users"),
            Some(ADMIN_KEY),
            None,
        )
        .await;
    assert_eq!(users.status, StatusCode::OK);
    assert_eq!(users.body["total_users"], json!(0));
    let keys = app
        .send(
            Method::GET,
            &format!("/api/v1/apps/{id}/api-keys"),
            Some(ADMIN_KEY),
            None,
        )
        .await;
    assert_eq!(keys.body, json!({"api_keys": []}));
}

#[tokio::test]
async fn create_app_validates_its_input() {
    let app = spawn_app().await;
    let cases = [
        (json!({}), "missing field `name`"),
        (
            json!({"name": "x", "auth_origin": "localhost"}),
            "auth_origin",
        ),
        (
            json!({"name": "x", "type": "other"}),
            "type: unknown variant `other`",
        ),
        (json!({"name": ""}), "name: must not be empty"),
    ];
    for (body, message) in cases {
        let reply = app
            .send(Method::POST, "/api/v1/apps", Some(ADMIN_KEY), Some(&body))
            .await;
        assert_error(&reply, 400, "invalid_request", message);
    }
}

#[tokio::test]
async fn update_app_merges_settings() {
    let app = spawn_app().await;
    let patch = json!({
        "name": "Renamed",
        "session_timeout_length": 60,
        "auth_methods": {"otp": {"enabled": false}},
        "additional_auth_origins": ["http://localhost:5173"]
    });
    let reply = app.mgmt(Method::PATCH, "", Some(patch)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let mut info = reply.body["app"].clone();
    redact_time(&mut info, "created_at");
    let mut expected = default_app_info();
    expected["name"] = json!("Renamed");
    expected["session_timeout_length"] = json!(60);
    expected["auth_methods"]["otp"]["enabled"] = json!(false);
    expected["additional_auth_origins"] = json!(["http://localhost:5173"]);
    assert_eq!(info, expected);
    // And it is stored.
    let mut again = app.mgmt(Method::GET, "", None).await.body["app"].clone();
    redact_time(&mut again, "created_at");
    assert_eq!(again, expected);
}

#[tokio::test]
async fn update_app_rejects_bad_settings() {
    let app = spawn_app().await;
    let cases = [
        (json!({"nmae": "typo"}), "unknown field `nmae`"),
        (
            json!({"session_timeout_length": 1}),
            "session_timeout_length: must be at least 5",
        ),
        (
            json!({"session_timeout_length": "long"}),
            "session_timeout_length: invalid type",
        ),
        (json!({"allowed_identifier": "fax"}), "allowed_identifier"),
        (json!({"id": "other"}), "id: cannot be changed"),
        (
            json!({"auth_methods": {"otp": {"ttl": 0}}}),
            "auth_methods.otp.ttl",
        ),
    ];
    for (patch, message) in cases {
        let reply = app.mgmt(Method::PATCH, "", Some(patch)).await;
        assert_error(&reply, 400, "invalid_request", message);
    }
}

#[tokio::test]
async fn delete_app_removes_it_and_its_users() {
    let app = spawn_app().await;
    app.create_user(json!({"email": "gone@example.com"})).await;
    let deleted = app.mgmt(Method::DELETE, "", None).await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(deleted.text, "");
    let reply = app
        .send(Method::GET, &format!("/api/v1/apps/{APP_ID}"), None, None)
        .await;
    assert_error(&reply, 404, "app_not_found", "App not found.");
    let users = app.mgmt(Method::GET, "/users", None).await;
    assert_error(&users, 404, "app_not_found", "App not found.");
}

//! The last app console operations of the 2023 spec: stats, layouts, claim.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;
use super::passkey_helpers::*;
use super::session_helpers::*;

#[tokio::test]
async fn stats_count_users_passkey_users_and_monthly_actives() {
    let app = spawn_app().await;
    let empty = app.mgmt(Method::GET, "/stats", None).await;
    assert_eq!(
        empty.body,
        json!({"percent_magiclink_users": 0.0, "percent_webauthn_users": 0.0, "total_users": 0, "mau_count": 0})
    );
    register(&app, "ada@example.com").await;
    app.create_user(json!({"email": "bob@example.com"})).await;
    new_authenticator(&app, json!({"id": "phone"})).await;
    register_passkey(&app, "phone", "grace@example.com").await;

    let stats = app.mgmt(Method::GET, "/stats", None).await;
    assert_eq!(stats.status, StatusCode::OK, "{}", stats.text);
    assert_eq!(
        stats.body,
        json!({"percent_magiclink_users": 200.0 / 3.0, "percent_webauthn_users": 100.0 / 3.0,
               "total_users": 3, "mau_count": 2})
    );
    app.advance_clock(31 * 24 * 3600).await;
    let later = app.mgmt(Method::GET, "/stats", None).await;
    assert_eq!(later.body["mau_count"], 0, "no sign-in in the last 30 days");
    let foreign = app
        .send(
            Method::GET,
            &format!("/api/v1/apps/{APP_ID}/stats"),
            Some("wrong-key-123"),
            None,
        )
        .await;
    assert_error(&foreign, 401, "invalid_access_token", "");
}

#[tokio::test]
async fn layouts_replace_the_apps_and_show_in_app_info() {
    let app = spawn_app().await;
    let layouts = json!({
        "profile": [{"id": "plan", "x": 0, "y": 0, "w": 12, "h": 1}],
        "registration": [{"id": "plan", "x": 0, "y": 1, "w": 6, "h": 2}],
    });
    let reply = app
        .send(
            Method::PATCH,
            &format!("/api/v1/apps/{APP_ID}/layouts"),
            Some(ADMIN_KEY),
            Some(&layouts),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body, json!({"layouts": layouts}));
    let info = app.mgmt(Method::GET, "", None).await;
    assert_eq!(info.body["app"]["layouts"], layouts);
    let half = app
        .send(
            Method::PATCH,
            &format!("/api/v1/apps/{APP_ID}/layouts"),
            Some(ADMIN_KEY),
            Some(&json!({"profile": []})),
        )
        .await;
    assert_error(&half, 400, "invalid_request", "registration");
}

#[tokio::test]
async fn only_a_test_mode_app_can_be_claimed() {
    let app = spawn_app().await;
    let path = format!("/api/v1/apps/{APP_ID}/claim");
    let body = json!({"name": "Shop"});
    let refused = app
        .send(Method::POST, &path, Some(ADMIN_KEY), Some(&body))
        .await;
    assert_error(&refused, 409, "cannot_claim_app", "not a test-mode app");
    let test_mode = app
        .mgmt(Method::PATCH, "", Some(json!({"ephemeral": true})))
        .await;
    assert_eq!(test_mode.status, StatusCode::OK, "{}", test_mode.text);
    let claimed = app
        .send(Method::POST, &path, Some(ADMIN_KEY), Some(&body))
        .await;
    assert_eq!(claimed.status, StatusCode::OK, "{}", claimed.text);
    assert_eq!(
        (
            &claimed.body["app"]["name"],
            &claimed.body["app"]["ephemeral"]
        ),
        (&json!("Shop"), &json!(false))
    );
    let blank = app
        .send(
            Method::POST,
            &path,
            Some(ADMIN_KEY),
            Some(&json!({"name": " "})),
        )
        .await;
    assert_error(&blank, 400, "invalid_request", "name: required");
}

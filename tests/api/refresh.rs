//! Refresh tokens: rotation, reuse detection, sign-out, revocation, lifetimes.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;
use super::session_helpers::*;

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_revokes_its_family() {
    let app = spawn_app().await;
    let first = register(&app, "ada@example.com").await;
    let token = first["refresh_token"].as_str().unwrap().to_owned();
    let rotated = auth(
        &app,
        Method::POST,
        "/tokens",
        Some(json!({"refresh_token": token})),
    )
    .await;
    assert_eq!(rotated.status, StatusCode::CREATED, "{}", rotated.text);
    let second = rotated.body["auth_result"].clone();
    let next = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(next, token);
    assert_eq!(
        second["refresh_token_expiration"],
        first["refresh_token_expiration"]
    );
    let claims = verify(&app, second["auth_token"].as_str().unwrap()).await;

    // Replaying the spent token fails and kills the live one too.
    let replay = auth(
        &app,
        Method::POST,
        "/tokens",
        Some(json!({"refresh_token": token})),
    )
    .await;
    assert_error(&replay, 401, "invalid_refresh_token", "already used");
    let killed = auth(
        &app,
        Method::POST,
        "/tokens",
        Some(json!({"refresh_token": next})),
    )
    .await;
    assert_error(&killed, 401, "invalid_refresh_token", "revoked");

    // Signing out answers `null` and ends the session.
    let session = register(&app, "bob@example.com").await;
    let token = session["refresh_token"].as_str().unwrap().to_owned();
    let signed_out = auth(
        &app,
        Method::DELETE,
        &format!("/tokens?refresh_token={token}"),
        None,
    )
    .await;
    assert_eq!(
        (signed_out.status, signed_out.text.as_str()),
        (StatusCode::OK, "null")
    );
    let after = auth(
        &app,
        Method::POST,
        "/tokens",
        Some(json!({"refresh_token": token})),
    )
    .await;
    assert_error(&after, 401, "invalid_refresh_token", "revoked");
    let again = auth(
        &app,
        Method::DELETE,
        &format!("/tokens?refresh_token={token}"),
        None,
    )
    .await;
    assert_eq!(again.text, "null");

    // Management revokes every token of a user.
    let session = register(&app, "cy@example.com").await;
    let token = session["refresh_token"].as_str().unwrap().to_owned();
    let user_id = verify(&app, session["auth_token"].as_str().unwrap())
        .await
        .sub;
    let revoked = app
        .mgmt(Method::DELETE, &format!("/users/{user_id}/tokens"), None)
        .await;
    assert_eq!(
        (revoked.status, revoked.text.as_str()),
        (StatusCode::OK, "")
    );
    let after = auth(
        &app,
        Method::POST,
        "/tokens",
        Some(json!({"refresh_token": token})),
    )
    .await;
    assert_error(&after, 401, "invalid_refresh_token", "revoked");
    let unknown = app
        .mgmt(
            Method::DELETE,
            "/users/noSuchUser00000000000000/tokens",
            None,
        )
        .await;
    assert_error(&unknown, 404, "user_not_found", "User not found.");
    assert!(!claims.sub.is_empty());
}

#[tokio::test]
async fn refresh_tokens_lapse_after_inactivity_and_can_be_switched_off() {
    let app = spawn_app().await;
    let session = register(&app, "ada@example.com").await;
    let token = session["refresh_token"].as_str().unwrap().to_owned();
    // Five days of inactivity by default.
    app.advance_clock(5 * 24 * 3600 + 1).await;
    let lapsed = auth(
        &app,
        Method::POST,
        "/tokens",
        Some(json!({"refresh_token": token})),
    )
    .await;
    assert_error(&lapsed, 401, "invalid_refresh_token", "expired");

    app.mgmt(Method::PATCH, "", Some(json!({"refresh_enabled": false})))
        .await;
    let session = register(&app, "bob@example.com").await;
    assert!(
        session.get("refresh_token").is_none() && session.get("refresh_token_expiration").is_none()
    );
    assert!(session["auth_token"].is_string());
}

/// Twenty parallel rotations of one refresh token: exactly one new session.
#[tokio::test]
async fn twenty_parallel_rotations_of_one_token_succeed_once() {
    let app = spawn_app().await;
    let first = register(&app, "race@example.com").await;
    let token = first["refresh_token"].as_str().unwrap().to_owned();
    let url = format!("{}/auth/v1/apps/{APP_ID}/tokens", app.base);
    let rotate = app
        .client
        .post(url)
        .json(&json!({ "refresh_token": token }));
    exactly_one_of_twenty(rotate).await;
    app.stop().await;
}

//! Helpers for passkey tests: virtual authenticators driven over HTTP, and the start/finish
//! calls around them, exactly as a curl-only suite would make them.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::session_helpers::auth;

/// Makes a virtual authenticator and returns its id.
pub async fn new_authenticator(app: &TestApp, body: Value) -> String {
    let reply = app
        .send(Method::POST, "/_emulator/authenticators", None, Some(&body))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body["id"].as_str().unwrap().to_owned()
}

/// Has `authenticator` answer a start response (`register` or `login`); returns the finish
/// body it builds.
pub async fn answer(app: &TestApp, authenticator: &str, ceremony: &str, started: &Value) -> Value {
    let reply = try_answer(app, authenticator, ceremony, started).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

pub async fn try_answer(
    app: &TestApp,
    authenticator: &str,
    ceremony: &str,
    started: &Value,
) -> Reply {
    app.send(
        Method::POST,
        &format!("/_emulator/authenticators/{authenticator}/{ceremony}"),
        None,
        Some(started),
    )
    .await
}

/// Starts a passkey registration and asserts it started.
pub async fn register_start(app: &TestApp, identifier: &str) -> Value {
    let started = auth(
        app,
        Method::POST,
        "/register/webauthn/start",
        Some(json!({"identifier": identifier})),
    )
    .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    started.body
}

/// Registers `identifier` with a passkey of `authenticator`; returns the auth result.
pub async fn register_passkey(app: &TestApp, authenticator: &str, identifier: &str) -> Value {
    let started = register_start(app, identifier).await;
    let finish = answer(app, authenticator, "register", &started).await;
    let done = auth(app, Method::POST, "/register/webauthn/finish", Some(finish)).await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.text);
    done.body["auth_result"].clone()
}

/// Starts a login: with an identifier, or discoverable.
pub async fn login_start(app: &TestApp, identifier: Option<&str>) -> Reply {
    let body = match identifier {
        Some(identifier) => json!({"identifier": identifier}),
        None => json!({}),
    };
    auth(app, Method::POST, "/login/webauthn/start", Some(body)).await
}

/// A whole login with `authenticator`; returns the finish reply.
pub async fn login_passkey(app: &TestApp, authenticator: &str, identifier: Option<&str>) -> Reply {
    let started = login_start(app, identifier).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    let finish = answer(app, authenticator, "login", &started.body).await;
    auth(app, Method::POST, "/login/webauthn/finish", Some(finish)).await
}

/// A user's devices through the Management API.
pub async fn devices(app: &TestApp, user_id: &str) -> Vec<Value> {
    let reply = app
        .mgmt(Method::GET, &format!("/users/{user_id}/devices"), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["devices"].as_array().unwrap().clone()
}

/// base64url (no padding) helpers for tampering with WebAuthn JSON.
pub fn b64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap()
}

pub fn b64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

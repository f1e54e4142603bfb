//! Auth API users: lookups that answer `null`, creation, identifier rules.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;
use super::session_helpers::*;

#[tokio::test]
async fn auth_users_are_looked_up_and_created() {
    let app = spawn_app().await;
    let unknown = auth(
        &app,
        Method::GET,
        "/users?identifier=nobody@example.com",
        None,
    )
    .await;
    assert_eq!(
        (unknown.status, unknown.body.clone()),
        (StatusCode::OK, json!({"user": null}))
    );

    let created = auth(
        &app,
        Method::POST,
        "/users",
        Some(json!({"identifier": "+1 415 555 2671"})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let mut user = created.body["user"].clone();
    redact_id(&mut user, "id");
    assert_eq!(
        user,
        json!({"email": "", "email_verified": false, "id": "<id>", "phone": "+14155552671",
               "phone_verified": false, "status": "pending", "user_metadata": null,
               "webauthn": false, "webauthn_types": []})
    );
    // A raw `+` in the query is a plus, as passage-swift sends it.
    let found = auth(&app, Method::GET, "/users?identifier=+14155552671", None).await;
    assert_eq!(found.body, created.body);

    let again = auth(
        &app,
        Method::POST,
        "/users",
        Some(json!({"identifier": "+14155552671"})),
    )
    .await;
    assert_error(&again, 400, "invalid_request", "user: already exists.");
    let bad = auth(
        &app,
        Method::POST,
        "/users",
        Some(json!({"identifier": "not an identifier"})),
    )
    .await;
    assert_error(&bad, 400, "invalid_request", "identifier:");
    let missing = auth(&app, Method::GET, "/users", None).await;
    assert_error(&missing, 400, "invalid_request", "identifier: required");

    app.mgmt(
        Method::PATCH,
        "",
        Some(json!({"public_signup": false, "allowed_identifier": "email"})),
    )
    .await;
    let closed = auth(
        &app,
        Method::POST,
        "/users",
        Some(json!({"identifier": "new@example.com"})),
    )
    .await;
    assert_error(&closed, 403, "operation_not_allowed", "sign-up");
    let phone = auth(&app, Method::GET, "/users?identifier=%2B14155552671", None).await;
    assert_error(&phone, 400, "invalid_request", "only email identifiers");
}

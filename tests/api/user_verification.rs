//! An update clears the verification of the identifier it changes, and only of that one: the
//! emulator updates only the columns a request names, so each case is its own statement.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{APP_ID, TestApp, spawn_app};

/// Verifies the user's email or phone the way a login does: a Management magic link on that
/// channel, activated by the Auth API.
async fn verify(app: &TestApp, user_id: &str, channel: &str) {
    let body = json!({"user_id": user_id, "type": "login", "send": false, "channel": channel});
    let link = app.mgmt(Method::POST, "/magic-links", Some(body)).await;
    assert_eq!(link.status, StatusCode::CREATED, "{}", link.text);
    let activate = json!({"magic_link": link.body["magic_link"]["secret"]});
    let path = format!("/auth/v1/apps/{APP_ID}/magic-link/activate");
    let activated = app.send(Method::PATCH, &path, None, Some(&activate)).await;
    assert_eq!(activated.status, StatusCode::OK, "{}", activated.text);
}

/// PATCHes the user; returns [email, email_verified, phone, phone_verified, status].
async fn update(app: &TestApp, user_id: &str, body: Value) -> Value {
    let reply = app
        .mgmt(Method::PATCH, &format!("/users/{user_id}"), Some(body))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let user = &reply.body["user"];
    json!([
        user["email"],
        user["email_verified"],
        user["phone"],
        user["phone_verified"],
        user["status"]
    ])
}

#[tokio::test]
async fn changing_an_identifier_clears_its_verification_only() {
    let app = spawn_app().await;
    let user = app
        .create_user(json!({"email": "ada@example.com", "phone": "+14155552671"}))
        .await;
    let id = user["id"].as_str().unwrap();
    verify(&app, id, "email").await;
    verify(&app, id, "phone").await;

    // Metadata alone, and the same identifiers again, change no verification.
    let both = json!(["ada@example.com", true, "+14155552671", true, "active"]);
    assert_eq!(update(&app, id, json!({"user_metadata": {}})).await, both);
    let same = json!({"email": "ada@example.com", "phone": "+14155552671"});
    assert_eq!(update(&app, id, same).await, both);

    let email = json!({"email": "grace@example.com"});
    let expected = json!(["grace@example.com", false, "+14155552671", true, "active"]);
    assert_eq!(update(&app, id, email).await, expected);

    let phone = json!({"phone": "+442079460958"});
    let expected = json!(["grace@example.com", false, "+442079460958", false, "active"]);
    assert_eq!(update(&app, id, phone).await, expected);

    // A verified email stays verified when the phone changes.
    verify(&app, id, "email").await;
    let phone = json!({"phone": "+14155552671"});
    let expected = json!(["grace@example.com", true, "+14155552671", false, "active"]);
    assert_eq!(update(&app, id, phone).await, expected);
}

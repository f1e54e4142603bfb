//! Bad input of every kind gets a 4xx in Passage's shape, never a panic or a 500.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;

async fn post_raw(app: &TestApp, path: &str, body: impl Into<reqwest::Body>) -> Reply {
    let response = app
        .client
        .post(format!("{}/api/v1/apps/{APP_ID}{path}", app.base))
        .bearer_auth(API_KEY)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    reply(response).await
}

#[tokio::test]
async fn malformed_json_is_invalid_request() {
    let app = spawn_app().await;
    for body in [
        "{",
        "{\"email\": }",
        "[1,",
        "\u{0}",
        "{\"email\": \"a@b.co\"} trailing",
    ] {
        let reply = post_raw(&app, "/users", body).await;
        assert_error(&reply, 400, "invalid_request", "not valid JSON");
    }
    for body in ["[]", "\"text\"", "null", "3"] {
        let reply = post_raw(&app, "/users", body).await;
        assert_error(
            &reply,
            400,
            "invalid_request",
            "The request body must be a JSON object.",
        );
    }
}

#[tokio::test]
async fn a_body_without_content_type_is_still_read() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/api/v1/apps/{APP_ID}/users", app.base))
        .bearer_auth(API_KEY)
        .body(r#"{"email": "curl@example.com"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = spawn_app().await;
    let huge = format!(
        "{{\"email\": \"a@b.co\", \"user_metadata\": {{\"x\": \"{}\"}}}}",
        "y".repeat(300 * 1024)
    );
    let reply = post_raw(&app, "/users", huge).await;
    assert_error(
        &reply,
        400,
        "invalid_request",
        "Cannot read the request body",
    );
}

#[tokio::test]
async fn invalid_utf8_in_paths_and_queries_is_handled() {
    let app = spawn_app().await;
    let reply = app.mgmt(Method::GET, "/users/%FF%FE", None).await;
    assert_eq!(reply.status.as_u16() / 100, 4, "{}", reply.text);
    assert!(reply.body["code"].is_string());
    let reply = app
        .mgmt(Method::GET, "/users?identifier=%FF&limit=%FF", None)
        .await;
    assert_error(&reply, 400, "invalid_request", "limit");
    let long_id = "a".repeat(5000);
    let reply = app
        .mgmt(Method::GET, &format!("/users/{long_id}"), None)
        .await;
    assert_error(&reply, 404, "user_not_found", "User not found.");
}

#[tokio::test]
async fn wrong_json_types_name_the_field() {
    let app = spawn_app().await;
    let cases = [
        (json!({"email": true}), "email: invalid type: boolean"),
        (
            json!({"phone": 4155552671u64}),
            "phone: invalid type: integer",
        ),
        (
            json!({"email": "a@b.co", "user_metadata": [1]}),
            "user_metadata: invalid type: sequence",
        ),
    ];
    for (body, message) in cases {
        let reply = app.mgmt(Method::POST, "/users", Some(body)).await;
        assert_error(&reply, 400, "invalid_request", message);
    }
}

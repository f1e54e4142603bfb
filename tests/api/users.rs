//! Management users: create, get, update, delete, activate, deactivate, and who may call.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;

fn new_user(email: &str, phone: &str, metadata: Value) -> Value {
    json!({
        "created_at": "<time>",
        "email": email,
        "email_verified": false,
        "external_id": "",
        "id": "<id>",
        "last_login_at": "0001-01-01T00:00:00Z",
        "login_count": 0,
        "phone": phone,
        "phone_verified": false,
        "recent_events": [],
        "social_connections": {},
        "status": "active",
        "updated_at": "<time>",
        "user_metadata": metadata,
        "webauthn": false,
        "webauthn_devices": [],
        "webauthn_types": []
    })
}

#[tokio::test]
async fn create_user_answers_201_with_a_full_user_info() {
    let app = spawn_app().await;
    let reply = app
        .mgmt(
            Method::POST,
            "/users",
            Some(json!({"email": " Ada@Example.COM ", "phone": "+1 (415) 555-2671"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.body.as_object().unwrap().len(), 1);
    let user = redact_user(reply.body["user"].clone());
    assert_eq!(
        user,
        new_user("ada@example.com", "+14155552671", Value::Null)
    );
    assert_eq!(
        reply.body["user"]["created_at"],
        reply.body["user"]["updated_at"]
    );
}

#[tokio::test]
async fn create_user_needs_a_valid_identifier() {
    let app = spawn_app().await;
    let cases = [
        (json!({}), "email or phone is required."),
        (
            json!({"email": "", "phone": ""}),
            "email or phone is required.",
        ),
        (
            json!({"email": "not-an-email"}),
            "email: `not-an-email` is not a valid email address",
        ),
        (
            json!({"phone": "4155552671"}),
            "phone: `4155552671` is not a valid phone number",
        ),
        (
            json!({"phone": "+1555"}),
            "phone: `+1555` is not a valid phone number",
        ),
        (
            json!({"email": ["a@b.c"]}),
            "email: invalid type: sequence, expected a string",
        ),
        (
            json!({"email": "a@example.com", "user_metadata": "plan"}),
            "user_metadata: invalid type",
        ),
        (
            json!({"email": "a@example.com", "user_metadata": {"plan": "pro"}}),
            "user_metadata.plan: unknown field",
        ),
    ];
    for (body, message) in cases {
        let reply = app.mgmt(Method::POST, "/users", Some(body)).await;
        assert_error(&reply, 400, "invalid_request", message);
    }
}

#[tokio::test]
async fn identifiers_are_unique_per_app() {
    let app = spawn_app().await;
    app.create_user(json!({"email": "ada@example.com", "phone": "+14155552671"}))
        .await;
    for body in [
        json!({"email": "ADA@example.com"}),
        json!({"phone": "+1 415 555 2671"}),
    ] {
        let reply = app.mgmt(Method::POST, "/users", Some(body)).await;
        assert_error(&reply, 400, "invalid_request", "user: already exists.");
    }
    let other = app.create_user(json!({"email": "bob@example.com"})).await;
    let path = format!("/users/{}", other["id"].as_str().unwrap());
    let reply = app
        .mgmt(
            Method::PATCH,
            &path,
            Some(json!({"email": "ada@example.com"})),
        )
        .await;
    assert_error(&reply, 400, "invalid_request", "user: already exists.");
}

#[tokio::test]
async fn get_user_returns_what_create_returned() {
    let app = spawn_app().await;
    let created = app.create_user(json!({"email": "ada@example.com"})).await;
    let id = created["id"].as_str().unwrap();
    let reply = app.mgmt(Method::GET, &format!("/users/{id}"), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, json!({"user": created}));
}

#[tokio::test]
async fn unknown_and_malformed_user_ids_are_user_not_found() {
    let app = spawn_app().await;
    for id in ["noSuchUser00000000000000", "bad%20id", "x!y"] {
        for method in [Method::GET, Method::PATCH, Method::DELETE] {
            let reply = app
                .mgmt(method.clone(), &format!("/users/{id}"), Some(json!({})))
                .await;
            assert_error(&reply, 404, "user_not_found", "User not found.");
        }
        for action in ["activate", "deactivate"] {
            let reply = app
                .mgmt(Method::PATCH, &format!("/users/{id}/{action}"), None)
                .await;
            assert_error(&reply, 404, "user_not_found", "User not found.");
        }
    }
}

#[tokio::test]
async fn update_user_changes_identifiers_and_merges_metadata() {
    let app = spawn_app().await;
    let fields = json!([
        {"friendly_name": "Plan", "type": "string", "profile": true, "registration": true},
        {"friendly_name": "Seats", "type": "integer", "profile": true, "registration": false}
    ]);
    let schema = app.mgmt(Method::POST, "/user-metadata", Some(fields)).await;
    assert_eq!(schema.status, StatusCode::OK, "{}", schema.text);

    let created = app
        .create_user(
            json!({"email": "ada@example.com", "user_metadata": {"plan": "free", "seats": 1}}),
        )
        .await;
    let path = format!("/users/{}", created["id"].as_str().unwrap());
    let reply = app
        .mgmt(
            Method::PATCH,
            &path,
            Some(json!({"phone": "+442079460958", "user_metadata": {"plan": "pro"}})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let user = redact_user(reply.body["user"].clone());
    assert_eq!(
        user,
        new_user(
            "ada@example.com",
            "+442079460958",
            json!({"plan": "pro", "seats": 1})
        )
    );

    // `null` removes a field; Go's client sends "" for unset strings, which changes nothing.
    let reply = app
        .mgmt(
            Method::PATCH,
            &path,
            Some(json!({"email": "", "phone": "", "user_metadata": {"seats": null}})),
        )
        .await;
    let user = redact_user(reply.body["user"].clone());
    assert_eq!(
        user,
        new_user("ada@example.com", "+442079460958", json!({"plan": "pro"}))
    );

    let reply = app
        .mgmt(
            Method::PATCH,
            &path,
            Some(json!({"user_metadata": {"seats": "many"}})),
        )
        .await;
    assert_error(
        &reply,
        400,
        "invalid_request",
        "user_metadata.seats: expected a value of type integer",
    );
    let reply = app
        .mgmt(Method::PATCH, &path, Some(json!({"email": "nope"})))
        .await;
    assert_error(
        &reply,
        400,
        "invalid_request",
        "email: `nope` is not a valid email address",
    );
}

#[tokio::test]
async fn deactivate_and_activate_toggle_status() {
    let app = spawn_app().await;
    let created = app.create_user(json!({"email": "ada@example.com"})).await;
    let id = created["id"].as_str().unwrap();
    // No body, as passage-python and passage-node send it.
    let reply = app
        .mgmt(Method::PATCH, &format!("/users/{id}/deactivate"), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.body["user"]["status"], json!("inactive"));
    let reply = app
        .mgmt(Method::PATCH, &format!("/users/{id}/activate"), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["user"]["status"], json!("active"));
    let mut user = reply.body["user"].clone();
    user["status"] = json!("active");
    user["updated_at"] = created["updated_at"].clone();
    assert_eq!(user, created);
}

#[tokio::test]
async fn delete_user_answers_200_with_an_empty_body() {
    let app = spawn_app().await;
    let created = app.create_user(json!({"email": "ada@example.com"})).await;
    let path = format!("/users/{}", created["id"].as_str().unwrap());
    let reply = app.mgmt(Method::DELETE, &path, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text, "");
    let reply = app.mgmt(Method::GET, &path, None).await;
    assert_error(&reply, 404, "user_not_found", "User not found.");
    // The identifier is free again.
    app.create_user(json!({"email": "ada@example.com"})).await;
}

#[tokio::test]
async fn every_user_endpoint_needs_the_apps_key() {
    let app = spawn_app().await;
    let created = app.create_user(json!({"email": "ada@example.com"})).await;
    let id = created["id"].as_str().unwrap();
    let base = format!("/api/v1/apps/{APP_ID}");
    let calls = [
        (Method::GET, format!("{base}/users")),
        (Method::POST, format!("{base}/users")),
        (Method::GET, format!("{base}/users/{id}")),
        (Method::PATCH, format!("{base}/users/{id}")),
        (Method::DELETE, format!("{base}/users/{id}")),
        (Method::PATCH, format!("{base}/users/{id}/activate")),
        (Method::PATCH, format!("{base}/users/{id}/deactivate")),
        (Method::GET, format!("{base}/users/{id}/devices")),
        (
            Method::DELETE,
            format!("{base}/users/{id}/devices/someDevice"),
        ),
    ];
    for (method, path) in calls {
        let missing = app
            .send(method.clone(), &path, None, Some(&json!({})))
            .await;
        assert_error(&missing, 401, "invalid_access_token", "Missing API key");
        let wrong = app
            .send(method.clone(), &path, Some("not-the-key"), Some(&json!({})))
            .await;
        assert_error(&wrong, 401, "invalid_access_token", "not valid");
        let basic = app
            .client
            .request(method, format!("{}{path}", app.base))
            .basic_auth("user", Some(API_KEY))
            .send()
            .await
            .unwrap();
        assert_error(
            &reply(basic).await,
            401,
            "invalid_access_token",
            "Missing API key",
        );
    }
    // The user survived all of that.
    let reply = app.mgmt(Method::GET, &format!("/users/{id}"), None).await;
    assert_eq!(reply.body["user"], created);
}

#[tokio::test]
async fn the_admin_key_opens_any_apps_management_api() {
    let app = spawn_app().await;
    let body = json!({"email": "root@example.com"});
    let path = format!("/api/v1/apps/{APP_ID}/users");
    let reply = app
        .send(Method::POST, &path, Some(ADMIN_KEY), Some(&body))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
}

#[tokio::test]
async fn reads_after_writes_are_fresh() {
    // GET user is served from memory once read; every write must show in the next read.
    let app = spawn_app().await;
    let created = app.create_user(json!({"email": "ada@example.com"})).await;
    let path = format!("/users/{}", created["id"].as_str().unwrap());
    for _ in 0..2 {
        assert_eq!(
            app.mgmt(Method::GET, &path, None).await.body["user"],
            created
        );
    }
    app.mgmt(Method::PATCH, &format!("{path}/deactivate"), None)
        .await;
    let read = app.mgmt(Method::GET, &path, None).await;
    assert_eq!(read.body["user"]["status"], json!("inactive"));
    app.mgmt(Method::PATCH, &path, Some(json!({"phone": "+14155552671"})))
        .await;
    let read = app.mgmt(Method::GET, &path, None).await;
    assert_eq!(read.body["user"]["phone"], json!("+14155552671"));
    app.mgmt(Method::DELETE, &path, None).await;
    let read = app.mgmt(Method::GET, &path, None).await;
    assert_error(&read, 404, "user_not_found", "User not found.");
    // A user of one app is not found under another, cached or not.
    let other = app
        .send(
            Method::POST,
            "/api/v1/apps",
            Some(ADMIN_KEY),
            Some(&json!({"name": "Other"})),
        )
        .await;
    let other = other.body["app"]["id"].as_str().unwrap().to_owned();
    let user = app.create_user(json!({"email": "bob@example.com"})).await;
    let id = user["id"].as_str().unwrap();
    assert_eq!(
        app.mgmt(Method::GET, &format!("/users/{id}"), None)
            .await
            .status,
        StatusCode::OK
    );
    let foreign = app
        .send(
            Method::GET,
            &format!("/api/v1/apps/{other}/users/{id}"),
            Some(ADMIN_KEY),
            None,
        )
        .await;
    assert_error(&foreign, 404, "user_not_found", "User not found.");
}

/// Fictional test numbers (555-01xx, Ofcom's drama range) are users' phones like any other.
#[tokio::test]
async fn fictional_phone_numbers_are_accepted() {
    let app = spawn_app().await;
    for (phone, stored) in [
        ("+15555550123", "+15555550123"),
        ("+44 7700 900123", "+447700900123"),
    ] {
        let user = app.create_user(json!({ "phone": phone })).await;
        assert_eq!(user["phone"], stored);
    }
    let refused = app
        .mgmt(Method::POST, "/users", Some(json!({"phone": "+1555555"})))
        .await;
    assert_error(&refused, 400, "invalid_request", "E.164");
    app.stop().await;
}

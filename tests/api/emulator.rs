//! The emulator API: clock and reset.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;

fn seconds_from_now(text: &str) -> i64 {
    let at =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap();
    (at - time::OffsetDateTime::now_utc()).whole_seconds()
}

#[tokio::test]
async fn the_clock_moves_and_comes_back() {
    let app = spawn_app().await;
    let read = app.send(Method::GET, "/_emulator/clock", None, None).await;
    assert_eq!(read.body["offset_seconds"], json!(0));
    assert!(seconds_from_now(read.body["now"].as_str().unwrap()).abs() <= 1);

    let moved = app
        .send(
            Method::POST,
            "/_emulator/clock",
            None,
            Some(&json!({"advance_seconds": 86400})),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK);
    assert_eq!(moved.body["offset_seconds"], json!(86400));
    // Everything the emulator writes uses the moved clock.
    let user = app.create_user(json!({"email": "later@example.com"})).await;
    assert!((seconds_from_now(user["created_at"].as_str().unwrap()) - 86400).abs() <= 2);

    let set = app
        .send(
            Method::POST,
            "/_emulator/clock",
            None,
            Some(&json!({"now": "2030-06-01T12:00:00Z"})),
        )
        .await;
    assert!(
        set.body["now"]
            .as_str()
            .unwrap()
            .starts_with("2030-06-01T12:00:0"),
        "{}",
        set.text
    );

    let back = app
        .send(Method::DELETE, "/_emulator/clock", None, None)
        .await;
    assert_eq!(back.body["offset_seconds"], json!(0));

    for body in [
        json!({}),
        json!({"advance_seconds": 1, "now": "2030-01-01T00:00:00Z"}),
        json!({"now": "tomorrow"}),
        json!({"advance": 5}),
    ] {
        let reply = app
            .send(Method::POST, "/_emulator/clock", None, Some(&body))
            .await;
        assert_error(&reply, 400, "invalid_request", "");
    }
}

#[tokio::test]
async fn reset_forgets_users_but_keeps_apps() {
    let app = spawn_with_fixture("shop.json").await;
    let shop = "/api/v1/apps/shopapp00000000000000001";
    let key = Some("shop-api-key-0001");
    let created = app
        .send(
            Method::POST,
            "/api/v1/apps",
            Some(ADMIN_KEY),
            Some(&json!({"name": "Other"})),
        )
        .await;
    let other = created.body["app"]["id"].as_str().unwrap().to_owned();
    let other_users = format!("/api/v1/apps/{other}/users");
    let body = json!({"email": "kept@example.com"});
    app.send(Method::POST, &other_users, Some(ADMIN_KEY), Some(&body))
        .await;

    let reply = app
        .send(
            Method::POST,
            "/_emulator/reset?app_id=shopapp00000000000000001",
            None,
            None,
        )
        .await;
    assert_eq!(reply.body, json!({"users": 4}));
    let listed = app
        .send(Method::GET, &format!("{shop}/users"), key, None)
        .await;
    assert_eq!(listed.body["total_users"], json!(0));
    let kept = app
        .send(Method::GET, &other_users, Some(ADMIN_KEY), None)
        .await;
    assert_eq!(kept.body["total_users"], json!(1));
    // The app, its key and its schema are still there.
    let schema = app
        .send(
            Method::GET,
            &format!("{shop}/user-metadata"),
            Some(ADMIN_KEY),
            None,
        )
        .await;
    assert_eq!(
        schema.body["user_metadata_schema"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let reply = app.send(Method::POST, "/_emulator/reset", None, None).await;
    assert_eq!(reply.body, json!({"users": 1}));
    let reply = app
        .send(
            Method::POST,
            "/_emulator/reset?app_id=noSuchApp",
            None,
            None,
        )
        .await;
    assert_error(&reply, 404, "app_not_found", "App not found.");
}

/// The built-in default app comes back from reset as it started, even deleted; an app from
/// --fixtures is the user's (fixtures reload it).
#[tokio::test]
async fn reset_restores_the_built_in_default_app() {
    let app = spawn_app().await;
    let renamed = app
        .mgmt(
            Method::PATCH,
            "",
            Some(json!({"name": "Renamed", "session_timeout_length": 60})),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    let deleted = app.mgmt(Method::DELETE, "", None).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.text);
    assert_eq!(
        app.mgmt(Method::GET, "/users", None).await.status,
        StatusCode::NOT_FOUND
    );

    let reset = app.send(Method::POST, "/_emulator/reset", None, None).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);
    let info = app.mgmt(Method::GET, "", None).await;
    assert_eq!(info.status, StatusCode::OK, "{}", info.text);
    assert_eq!(info.body["app"]["name"], "Passage Emulator Default App");
    assert_eq!(info.body["app"]["session_timeout_length"], 3600);
    // Its fixture key works again.
    assert_eq!(
        app.mgmt(Method::GET, "/users", None).await.status,
        StatusCode::OK
    );
    app.stop().await;
}

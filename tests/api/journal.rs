//! The request journal: what is recorded, how it is filtered, bounded, redacted and streamed.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::{
    ADMIN_KEY, API_KEY, APP_ID, TestApp, assert_error, redact_time, spawn_app, spawn_with,
};
use super::inbox_wait::next_event;
use super::session_helpers::auth;
use passage_emulator::config::Config;

async fn requests(app: &TestApp, query: &str) -> Vec<Value> {
    let reply = app
        .send(
            Method::GET,
            &format!("/_emulator/requests{query}"),
            None,
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["requests"].as_array().unwrap().clone()
}

/// An entry with its volatile fields checked and replaced.
fn settled(mut entry: Value) -> Value {
    redact_time(&mut entry, "time");
    assert!(entry["duration_ms"].as_f64().unwrap() >= 0.0);
    entry["duration_ms"] = json!("<ms>");
    let id = entry["id"].as_str().unwrap();
    assert!(id.starts_with("req_"), "{id}");
    entry["id"] = json!("<id>");
    entry
}

#[tokio::test]
async fn passage_calls_are_recorded_with_their_bodies_and_error_codes() {
    let app = spawn_app().await;
    app.create_user(json!({"email": "ada@example.com"})).await;
    let reply = auth(
        &app,
        Method::POST,
        "/otp/activate?lang=en",
        Some(json!({"otp": "000000", "otp_id": "nope"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    // The emulator's own reads are not journaled.
    app.send(Method::GET, "/_emulator/inbox", None, None).await;

    let entries = requests(&app, "").await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(
        settled(entries[0].clone()),
        json!({
            "id": "<id>",
            "time": "<time>",
            "method": "POST",
            "path": format!("/auth/v1/apps/{APP_ID}/otp/activate"),
            "query": "lang=en",
            "status": 400,
            "code": "invalid_request",
            "duration_ms": "<ms>",
            "api": "auth",
            "app_id": APP_ID,
            "user_agent": null,
            "request_body": {"otp": "000000", "otp_id": "nope"},
            "request_body_truncated": false,
            "response_body": reply.body,
            "response_body_truncated": false,
            "fault": null,
        })
    );
    let created = &entries[1];
    assert_eq!(
        (
            &created["method"],
            &created["path"],
            &created["status"],
            &created["code"],
            &created["api"]
        ),
        (
            &json!("POST"),
            &json!(format!("/api/v1/apps/{APP_ID}/users")),
            &json!(201),
            &Value::Null,
            &json!("management")
        )
    );
    assert_eq!(created["request_body"], json!({"email": "ada@example.com"}));
    assert_eq!(created["response_body"]["user"]["email"], "ada@example.com");
    // The Authorization header is never kept.
    assert!(!created.to_string().contains(API_KEY), "{created}");

    // One entry by id; an unknown id is a 404.
    let id = entries[0]["id"].as_str().unwrap();
    let one = app
        .send(
            Method::GET,
            &format!("/_emulator/requests/{id}"),
            None,
            None,
        )
        .await;
    assert_eq!(one.body, entries[0]);
    let missing = app
        .send(Method::GET, "/_emulator/requests/req_999999", None, None)
        .await;
    assert_error(&missing, 404, "request_not_found", "req_999999");
    app.stop().await;
}

#[tokio::test]
async fn filters_narrow_the_listing_and_bad_ones_are_refused() {
    let app = spawn_app().await;
    app.create_user(json!({"email": "ada@example.com"})).await;
    app.mgmt(Method::GET, "/users/nobody0000000000000000", None)
        .await;
    auth(
        &app,
        Method::POST,
        "/login/otp",
        Some(json!({"identifier": "ada@example.com"})),
    )
    .await;
    let count = |entries: Vec<Value>| entries.len();
    assert_eq!(count(requests(&app, "?api=management").await), 2);
    assert_eq!(count(requests(&app, "?api=auth").await), 1);
    assert_eq!(count(requests(&app, "?method=get").await), 1);
    assert_eq!(count(requests(&app, "?status=404").await), 1);
    assert_eq!(count(requests(&app, "?status=2xx").await), 2);
    assert_eq!(count(requests(&app, "?path=login").await), 1);
    assert_eq!(count(requests(&app, &format!("?app_id={APP_ID}")).await), 3);
    assert_eq!(count(requests(&app, "?app_id=otherapp").await), 0);
    let newest = requests(&app, "?limit=1").await;
    assert_eq!(newest.len(), 1);
    assert_eq!(
        newest[0]["path"],
        format!("/auth/v1/apps/{APP_ID}/login/otp")
    );
    for (query, message) in [
        ("?status=abc", "status: `abc`"),
        ("?status=600", "status: `600`"),
        ("?api=console", "api: `console`"),
        ("?limit=0", "limit: `0`"),
    ] {
        let reply = app
            .send(
                Method::GET,
                &format!("/_emulator/requests{query}"),
                None,
                None,
            )
            .await;
        assert_error(&reply, 400, "invalid_request", message);
    }
    app.stop().await;
}

#[tokio::test]
async fn host_routed_calls_are_named_as_the_emulator_names_them() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/v1/apps/{APP_ID}/users?limit=1", app.base))
        .header("host", "api.passage.id")
        .header("user-agent", "passage-node/2.12.1")
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let entries = requests(&app, "").await;
    assert_eq!(entries[0]["path"], format!("/api/v1/apps/{APP_ID}/users"));
    assert_eq!(entries[0]["query"], "limit=1");
    assert_eq!(entries[0]["user_agent"], "passage-node/2.12.1");
    app.stop().await;
}

#[tokio::test]
async fn state_changing_emulator_calls_are_kept_and_reset_keeps_the_journal() {
    let app = spawn_app().await;
    app.advance_clock(60).await;
    app.send(Method::GET, "/_emulator/clock", None, None).await;
    app.send(
        Method::POST,
        "/_emulator/fixtures",
        None,
        Some(&json!({"apps": []})),
    )
    .await;
    app.send(Method::POST, "/_emulator/reset", None, None).await;
    let paths: Vec<Value> = requests(&app, "?api=emulator")
        .await
        .iter()
        .map(|entry| entry["path"].clone())
        .collect();
    assert_eq!(
        paths,
        [
            json!("/_emulator/reset"),
            json!("/_emulator/fixtures"),
            json!("/_emulator/clock")
        ]
    );
    // ?journal=true clears it too (the reset itself is recorded after).
    app.send(Method::POST, "/_emulator/reset?journal=true", None, None)
        .await;
    assert_eq!(requests(&app, "").await.len(), 1);
    let cleared = app
        .send(Method::DELETE, "/_emulator/requests", None, None)
        .await;
    assert_eq!(cleared.body, json!({"deleted": 1}));
    assert!(requests(&app, "").await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn large_bodies_are_cut_and_flagged() {
    let app = spawn_app().await;
    let big = json!({"identifier": "x".repeat(100 * 1024)});
    auth(&app, Method::POST, "/login/otp", Some(big.clone())).await;
    let entry = &requests(&app, "").await[0];
    assert_eq!(entry["request_body_truncated"], true);
    let text = entry["request_body"].as_str().expect("a cut body is text");
    assert_eq!(text.len(), 64 * 1024);
    assert!(text.starts_with("{\"identifier\":\"xxx"));
    app.stop().await;
}

#[tokio::test]
async fn redaction_masks_secrets_and_size_zero_turns_the_journal_off() {
    let app = spawn_with(Config {
        journal_redact: true,
        ..Config::ephemeral()
    })
    .await;
    let created = app
        .send(
            Method::POST,
            &format!("/api/v1/apps/{APP_ID}/api-keys"),
            Some(ADMIN_KEY),
            Some(&json!({"name": "ci"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let entry = &requests(&app, "").await[0];
    let kept = &entry["response_body"]["api_key"];
    assert_eq!(kept["plaintext_key"], "[redacted]");
    assert_eq!(kept["key_prefix"], created.body["api_key"]["key_prefix"]);
    auth(
        &app,
        Method::POST,
        "/login/otp",
        Some(json!({"identifier": "nobody@example.com"})),
    )
    .await;
    let otp = auth(
        &app,
        Method::POST,
        "/otp/activate",
        Some(json!({"otp": "123456", "otp_id": "nope"})),
    )
    .await;
    assert_eq!(otp.status, StatusCode::BAD_REQUEST);
    let entry = &requests(&app, "").await[0];
    assert_eq!(
        entry["request_body"],
        json!({"otp": "[redacted]", "otp_id": "nope"})
    );
    assert_eq!(entry["code"], "invalid_request", "error codes stay");
    app.stop().await;

    let app = spawn_with(Config {
        journal_size: 0,
        ..Config::ephemeral()
    })
    .await;
    app.create_user(json!({"email": "ada@example.com"})).await;
    assert!(requests(&app, "").await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn the_stream_pushes_each_entry_as_it_completes() {
    let app = spawn_app().await;
    let mut response = app
        .client
        .get(format!("{}/_emulator/requests/stream?api=auth", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    app.create_user(json!({"email": "ada@example.com"})).await;
    auth(
        &app,
        Method::POST,
        "/login/otp",
        Some(json!({"identifier": "ada@example.com"})),
    )
    .await;
    let mut buffer = String::new();
    let (block, event) = next_event(&mut response, &mut buffer).await;
    assert!(block.contains("event: request\n"), "{block}");
    assert_eq!(event["path"], format!("/auth/v1/apps/{APP_ID}/login/otp"));
    assert_eq!(event["status"], 201);
    app.stop().await;
}

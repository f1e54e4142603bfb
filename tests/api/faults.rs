//! Fault injection: `/_emulator/faults` makes matching Passage API calls fail on purpose;
//! `--latency` slows every answer.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::{API_KEY, APP_ID, TestApp, assert_error, spawn_app, spawn_with};
use passage_emulator::config::Config;

async fn add(app: &TestApp, fault: Value) -> Value {
    let reply = app
        .send(Method::POST, "/_emulator/faults", None, Some(&fault))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body["fault"].clone()
}

async fn login_otp(app: &TestApp) -> reqwest::Result<reqwest::Response> {
    app.client
        .post(format!("{}/auth/v1/apps/{APP_ID}/login/otp", app.base))
        .json(&json!({"identifier": "nobody@example.com"}))
        .send()
        .await
}

async fn faults(app: &TestApp) -> Vec<Value> {
    let reply = app.send(Method::GET, "/_emulator/faults", None, None).await;
    reply.body["faults"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_fault_answers_its_status_once_and_is_journaled() {
    let app = spawn_app().await;
    let mut fault = add(
        &app,
        json!({"method": "POST", "path": "/auth/v1/apps/*/login/otp", "status": 503}),
    )
    .await;
    let id = fault["id"].as_str().unwrap().to_owned();
    fault["id"] = json!("<id>");
    assert_eq!(
        fault,
        json!({
            "id": "<id>", "method": "POST", "path": "/auth/v1/apps/*/login/otp", "app_id": null,
            "status": 503, "body": null, "delay_ms": 0, "drop": false, "times": 1, "after": 0,
            "remaining": 1,
        })
    );
    let injected = login_otp(&app).await.unwrap();
    assert_eq!(injected.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        injected.json::<Value>().await.unwrap(),
        json!({"code": "internal_server_error", "error": "fault injected by the emulator"})
    );
    // Its one time is spent: the next call is the emulator's own answer, and the fault is gone.
    assert_eq!(
        login_otp(&app).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert!(faults(&app).await.is_empty());
    let journal = app
        .send(Method::GET, "/_emulator/requests", None, None)
        .await;
    let entries = journal.body["requests"].as_array().unwrap();
    assert_eq!(entries[1]["fault"], json!(id));
    assert_eq!(entries[1]["status"], 503);
    assert_eq!(entries[0]["fault"], Value::Null);
    app.stop().await;
}

#[tokio::test]
async fn drop_closes_the_connection_and_delay_serves_late() {
    let app = spawn_app().await;
    let dropped = add(&app, json!({"path": "/auth/v1/**", "drop": true})).await;
    let error = login_otp(&app).await.expect_err("no answer");
    assert!(!error.is_status(), "{error}");
    let journal = app
        .send(Method::GET, "/_emulator/requests?limit=1", None, None)
        .await;
    assert_eq!(journal.body["requests"][0]["status"], 0);
    assert_eq!(journal.body["requests"][0]["fault"], dropped["id"]);

    add(
        &app,
        json!({"path": "/auth/v1/apps/*/login/otp", "delay_ms": 300}),
    )
    .await;
    let started = Instant::now();
    let served = login_otp(&app).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(
        served.status(),
        StatusCode::NOT_FOUND,
        "served as usual after the delay"
    );
    app.stop().await;
}

#[tokio::test]
async fn after_times_method_app_and_host_routing_narrow_a_fault() {
    let app = spawn_app().await;
    add(
        &app,
        json!({"path": "/api/v1/apps/*/users", "app_id": APP_ID, "method": "get",
                     "status": 401, "after": 2, "times": 2}),
    )
    .await;
    let list = || async {
        app.client
            .get(format!("{}/v1/apps/{APP_ID}/users", app.base))
            .header("host", "api.passage.id")
            .bearer_auth(API_KEY)
            .send()
            .await
            .unwrap()
    };
    assert_eq!(list().await.status(), StatusCode::OK);
    assert_eq!(list().await.status(), StatusCode::OK);
    let refused = list().await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["code"],
        "invalid_access_token"
    );
    assert_eq!(faults(&app).await[0]["remaining"], 1);
    // Another method or app is not matched.
    let created = app
        .mgmt(
            Method::POST,
            "/users",
            Some(json!({"email": "ada@example.com"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(list().await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(list().await.status(), StatusCode::OK);

    // A custom body, and null times: every call until removed.
    let forever = add(
        &app,
        json!({"path": "/api/v1/**", "status": 429, "body": {"slow": "down"}, "times": null}),
    )
    .await;
    for _ in 0..3 {
        let reply = app.mgmt(Method::GET, "/users", None).await;
        assert_eq!(
            (reply.status.as_u16(), reply.body.clone()),
            (429, json!({"slow": "down"}))
        );
    }
    let id = forever["id"].as_str().unwrap();
    let removed = app
        .send(
            Method::DELETE,
            &format!("/_emulator/faults/{id}"),
            None,
            None,
        )
        .await;
    assert_eq!(removed.body, json!({"deleted": 1}));
    let again = app
        .send(
            Method::DELETE,
            &format!("/_emulator/faults/{id}"),
            None,
            None,
        )
        .await;
    assert_error(&again, 404, "fault_not_found", id);
    assert_eq!(
        app.mgmt(Method::GET, "/users", None).await.status,
        StatusCode::OK
    );
    app.stop().await;
}

#[tokio::test]
async fn reset_and_delete_remove_every_fault() {
    let app = spawn_app().await;
    add(
        &app,
        json!({"path": "/auth/v1/**", "status": 500, "times": null}),
    )
    .await;
    add(
        &app,
        json!({"path": "/api/v1/**", "status": 500, "times": null}),
    )
    .await;
    app.send(Method::POST, "/_emulator/reset", None, None).await;
    assert!(faults(&app).await.is_empty());
    add(&app, json!({"path": "/auth/v1/**", "status": 500})).await;
    let cleared = app
        .send(Method::DELETE, "/_emulator/faults", None, None)
        .await;
    assert_eq!(cleared.body, json!({"deleted": 1}));
    app.stop().await;
}

#[tokio::test]
async fn bad_faults_are_refused_naming_the_field() {
    let app = spawn_app().await;
    for (fault, message) in [
        (
            json!({"path": "/v1/apps/x"}),
            "path: `/v1/apps/x` must start with /api/v1/ or /auth/v1/",
        ),
        (
            json!({"path": "/auth/v1/x", "status": 99}),
            "status: 99 is not between 100 and 599",
        ),
        (
            json!({"path": "/auth/v1/x", "delay_ms": 60001}),
            "delay_ms: 60001 is more than 60000",
        ),
        (
            json!({"path": "/auth/v1/x", "delay_ms": -5}),
            "delay_ms: invalid value",
        ),
        (
            json!({"path": "/auth/v1/x", "times": 0}),
            "times: must be 1 or more",
        ),
        (
            json!({"path": "/auth/v1/x", "colour": "red"}),
            "unknown field `colour`",
        ),
        (json!({"status": 500}), "missing field `path`"),
    ] {
        let reply = app
            .send(Method::POST, "/_emulator/faults", None, Some(&fault))
            .await;
        assert_error(&reply, 400, "invalid_request", message);
    }
    assert!(faults(&app).await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn latency_slows_every_passage_answer_but_not_the_emulators() {
    let app = spawn_with(Config {
        latency: 1500,
        ..Config::ephemeral()
    })
    .await;
    // Both at once: the emulator's own answer comes back while the Passage one is held (an
    // order, not a wall-clock bound, so a busy machine cannot fail it).
    let started = Instant::now();
    let slow = async {
        app.mgmt(Method::GET, "/users", None).await;
        started.elapsed()
    };
    let quick = async {
        app.send(Method::GET, "/_emulator/health", None, None).await;
        started.elapsed()
    };
    let (slow_took, quick_took) = tokio::join!(slow, quick);
    assert!(slow_took >= Duration::from_millis(1500), "{slow_took:?}");
    assert!(
        quick_took < slow_took,
        "health {quick_took:?}, users {slow_took:?}"
    );
    app.stop().await;
}

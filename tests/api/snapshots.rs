//! Snapshots: a restore puts back users, devices, codes, the inbox, virtual authenticators,
//! events, counts and the clock as they were; snapshots survive reset, are listed, replaced
//! and deleted; bad names and unknown snapshots get the emulator's error shape.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::passkey_helpers::*;
use super::session_helpers::*;

async fn emulator(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Reply {
    app.send(method, &format!("/_emulator{path}"), None, body.as_ref())
        .await
}

async fn snapshot(app: &TestApp, name: &str) -> Value {
    let reply = emulator(
        app,
        Method::POST,
        "/snapshots",
        Some(json!({ "name": name })),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let mut body = reply.body;
    redact_time(&mut body["snapshot"], "created_at");
    body
}

async fn restore(app: &TestApp, name: &str) -> Reply {
    emulator(
        app,
        Method::POST,
        &format!("/snapshots/{name}/restore"),
        None,
    )
    .await
}

async fn user_by_email(app: &TestApp, email: &str) -> Value {
    let path = format!("/users?identifier={email}");
    let reply = app.mgmt(Method::GET, &path, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

async fn get(app: &TestApp, path: &str) -> Reply {
    let reply = emulator(app, Method::GET, path, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply
}

#[tokio::test]
async fn a_restore_puts_back_users_devices_codes_inbox_authenticators_events_and_clock() {
    let app = spawn_app().await;
    register(&app, "ada@example.com").await;
    new_authenticator(&app, json!({ "id": "phone" })).await;
    register_passkey(&app, "phone", "grace@example.com").await;
    app.advance_clock(3600).await;
    // A passcode outstanding at the snapshot, sent after the clock moved: still valid when
    // the restored clock is read.
    let (otp_id, code) = login(&app).await;
    let ada_id = user_by_email(&app, "ada@example.com").await["users"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ada = app
        .mgmt(Method::GET, &format!("/users/{ada_id}"), None)
        .await;
    let inbox = get(&app, "/inbox").await.body;
    let phone = get(&app, "/authenticators/phone").await.body;

    let taken = snapshot(&app, "seeded").await;
    assert_eq!(
        taken,
        json!({"snapshot": {"name": "seeded", "created_at": "<time>", "users": 2, "clock_offset_seconds": 3600}})
    );

    // Everything changes, then a reset.
    app.create_user(json!({ "email": "bob@example.com" })).await;
    let deleted = app
        .mgmt(Method::DELETE, &format!("/users/{ada_id}"), None)
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.text);
    emulator(&app, Method::DELETE, "/inbox", None).await;
    emulator(&app, Method::DELETE, "/authenticators/phone", None).await;
    app.advance_clock(600).await;
    let reset = emulator(&app, Method::POST, "/reset", None).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);

    let restored = restore(&app, "seeded").await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.text);
    let mut body = restored.body;
    redact_time(&mut body["snapshot"], "created_at");
    assert_eq!(body, taken);

    let again = app
        .mgmt(Method::GET, &format!("/users/{ada_id}"), None)
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(
        again.body, ada.body,
        "ada with her recent events, as she was"
    );
    assert_eq!(get(&app, "/inbox").await.body, inbox);
    assert_eq!(get(&app, "/authenticators/phone").await.body, phone);
    assert_eq!(get(&app, "/clock").await.body["offset_seconds"], 3600);
    let list = app.mgmt(Method::GET, "/users", None).await;
    assert_eq!(list.body["total_users"], 2, "{}", list.text);
    assert_eq!(
        user_by_email(&app, "bob@example.com").await["total_users"],
        0
    );

    // What was outstanding works: the passcode, and the passkey of the restored authenticator.
    let activated = auth(
        &app,
        Method::POST,
        "/otp/activate",
        Some(json!({ "otp": code, "otp_id": otp_id })),
    )
    .await;
    assert_eq!(activated.status, StatusCode::OK, "{}", activated.text);
    let logged_in = login_passkey(&app, "phone", Some("grace@example.com")).await;
    assert_eq!(logged_in.status, StatusCode::OK, "{}", logged_in.text);

    // Counting goes on from the restored counts.
    app.create_user(json!({ "email": "carol@example.com" }))
        .await;
    let list = app.mgmt(Method::GET, "/users", None).await;
    assert_eq!(list.body["total_users"], 3, "{}", list.text);
}

#[tokio::test]
async fn snapshots_are_listed_replaced_and_deleted() {
    let app = spawn_app().await;
    snapshot(&app, "empty").await;
    app.create_user(json!({ "email": "ada@example.com" })).await;
    snapshot(&app, "one.user_v-1").await;
    let replaced = snapshot(&app, "empty").await;
    assert_eq!(
        replaced["snapshot"]["users"], 1,
        "a snapshot of that name is replaced"
    );

    let mut list = get(&app, "/snapshots").await.body;
    for snapshot in list["snapshots"].as_array_mut().unwrap() {
        redact_time(snapshot, "created_at");
    }
    assert_eq!(
        list,
        json!({"snapshots": [
            {"name": "one.user_v-1", "created_at": "<time>", "users": 1, "clock_offset_seconds": 0},
            {"name": "empty", "created_at": "<time>", "users": 1, "clock_offset_seconds": 0},
        ]})
    );

    let deleted = emulator(&app, Method::DELETE, "/snapshots/empty", None).await;
    assert_eq!(
        (deleted.status, deleted.body),
        (StatusCode::OK, json!({ "deleted": 1 }))
    );
    let gone = restore(&app, "empty").await;
    assert_error(
        &gone,
        404,
        "snapshot_not_found",
        "No snapshot named `empty`",
    );
    let gone = emulator(&app, Method::DELETE, "/snapshots/empty", None).await;
    assert_error(
        &gone,
        404,
        "snapshot_not_found",
        "No snapshot named `empty`",
    );
    assert_eq!(
        get(&app, "/snapshots").await.body["snapshots"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn bad_snapshot_requests_are_refused() {
    let app = spawn_app().await;
    for name in ["", "with space", "../x", &"x".repeat(65)] {
        let reply = emulator(
            &app,
            Method::POST,
            "/snapshots",
            Some(json!({ "name": name })),
        )
        .await;
        assert_error(&reply, 400, "invalid_request", "is not a snapshot name");
    }
    let reply = emulator(
        &app,
        Method::POST,
        "/snapshots",
        Some(json!({ "name": "a", "users": true })),
    )
    .await;
    assert_error(&reply, 400, "invalid_request", "unknown field `users`");
    let reply = emulator(&app, Method::POST, "/snapshots", Some(json!({}))).await;
    assert_error(&reply, 400, "invalid_request", "name");
    assert_eq!(
        get(&app, "/snapshots").await.body,
        json!({ "snapshots": [] })
    );
}

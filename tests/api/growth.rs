//! Nothing grows without bound: the inbox keeps its newest --inbox-size messages, and what
//! expired (handshakes, passcodes, links, ...) is deleted on the emulator's clock.

use passage_emulator::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;
use super::session_helpers::{auth, latest};

#[tokio::test]
async fn the_inbox_keeps_its_newest_messages() {
    let app = spawn_with(Config {
        inbox_size: 5,
        ..Config::ephemeral()
    })
    .await;
    app.create_user(json!({"email": "ada@example.com"})).await;
    for _ in 0..8 {
        let sent = auth(
            &app,
            Method::POST,
            "/login/otp",
            Some(json!({"identifier": "ada@example.com"})),
        )
        .await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
    }
    let inbox = app.send(Method::GET, "/_emulator/inbox", None, None).await;
    assert_eq!(inbox.body["total"], 5);
    let newest = latest(&app, "ada@example.com").await;
    assert_eq!(inbox.body["messages"][0]["id"], newest["id"]);
    app.stop().await;
}

async fn count(database: &std::path::Path, table: &str) -> i64 {
    let url = format!("sqlite://{}", database.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let count: i64 =
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(&pool)
            .await
            .unwrap();
    pool.close().await;
    count
}

#[tokio::test]
async fn expired_rows_are_swept_when_the_clock_moves() {
    let folder = tempfile::tempdir().unwrap();
    let database = folder.path().join("emulator.db");
    let app = spawn_with(Config {
        database: database.display().to_string(),
        ..Config::ephemeral()
    })
    .await;
    app.create_user(json!({"email": "ada@example.com"})).await;
    for _ in 0..3 {
        auth(
            &app,
            Method::POST,
            "/login/otp",
            Some(json!({"identifier": "ada@example.com"})),
        )
        .await;
        auth(
            &app,
            Method::POST,
            "/login/magic-link",
            Some(json!({"identifier": "ada@example.com"})),
        )
        .await;
        auth(
            &app,
            Method::POST,
            "/register/webauthn/start",
            Some(json!({"identifier": "new@example.com"})),
        )
        .await;
    }
    for table in ["otps", "magic_links", "webauthn_handshakes"] {
        assert_eq!(count(&database, table).await, 3, "{table} before");
    }
    // Ten minutes on: the five-minute passcodes and links are past expiry and the grace.
    app.advance_clock(600).await;
    for table in ["otps", "magic_links", "webauthn_handshakes"] {
        assert_eq!(count(&database, table).await, 0, "{table} after");
    }
    assert_eq!(count(&database, "users").await, 2, "users stay");
    app.stop().await;
}

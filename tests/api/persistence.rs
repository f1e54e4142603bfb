//! A file database keeps everything across a graceful restart.

use passage_emulator::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;

#[tokio::test]
async fn data_survives_a_restart_with_a_file_database() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("nested/emulator.db");
    let config = Config {
        database: database.display().to_string(),
        ..Config::ephemeral()
    };

    let first = spawn_with(config.clone()).await;
    let user = first
        .create_user(json!({"email": "kept@example.com"}))
        .await;
    let renamed = first
        .mgmt(Method::PATCH, "", Some(json!({"name": "Kept"})))
        .await;
    assert_eq!(renamed.status, StatusCode::OK);
    first.stop().await;
    assert!(database.exists());

    let second = spawn_with(config).await;
    let id = user["id"].as_str().unwrap();
    let reply = second
        .mgmt(Method::GET, &format!("/users/{id}"), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["user"], user);
    // The default fixture is loaded again on start and restores the fixture's settings.
    let info = second.mgmt(Method::GET, "", None).await;
    assert_eq!(
        info.body["app"]["name"],
        json!("Passage Emulator Default App")
    );
    let listed = second.mgmt(Method::GET, "/users", None).await;
    assert_eq!(listed.body["total_users"], json!(1));
}

/// The database holds the apps' private signing keys: it and its WAL are its owner's only.
#[cfg(unix)]
#[tokio::test]
async fn the_database_and_its_wal_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("private.db");
    let app = spawn_with(Config {
        database: database.display().to_string(),
        ..Config::ephemeral()
    })
    .await;
    app.create_user(serde_json::json!({"email": "ada@example.com"}))
        .await;
    let wal = dir.path().join("private.db-wal");
    for file in [&database, &wal] {
        let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
    app.stop().await;
}

/// Snapshots live in the database file: a restarted emulator restores one taken before.
#[tokio::test]
async fn a_snapshot_survives_a_restart_with_a_file_database() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        database: dir.path().join("snap.db").display().to_string(),
        ..Config::ephemeral()
    };
    let first = spawn_with(config.clone()).await;
    let user = first.create_user(json!({"email": "ada@example.com"})).await;
    let taken = first
        .send(
            Method::POST,
            "/_emulator/snapshots",
            None,
            Some(&json!({"name": "one"})),
        )
        .await;
    assert_eq!(taken.status, StatusCode::CREATED, "{}", taken.text);
    first.stop().await;

    let second = spawn_with(config).await;
    let reset = second
        .send(Method::POST, "/_emulator/reset", None, None)
        .await;
    assert_eq!(reset.body, json!({"users": 1}));
    let restored = second
        .send(Method::POST, "/_emulator/snapshots/one/restore", None, None)
        .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.text);
    let id = user["id"].as_str().unwrap();
    let reply = second
        .mgmt(Method::GET, &format!("/users/{id}"), None)
        .await;
    assert_eq!(reply.body["user"], user);
}

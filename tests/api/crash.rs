//! Killed without warning: SIGKILL during a write loop and during a fixture load, then a
//! restart on the same database. Every write the emulator acknowledged is there, a fixture
//! load is all or nothing, and SQLite's integrity check passes.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::cli::{BINARY, Running, send_signal, wait_for_exit};
use super::helpers::{ADMIN_KEY, APP_ID};

/// Starts the binary on `database`; returns it and its base URL, read from its ready file.
fn start_on(database: &Path, folder: &Path) -> (Running, String) {
    let ready = folder.join(format!("ready-{}.json", rand_suffix()));
    let child = Command::new(BINARY)
        .args(["--listen", "127.0.0.1:0", "--database"])
        .arg(database)
        .arg("--ready-file")
        .arg(&ready)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let running = Running(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(text) = std::fs::read_to_string(&ready)
            && let Ok(value) = serde_json::from_str::<Value>(&text)
        {
            return (running, value["url"].as_str().unwrap().to_owned());
        }
        assert!(Instant::now() < deadline, "the emulator did not start");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

async fn integrity(database: &Path) -> String {
    let url = format!("sqlite://{}", database.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let result: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    result
}

fn kill(mut running: Running) {
    send_signal(&running, "-KILL");
    wait_for_exit(&mut running, Duration::from_secs(10), "SIGKILL");
}

#[tokio::test]
async fn acknowledged_writes_survive_sigkill() {
    let folder = tempfile::tempdir().unwrap();
    let database = folder.path().join("crash.db");
    let (running, base) = start_on(&database, folder.path());
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let client = reqwest::Client::new();
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let (client, base, acknowledged) = (client.clone(), base.clone(), acknowledged.clone());
            tokio::spawn(async move {
                for n in 0.. {
                    let body = json!({ "email": format!("w{writer}n{n}@example.com") });
                    let sent = client
                        .post(format!("{base}/api/v1/apps/{APP_ID}/users"))
                        .bearer_auth(ADMIN_KEY)
                        .json(&body)
                        .send()
                        .await;
                    let Ok(response) = sent else { return };
                    if response.status() != StatusCode::CREATED {
                        return;
                    }
                    let Ok(created) = response.json::<Value>().await else {
                        return;
                    };
                    let id = created["user"]["id"].as_str().unwrap().to_owned();
                    acknowledged.lock().unwrap().push(id);
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(800)).await;
    kill(running);
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 20,
        "only {} writes before the kill",
        acknowledged.len()
    );

    eprintln!(
        "crash test: {} users acknowledged before SIGKILL",
        acknowledged.len()
    );
    let (running, base) = start_on(&database, folder.path());
    for id in &acknowledged {
        let found = client
            .get(format!("{base}/api/v1/apps/{APP_ID}/users/{id}"))
            .bearer_auth(ADMIN_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(
            found.status(),
            StatusCode::OK,
            "acknowledged user {id} is gone"
        );
    }
    kill(running);
    assert_eq!(integrity(&database).await, "ok");
}

#[tokio::test]
async fn a_fixture_load_killed_midway_is_all_or_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let database = folder.path().join("fixtures.db");
    let (running, base) = start_on(&database, folder.path());
    let users: Vec<Value> = (0..5000)
        .map(|n| json!({"id": format!("bulkuser{n:016}"), "email": format!("bulk{n}@example.com")}))
        .collect();
    let fixture = json!({"apps": [{"id": "bulkapp0000000000000001", "settings": {"name": "Bulk"},
        "api_keys": [{"id": "bulkkey", "name": "k", "key": "bulk-key"}], "users": users}]});
    let client = reqwest::Client::new();
    let load = tokio::spawn({
        let (client, base) = (client.clone(), base.clone());
        async move {
            client
                .post(format!("{base}/_emulator/fixtures"))
                .json(&fixture)
                .send()
                .await
                .map(|response| response.status())
        }
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    kill(running);
    let answered = load.await.unwrap();

    let (running, base) = start_on(&database, folder.path());
    let listed = client
        .get(format!(
            "{base}/api/v1/apps/bulkapp0000000000000001/users?limit=1"
        ))
        .bearer_auth(ADMIN_KEY)
        .send()
        .await
        .unwrap();
    let total = match listed.status() {
        StatusCode::NOT_FOUND => 0,
        _ => listed.json::<Value>().await.unwrap()["total_users"]
            .as_i64()
            .unwrap(),
    };
    eprintln!(
        "crash test: fixture load answered {answered:?}; {total} of 5000 users after restart"
    );
    // Acknowledged: all of it; not acknowledged: all or none.
    match answered {
        Ok(status) if status.is_success() => assert_eq!(total, 5000),
        _ => assert!(
            total == 0 || total == 5000,
            "{total} of 5000 users after the kill"
        ),
    }
    kill(running);
    assert_eq!(integrity(&database).await, "ok");
}

//! Many users in a file database, as a CI suite seeds them: a reset removes them and their
//! passcodes while other requests go on, and none of those fails or waits it out.

use std::sync::atomic::{AtomicBool, Ordering};

use passage_emulator::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::session_helpers::auth;

const USERS: usize = 5_000;

#[tokio::test]
async fn requests_during_a_reset_of_many_users_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let default = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/default.json");
    let mut fixture: Value = serde_json::from_str(&std::fs::read_to_string(default).unwrap())
        .expect("the default fixture is JSON");
    let users: Vec<Value> = (0..USERS)
        .map(|n| json!({"id": format!("manyuser{n:016}"), "email": format!("user{n}@example.com")}))
        .collect();
    fixture["apps"][0]["users"] = json!(users);
    let path = dir.path().join("many.json");
    std::fs::write(&path, fixture.to_string()).unwrap();
    let app = spawn_with(Config {
        database: dir.path().join("emulator.db").display().to_string(),
        fixtures: vec![path],
        ..Config::ephemeral()
    })
    .await;
    for n in 0..200 {
        let body = json!({ "identifier": format!("user{n}@example.com") });
        let sent = auth(&app, Method::POST, "/login/otp", Some(body)).await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
    }

    let done = AtomicBool::new(false);
    let reset = async {
        let reply = app.send(Method::POST, "/_emulator/reset", None, None).await;
        done.store(true, Ordering::Release);
        reply
    };
    let meanwhile = async {
        let mut statuses = Vec::new();
        let mut n = 0;
        while !done.load(Ordering::Acquire) {
            let body = json!({ "email": format!("during{n}@example.com") });
            statuses.push(app.mgmt(Method::POST, "/users", Some(body)).await.status);
            statuses.push(app.mgmt(Method::GET, "/users?limit=1", None).await.status);
            n += 1;
        }
        statuses
    };
    let (reset, statuses) = tokio::join!(reset, meanwhile);
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);
    let removed = reset.body["users"].as_u64().unwrap() as usize;
    assert!(removed >= USERS, "{}", reset.text);
    assert!(!statuses.is_empty());
    assert!(
        statuses.iter().all(|status| status.is_success()),
        "{statuses:?}"
    );
    // What the reset left is what was created after it, and the list's total agrees.
    let listed = app.mgmt(Method::GET, "/users?limit=500", None).await;
    let total = listed.body["total_users"].as_u64().unwrap() as usize;
    assert_eq!(listed.body["users"].as_array().unwrap().len(), total);
    assert!(total < statuses.len(), "{total} users after the reset");
}

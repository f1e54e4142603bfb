//! Waiting for mail: long polls on `/inbox/latest` and the SSE stream.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::session_helpers::*;

async fn start_registration(app: &TestApp, identifier: &str) {
    let reply = auth(
        app,
        Method::POST,
        "/register/otp",
        Some(json!({"identifier": identifier})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
}

#[tokio::test]
async fn a_long_poll_answers_as_soon_as_the_message_arrives() {
    let app = spawn_app().await;
    let url = format!(
        "{}/_emulator/inbox/latest?to=ada@example.com&wait=5s",
        app.base
    );
    let poll = tokio::spawn(app.client.get(url).send());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !poll.is_finished(),
        "the poll waits while there is no message"
    );
    start_registration(&app, "ada@example.com").await;
    let sent = Instant::now();
    let response = poll.await.unwrap().unwrap();
    let latency = sent.elapsed();
    // Event-driven, not the end of the 5 s wait: far below it even on a busy machine.
    assert!(
        latency < Duration::from_millis(2500),
        "answered {latency:?} after the message"
    );
    let message = reply(response).await;
    assert_eq!(message.status, StatusCode::OK);
    assert_eq!(message.body["kind"], json!("register_otp"));
}

#[tokio::test]
async fn a_long_poll_ends_with_404_and_after_skips_what_was_seen() {
    let app = spawn_app().await;
    let began = Instant::now();
    let none = app
        .send(
            Method::GET,
            "/_emulator/inbox/latest?to=ada@example.com&wait=300ms",
            None,
            None,
        )
        .await;
    assert!(began.elapsed() >= Duration::from_millis(300));
    assert_error(&none, 404, "message_not_found", "Message not found.");

    start_registration(&app, "ada@example.com").await;
    let first = latest(&app, "ada@example.com").await;
    let id = first["id"].as_str().unwrap();
    let newer = app
        .send(
            Method::GET,
            &format!("/_emulator/inbox/latest?to=ada@example.com&after={id}&wait=200ms"),
            None,
            None,
        )
        .await;
    assert_error(&newer, 404, "message_not_found", "");
    // Another recipient's mail does not answer this poll.
    start_registration(&app, "bob@example.com").await;
    let url = format!(
        "{}/_emulator/inbox/latest?to=ada@example.com&after={id}&wait=5s",
        app.base
    );
    let poll = tokio::spawn(app.client.get(url).send());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let login = auth(
        &app,
        Method::POST,
        "/register/otp",
        Some(json!({"identifier": "ada@example.com"})),
    )
    .await;
    assert_eq!(login.status, StatusCode::CREATED);
    let second = reply(poll.await.unwrap().unwrap()).await;
    assert_eq!(second.body["to"], json!("ada@example.com"));
    assert_ne!(second.body["id"], first["id"]);

    for (query, message) in [("wait=soon", "wait:"), ("after=noSuchMessage", "after:")] {
        let reply = app
            .send(
                Method::GET,
                &format!("/_emulator/inbox/latest?{query}"),
                None,
                None,
            )
            .await;
        assert_error(&reply, 400, "invalid_request", message);
    }
}

/// Reads server-sent events until a complete one (ending in a blank line) carries data;
/// returns its text and its data as JSON.
pub(super) async fn next_event(
    response: &mut reqwest::Response,
    buffer: &mut String,
) -> (String, Value) {
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            if let Some(data) = block.lines().find_map(|line| line.strip_prefix("data:")) {
                return (block.clone(), serde_json::from_str(data.trim()).unwrap());
            }
        }
        let chunk = tokio::time::timeout(Duration::from_secs(5), response.chunk())
            .await
            .expect("an event within 5 s")
            .unwrap()
            .expect("the stream stays open");
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
    }
}

#[tokio::test]
async fn the_stream_pushes_new_messages_and_ends_on_shutdown() {
    let app = spawn_app().await;
    let mut response = app
        .client
        .get(format!(
            "{}/_emulator/inbox/stream?to=ada@example.com",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    start_registration(&app, "bob@example.com").await;
    start_registration(&app, "ada@example.com").await;
    let mut buffer = String::new();
    let (block, event) = next_event(&mut response, &mut buffer).await;
    assert_eq!(
        (event["to"].clone(), event["kind"].clone()),
        (json!("ada@example.com"), json!("register_otp"))
    );
    assert!(block.contains("event: message\n"), "{block}");
    assert!(
        block.contains(&format!("id: {}\n", event["id"].as_str().unwrap())),
        "{block}"
    );
    // Shutting down does not wait for the open stream.
    tokio::time::timeout(Duration::from_secs(5), app.stop())
        .await
        .expect("graceful shutdown");
}

//! Slow and silent clients do not hold connections: a half-sent request, an idle keep-alive
//! connection and a stalled body are closed by their timeouts, and connections past the cap
//! wait to be accepted. Bounds are generous: a busy machine only makes a test slower.

use std::time::{Duration, Instant};

use passage_emulator::config::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::helpers::*;

async fn limited(max_connections: u64) -> TestApp {
    spawn_with(Config {
        header_timeout: 1,
        body_timeout: 1,
        max_connections,
        ..Config::ephemeral()
    })
    .await
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Reads until the server closes the connection (or 10 s pass); returns what was read.
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buffer = [0; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server kept the connection open");
    String::from_utf8_lossy(&seen).into_owned()
}

#[tokio::test]
async fn a_half_sent_request_is_closed() {
    let app = limited(16).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream).await;
    assert!(!answer.contains("200 OK"), "{answer}");
    app.stop().await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let app = limited(16).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    app.stop().await;
}

#[tokio::test]
async fn a_stalled_body_fails_the_request() {
    let app = limited(16).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(
            b"POST /_emulator/fixtures HTTP/1.1\r\nHost: 127.0.0.1\r\n\
              Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"apps\":",
        )
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream).await;
    // Answered in Passage's shape (or closed), never left hanging.
    if !answer.is_empty() {
        assert!(answer.contains("\"code\":"), "{answer}");
    }
    app.stop().await;
}

#[tokio::test]
async fn connections_past_the_cap_wait_for_a_free_one() {
    let app = limited(2).await;
    let _first = connect(&app).await;
    let _second = connect(&app).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    // The two silent connections hold both places until the header timeout closes them.
    let started = Instant::now();
    let health = app
        .send(reqwest::Method::GET, "/_emulator/health", None, None)
        .await;
    assert_eq!(health.status, reqwest::StatusCode::OK);
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "answered after {:?}: the cap did not hold",
        started.elapsed()
    );
    app.stop().await;
}

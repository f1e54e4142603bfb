//! `--smtp-relay`: captured email is also delivered to a real SMTP server (here an in-process
//! sink built on mailin-embedded).

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin_embedded::{Handler, Server, response};
use passage_emulator::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;
use super::session_helpers::*;

/// Collects every message's recipients and data.
#[derive(Clone, Default)]
struct Sink {
    received: Arc<Mutex<Vec<String>>>,
    current: Arc<Mutex<String>>,
}

impl Handler for Sink {
    fn rcpt(&mut self, to: &str) -> mailin_embedded::Response {
        self.current
            .lock()
            .unwrap()
            .push_str(&format!("RCPT {to}\n"));
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current
            .lock()
            .unwrap()
            .push_str(&String::from_utf8_lossy(buf));
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        let message = std::mem::take(&mut *self.current.lock().unwrap());
        self.received.lock().unwrap().push(message);
        response::OK
    }
}

/// Starts the sink on a free loopback port; its thread ends with the test process.
fn start_sink() -> (Sink, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let sink = Sink::default();
    let mut server = Server::new(sink.clone());
    server.with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (sink, port)
}

#[tokio::test]
async fn emails_are_relayed_and_sms_are_not() {
    let (sink, port) = start_sink();
    let config = Config {
        smtp_relay: Some(format!("smtp://127.0.0.1:{port}")),
        ..Config::ephemeral()
    };
    let app = spawn_with(config).await;
    let started = auth(
        &app,
        Method::POST,
        "/register/otp",
        Some(json!({"identifier": "ada@example.com"})),
    )
    .await;
    assert_eq!(started.status, StatusCode::CREATED);
    auth(
        &app,
        Method::POST,
        "/register/otp",
        Some(json!({"identifier": "+14155552671"})),
    )
    .await;
    let code = latest(&app, "ada@example.com").await["otp"]
        .as_str()
        .unwrap()
        .to_owned();

    let deadline = Instant::now() + Duration::from_secs(5);
    let relayed = loop {
        if let Some(message) = sink.received.lock().unwrap().first().cloned() {
            break message;
        }
        assert!(Instant::now() < deadline, "nothing relayed within 5 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(relayed.contains("RCPT ada@example.com"), "{relayed}");
    assert!(
        relayed.contains("Subject: Your one-time passcode for Passage Emulator Default App"),
        "{relayed}"
    );
    assert!(relayed.contains(&code), "{relayed}");
    assert!(relayed.contains("text/html"), "{relayed}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        sink.received.lock().unwrap().len(),
        1,
        "the SMS is not relayed"
    );
}

#[tokio::test]
async fn a_bad_relay_url_stops_start_up() {
    let config = Config {
        smtp_relay: Some("http://mail".into()),
        ..Config::ephemeral()
    };
    let error = passage_emulator::Application::build(config)
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(error.contains("only plain smtp://"), "{error}");
}

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

/// Waits until the sink holds `count` messages; answers them.
async fn received(sink: &Sink, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let got = sink.received.lock().unwrap().clone();
        if got.len() >= count {
            return got;
        }
        assert!(
            Instant::now() < deadline,
            "{count} not relayed within 5 s: {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// An app's `smtp` email provider relays that app's email; the test email lands in the inbox
/// and goes out through it too.
#[tokio::test]
async fn an_apps_smtp_provider_relays_its_email_and_the_test_email() {
    let (sink, port) = start_sink();
    let app = spawn_app().await;
    let missing = app.mgmt(Method::GET, "/email-provider", None).await;
    assert_error(&missing, 404, "email_provider_not_found", "POST");
    let provider = json!({"type": "smtp", "enabled": true, "from_address": "hello@shop.example",
                          "config": {"smtp_url": format!("smtp://127.0.0.1:{port}")}});
    let created = app
        .mgmt(Method::POST, "/email-provider", Some(provider.clone()))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(
        created.body,
        json!({"enabled": true, "from_address": "hello@shop.example", "type": "smtp"})
    );
    let twice = app
        .mgmt(Method::POST, "/email-provider", Some(provider))
        .await;
    assert_error(&twice, 400, "invalid_request", "PATCH");

    let test = json!({"html_template": "<p>Hi {{.name}}</p>", "recipient_email": "Ada@Example.com",
                      "subject": "Test for {{.name}}", "variables": {"name": "<Ada>"}});
    let sent = app.mgmt(Method::POST, "/email-test", Some(test)).await;
    assert_eq!((sent.status, sent.text.as_str()), (StatusCode::OK, ""));
    let mail = latest(&app, "ada@example.com").await;
    assert_eq!(
        (&mail["kind"], &mail["subject"], &mail["html"]),
        (
            &json!("email_test"),
            &json!("Test for <Ada>"),
            &json!("<p>Hi &lt;Ada&gt;</p>")
        )
    );
    let relayed = received(&sink, 1).await;
    assert!(
        relayed[0].contains("RCPT ada@example.com"),
        "{}",
        relayed[0]
    );
    assert!(
        relayed[0].contains("<hello@shop.example>"),
        "from the provider's address: {}",
        relayed[0]
    );
    assert!(
        relayed[0].contains("Subject: Test for <Ada>"),
        "{}",
        relayed[0]
    );

    // The app's own email goes out through it too, until it is disabled.
    register(&app, "ada@example.com").await;
    let relayed = received(&sink, 2).await;
    assert!(relayed[1].contains("one-time passcode"), "{}", relayed[1]);
    let disabled = app
        .mgmt(
            Method::PATCH,
            "/email-provider",
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(disabled.body["enabled"], false, "{}", disabled.text);
    auth(
        &app,
        Method::POST,
        "/login/otp",
        Some(json!({"identifier": "ada@example.com"})),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        sink.received.lock().unwrap().len(),
        2,
        "a disabled provider relays nothing"
    );

    let unknown = app
        .mgmt(Method::POST, "/email-test", Some(json!({"html_template": "{{.nope}}", "recipient_email": "a@b.co", "subject": "x", "variables": {}})))
        .await;
    assert_error(&unknown, 400, "invalid_request", "nope");
    let no_url = app
        .mgmt(
            Method::PATCH,
            "/email-provider",
            Some(json!({"config": {}})),
        )
        .await;
    assert_error(&no_url, 400, "invalid_request", "config.smtp_url");
    let sendgrid = app
        .mgmt(
            Method::PATCH,
            "/email-provider",
            Some(json!({"type": "sendgrid", "config": {"api_key": "SG.x"}})),
        )
        .await;
    assert_eq!(sendgrid.body["type"], "sendgrid", "{}", sendgrid.text);
}

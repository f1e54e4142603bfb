//! The test harness: a server per test, a client that knows its app and key, and helpers
//! that check volatile values (ids, times) before comparing whole JSON documents.

use std::path::PathBuf;

use passage_emulator::Application;
use passage_emulator::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const APP_ID: &str = "defaultapp00000000000001";
pub const API_KEY: &str = "emulator-api-key";
pub const ADMIN_KEY: &str = "emulator-admin-key";

pub struct TestApp {
    pub base: String,
    /// `--tls-listen` and `--proxy-listen`, when the test asked for them.
    pub tls_addr: Option<std::net::SocketAddr>,
    pub proxy_addr: Option<std::net::SocketAddr>,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

/// A server with the default app and an in-memory database.
pub async fn spawn_app() -> TestApp {
    spawn_with(Config::ephemeral()).await
}

/// A server loading `tests/fixtures/<name>` instead of the default app.
pub async fn spawn_with_fixture(name: &str) -> TestApp {
    spawn_with(Config {
        fixtures: vec![fixture_path(name)],
        ..Config::ephemeral()
    })
    .await
}

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub async fn spawn_with(config: Config) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        passage_emulator::telemetry::init(
            config.log_format,
            passage_emulator::telemetry::LogTarget::Stdout,
            config.quiet,
        );
    }
    let application = Application::build(config)
        .await
        .expect("the emulator starts");
    let base = format!("http://127.0.0.1:{}", application.port());
    let (tls_addr, proxy_addr) = (application.tls_addr(), application.proxy_addr());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(application.run_until_stopped(async {
        let _ = stopped.await;
    }));
    TestApp {
        base,
        tls_addr,
        proxy_addr,
        client: reqwest::Client::new(),
        stop: Some(stop),
        server: Some(server),
    }
}

/// A response: status and JSON body (`Value::Null` for an empty body).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub text: String,
}

impl TestApp {
    /// Graceful shutdown; returns when the server has closed its database.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("server ran");
        }
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        reply(request.send().await.expect("request sent")).await
    }

    /// Management API call on the default app, with the key its caller would hold: the app's
    /// API key for the SDKs' operations, the admin key for the console's (changing or
    /// deleting the app, its API keys, its metadata schema). `path` follows `/apps/{id}`.
    pub async fn mgmt(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let console = (path.is_empty() && method != Method::GET)
            || [
                "/api-keys",
                "/user-metadata",
                "/stats",
                "/layouts",
                "/claim",
                "/email-",
            ]
            .iter()
            .any(|prefix| path.starts_with(prefix));
        let key = if console { ADMIN_KEY } else { API_KEY };
        self.send(
            method,
            &format!("/api/v1/apps/{APP_ID}{path}"),
            Some(key),
            body.as_ref(),
        )
        .await
    }

    /// Moves the emulator's clock forward by `seconds`.
    pub async fn advance_clock(&self, seconds: i64) {
        let body = json!({ "advance_seconds": seconds });
        let reply = self
            .send(Method::POST, "/_emulator/clock", None, Some(&body))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    }

    /// Creates a user through the Management API and returns its JSON.
    pub async fn create_user(&self, body: Value) -> Value {
        let reply = self.mgmt(Method::POST, "/users", Some(body)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.body["user"].clone()
    }
}

pub async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status();
    let text = response.text().await.expect("body read");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    Reply { status, body, text }
}

/// Asserts a Passage error: status, code, and a message containing `message_part`.
pub fn assert_error(reply: &Reply, status: u16, code: &str, message_part: &str) {
    assert_eq!(reply.status.as_u16(), status, "{}", reply.text);
    assert_eq!(reply.body["code"], json!(code), "{}", reply.text);
    let message = reply.body["error"].as_str().expect("error message");
    assert!(
        message.contains(message_part),
        "{message:?} lacks {message_part:?}"
    );
    assert_eq!(
        reply.body.as_object().unwrap().len(),
        2,
        "only code and error: {}",
        reply.text
    );
}

/// Checks that `value[key]` is a 24-character alphanumeric id and replaces it with `"<id>"`.
pub fn redact_id(value: &mut Value, key: &str) {
    let id = value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {value}"));
    assert!(
        id.len() == 24 && id.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{key} = {id:?} is not a Passage id"
    );
    value[key] = json!("<id>");
}

/// Checks that `value[key]` is an RFC 3339 time and replaces it with `"<time>"`.
pub fn redact_time(value: &mut Value, key: &str) {
    let text = value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {value}"));
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| panic!("{key} = {text:?} is not RFC 3339"));
    value[key] = json!("<time>");
}

/// A Management `UserInfo` with its id and times checked and redacted.
pub fn redact_user(mut user: Value) -> Value {
    redact_id(&mut user, "id");
    redact_time(&mut user, "created_at");
    redact_time(&mut user, "updated_at");
    user
}

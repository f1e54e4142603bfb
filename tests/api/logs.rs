//! What a person reads in the emulator's output: one line per Passage API call (never its query
//! string), every captured passcode and link, the banner's pointers; `--quiet` and JSON logs.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use super::cli::{BINARY, Running};
use super::helpers::APP_ID;

/// The binary with `flags`, its stdout lines arriving on a channel; the base URL from the
/// ready file.
fn start(flags: &[&str]) -> (Running, mpsc::Receiver<String>, String, tempfile::TempDir) {
    start_logging(flags, None)
}

/// As [`start`], with `RUST_LOG` set to `filter` when given.
fn start_logging(
    flags: &[&str],
    filter: Option<&str>,
) -> (Running, mpsc::Receiver<String>, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("ready.json");
    let mut command = Command::new(BINARY);
    match filter {
        Some(filter) => command.env("RUST_LOG", filter),
        None => command.env_remove("RUST_LOG"),
    };
    let mut child = command
        .args([
            "--listen",
            "127.0.0.1:0",
            "--database",
            ":memory:",
            "--ready-file",
        ])
        .arg(&ready)
        .args(flags)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let running = Running(child);
    for _ in 0..500 {
        if ready.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let base: Value = serde_json::from_slice(&std::fs::read(&ready).unwrap()).unwrap();
    (
        running,
        received,
        base["url"].as_str().unwrap().to_owned(),
        dir,
    )
}

/// Lines until one contains `needle` (or 5 s pass).
fn until(lines: &mpsc::Receiver<String>, needle: &str) -> Vec<String> {
    let mut seen = Vec::new();
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(5)) {
        let found = line.contains(needle);
        seen.push(line);
        if found {
            return seen;
        }
    }
    panic!("no line with {needle:?} in {seen:#?}");
}

async fn post(base: &str, path: &str, body: Value) -> u16 {
    reqwest::Client::new()
        .post(format!("{base}{path}"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn requests_and_captured_codes_are_logged_one_line_each() {
    let (_running, lines, base, _dir) = start(&[]);
    let banner = until(&lines, "  app ").join("\n");
    assert!(banner.contains("/_emulator/requests"), "{banner}");
    assert!(banner.contains("/_emulator/inbox"), "{banner}");

    let auth = format!("/auth/v1/apps/{APP_ID}");
    post(
        &base,
        &format!("{auth}/register/otp"),
        json!({"identifier": "ada@example.com"}),
    )
    .await;
    let seen = until(&lines, "register/otp 201");
    let code_line = seen
        .iter()
        .find(|line| line.contains("passcode"))
        .expect("the code is logged");
    assert!(
        code_line.contains("email to ada@example.com (register_otp): passcode "),
        "{code_line}"
    );
    let request = seen.last().unwrap();
    assert!(
        request.contains(&format!("POST {auth}/register/otp 201 ")),
        "{request}"
    );
    assert!(request.contains(&format!(" ms app {APP_ID}")), "{request}");

    // An error names its code; an OAuth call's query string (codes, verifiers) is not logged.
    let query = "?connection_type=github&redirect_uri=x&code_challenge=SECRETCHALLENGE&state=s";
    let status = reqwest::get(format!("{base}{auth}/social/authorize{query}"))
        .await
        .unwrap()
        .status();
    assert_eq!(status, 400);
    let line = until(&lines, "social/authorize").pop().unwrap();
    assert!(
        line.contains(&format!("GET {auth}/social/authorize 400 invalid_request ")),
        "{line}"
    );
    assert!(!line.contains("SECRETCHALLENGE"), "{line}");
}

#[tokio::test]
async fn json_logs_carry_the_values_as_fields() {
    let (_running, lines, base, _dir) = start(&["--log-format", "json"]);
    post(
        &base,
        &format!("/auth/v1/apps/{APP_ID}/otp/activate"),
        json!({}),
    )
    .await;
    let line = until(&lines, "otp/activate").pop().unwrap();
    let event: Value = serde_json::from_str(&line).unwrap();
    let fields = &event["fields"];
    assert_eq!(fields["method"], "POST");
    assert_eq!(
        fields["path"],
        format!("/auth/v1/apps/{APP_ID}/otp/activate")
    );
    assert_eq!(fields["status"], 400);
    assert_eq!(fields["code"], "invalid_request");
    assert_eq!(fields["app_id"], APP_ID);
    assert!(fields["duration_ms"].is_number());
}

#[tokio::test]
async fn quiet_leaves_only_warnings_and_errors() {
    let (mut running, lines, base, _dir) = start(&["--quiet"]);
    post(
        &base,
        &format!("/auth/v1/apps/{APP_ID}/register/otp"),
        json!({"identifier": "ada@example.com"}),
    )
    .await;
    super::cli::send_signal(&running, "-TERM");
    running.0.wait().unwrap();
    let printed: Vec<String> = lines.iter().collect(); // until the pipe closes
    assert!(printed.is_empty(), "{printed:#?}");
}

/// With debug logging on, each request's lines carry a span naming its method and matched
/// route, never the query string.
#[tokio::test]
async fn debug_logs_name_each_requests_route() {
    let (_running, lines, base, _dir) =
        start_logging(&[], Some("tower_http=debug,passage_emulator::router=debug"));
    let status = reqwest::Client::new()
        .get(format!(
            "{base}/api/v1/apps/{APP_ID}/users?identifier=secret%40example.com"
        ))
        .bearer_auth("emulator-api-key")
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    let seen = until(&lines, "finished processing request");
    let line = seen.last().unwrap();
    assert!(
        line.contains(r#"request{method=GET route="/api/v1/apps/{app_id}/users"}"#),
        "{line}"
    );
    assert!(
        seen.iter().all(|line| !line.contains("secret")),
        "{seen:#?}"
    );
}

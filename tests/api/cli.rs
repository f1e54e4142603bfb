//! The binary's start-up contract: flags, environment twins, the banner, health, signals.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::helpers::fixture_path;

pub(super) const BINARY: &str = env!("CARGO_BIN_EXE_passage-emulator");

/// Kills the child if a test fails before stopping it.
pub(super) struct Running(pub(super) Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary and waits for the banner line naming the address it listens on.
pub(super) fn start(command: &mut Command) -> (Running, String, Vec<String>) {
    let mut child = command
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut lines = Vec::new();
    let mut address = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        lines.push(line.clone());
        if let Some(rest) = line.split("passage-emulator listening on http://").nth(1) {
            address = Some(rest.trim().to_owned());
        }
        if line.contains("  app ") {
            break;
        }
    }
    (running, address.expect("banner names the address"), lines)
}

/// Sends a signal (`-TERM`, `-INT`) to the process.
pub(super) fn send_signal(running: &Running, signal: &str) {
    let pid = running.0.id().to_string();
    assert!(
        Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap()
            .success()
    );
}

/// The process's exit status, once it exits within `within`; panics with `what` otherwise.
pub(super) fn wait_for_exit(running: &mut Running, within: Duration, what: &str) -> ExitStatus {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = running.0.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

async fn health(address: &str) -> reqwest::StatusCode {
    reqwest::get(format!("http://{address}/_emulator/health"))
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn environment_variables_configure_the_binary() {
    let (mut running, address, banner) = start(
        Command::new(BINARY)
            .env("PASSAGE_EMULATOR_LISTEN", "127.0.0.1:0")
            .env("PASSAGE_EMULATOR_DATABASE", ":memory:")
            .env("PASSAGE_EMULATOR_FIXTURES", fixture_path("shop.json")),
    );
    assert_eq!(health(&address).await, reqwest::StatusCode::OK);
    let text = banner.join("\n");
    assert!(text.contains("app shopapp00000000000000001"), "{text}");
    assert!(!text.contains("defaultapp"), "{text}");
    assert!(text.contains("/api/v1") && text.contains("/auth/v1") && text.contains("/_emulator"));

    // The health subcommand reaches it; SIGTERM stops it cleanly.
    let status = Command::new(BINARY)
        .args(["health", "--listen", &address])
        .status()
        .unwrap();
    assert!(status.success());
    send_signal(&running, "-TERM");
    let exit = wait_for_exit(
        &mut running,
        Duration::from_secs(5),
        "still running after SIGTERM",
    );
    assert!(exit.success(), "{exit}");
    let status = Command::new(BINARY)
        .args(["health", "--listen", &address])
        .status()
        .unwrap();
    assert!(!status.success(), "health fails once the emulator is gone");
}

#[tokio::test]
async fn flags_configure_the_binary_and_the_default_app_is_built_in() {
    let dir = tempfile::tempdir().unwrap();
    let (_running, address, banner) = start(
        Command::new(BINARY)
            .current_dir(dir.path())
            .args(["--listen", "127.0.0.1:0"]),
    );
    assert_eq!(health(&address).await, reqwest::StatusCode::OK);
    assert!(banner.join("\n").contains("app defaultapp00000000000001"));
    // The default database is created under the working folder.
    assert!(dir.path().join(".passage-emulator/emulator.db").exists());
}

/// Sends SIGTERM and waits for a clean exit.
fn terminate(running: &mut Running) {
    send_signal(running, "-TERM");
    let status = wait_for_exit(
        running,
        Duration::from_secs(5),
        "still running after SIGTERM",
    );
    assert!(status.success(), "{status}");
}

#[tokio::test]
async fn what_was_acknowledged_survives_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("emulator.db").display().to_string();
    let args = ["--listen", "127.0.0.1:0", "--database", database.as_str()];
    let (mut running, address, _) = start(Command::new(BINARY).args(args));
    let client = reqwest::Client::new();
    let users = format!("http://{address}/api/v1/apps/defaultapp00000000000001/users");
    let mut ids = Vec::new();
    for n in 0..20 {
        let response = client
            .post(&users)
            .bearer_auth("emulator-api-key")
            .json(&serde_json::json!({"email": format!("user{n}@example.com")}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::CREATED);
        let body: serde_json::Value = response.json().await.unwrap();
        ids.push(body["user"]["id"].as_str().unwrap().to_owned());
    }
    terminate(&mut running);

    let (_running, address, _) = start(Command::new(BINARY).args(args));
    let users = format!("http://{address}/api/v1/apps/defaultapp00000000000001/users");
    for id in ids {
        let response = client
            .get(format!("{users}/{id}"))
            .bearer_auth("emulator-api-key")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK, "user {id} lost");
    }
}

#[tokio::test]
async fn health_reaches_a_server_bound_to_every_interface_on_loopback() {
    // The Docker image sets PASSAGE_EMULATOR_LISTEN=0.0.0.0:7277 and its HEALTHCHECK runs
    // `health` with that environment: the probe must reach the server.
    let (_running, address, _) =
        start(Command::new(BINARY).args(["--listen", "127.0.0.1:0", "--database", ":memory:"]));
    let port = address.rsplit(':').next().unwrap();
    let wildcard = format!("0.0.0.0:{port}");
    let status = Command::new(BINARY)
        .arg("health")
        .env("PASSAGE_EMULATOR_LISTEN", &wildcard)
        .status()
        .unwrap();
    assert!(status.success(), "health via {wildcard}");
}

#[test]
fn help_documents_every_flag() {
    let output = Command::new(BINARY).arg("--help").output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for needle in [
        "--listen",
        "PASSAGE_EMULATOR_LISTEN",
        "127.0.0.1:7277",
        "--database",
        "PASSAGE_EMULATOR_DATABASE",
        ".passage-emulator/emulator.db",
        ":memory:",
        "--fixtures",
        "PASSAGE_EMULATOR_FIXTURES",
        "--admin-key",
        "--log-format",
        "health",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}:\n{help}");
    }
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = Command::new(BINARY)
        .args(["--listen", &address, "--database", ":memory:"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(&format!("cannot listen on {address}")),
        "{text}"
    );
}

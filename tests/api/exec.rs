//! `passage-emulator exec`: the environment its command gets, exit codes, signals, bad input;
//! and `--ready-file`, `health` and `--exit-on-stdin-close`, which the helpers and the Docker
//! HEALTHCHECK rest on.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::cli::{BINARY, Running, send_signal, start, wait_for_exit};
use super::helpers::fixture_path;

/// Runs `passage-emulator exec ARGS` with no `PASSAGE_*` variables inherited (CI exports
/// PASSAGE_EMULATOR_DATA_DIR), so what the command sees is what exec set.
fn exec(args: &[&str]) -> Output {
    let mut command = Command::new(BINARY);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PASSAGE_") {
            command.env_remove(name);
        }
    }
    command
        .arg("exec")
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("exec runs")
}

/// `KEY=value` lines printed by `env`, only the emulator's.
fn passage_variables(output: &Output) -> HashMap<String, String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.starts_with("PASSAGE_"))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_command_gets_the_emulators_addresses_and_the_default_app() {
    let output = exec(&["--", "env"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let variables = passage_variables(&output);
    let url = &variables["PASSAGE_EMULATOR_URL"];
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with('/'),
        "{url}"
    );
    assert_ne!(url, "http://127.0.0.1:7277", "a free port by default");
    assert_eq!(variables["PASSAGE_AUTH_URL"], format!("{url}/auth/v1"));
    assert_eq!(variables["PASSAGE_MGMT_URL"], format!("{url}/api/v1"));
    assert_eq!(variables["PASSAGE_APP_ID"], "defaultapp00000000000001");
    assert_eq!(variables["PASSAGE_API_KEY"], "emulator-api-key");
    assert_eq!(
        variables.len(),
        5,
        "no TLS variables without TLS: {variables:?}"
    );
    // The emulator's logs go to stderr, so the command's stdout is its own.
    assert!(!String::from_utf8_lossy(&output.stdout).contains("listening on"));
    assert!(stderr(&output).contains("listening on"));
}

#[test]
fn the_emulator_serves_while_the_command_runs_and_stops_after() {
    // The command probes the emulator with the binary's own health check, then prints the URL.
    let script =
        r#""$0" health --listen "${PASSAGE_EMULATOR_URL#http://}" && echo "$PASSAGE_EMULATOR_URL""#;
    let output = exec(&["--", "sh", "-c", script, BINARY]);
    assert!(output.status.success(), "{}", stderr(&output));
    let url = String::from_utf8(output.stdout).unwrap();
    let address = url.trim().trim_start_matches("http://");
    let status = Command::new(BINARY)
        .args(["health", "--listen", address])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success(), "the emulator is gone once exec returns");
}

#[test]
fn fixtures_name_the_app_and_tls_adds_its_variables() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    let shop = fixture_path("shop.json").display().to_string();
    let output = exec(&[
        "--fixtures",
        &shop,
        "--tls-listen",
        "127.0.0.1:0",
        "--proxy-listen",
        "127.0.0.1:0",
        "--data-dir",
        &data_dir,
        "env",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let variables = passage_variables(&output);
    assert_eq!(variables["PASSAGE_APP_ID"], "shopapp00000000000000001");
    assert_eq!(variables["PASSAGE_API_KEY"], "shop-api-key-0001");
    assert!(variables["PASSAGE_EMULATOR_TLS_ADDR"].starts_with("127.0.0.1:"));
    assert!(variables["PASSAGE_EMULATOR_PROXY_URL"].starts_with("http://127.0.0.1:"));
    assert_eq!(
        variables["PASSAGE_EMULATOR_CA_FILE"],
        dir.path().join("ca.pem").display().to_string()
    );
    assert!(dir.path().join("ca.pem").exists());
}

#[test]
fn exit_codes_are_the_commands() {
    assert_eq!(exec(&["--", "sh", "-c", "exit 7"]).status.code(), Some(7));
    assert_eq!(exec(&["--", "true"]).status.code(), Some(0));
    // Killed by a signal: 128 + its number, as shells report it.
    assert_eq!(
        exec(&["--", "sh", "-c", "kill -TERM $$"]).status.code(),
        Some(143)
    );
    let missing = exec(&["--", "/no/such/command"]);
    assert_eq!(missing.status.code(), Some(127));
    assert!(
        stderr(&missing).contains("cannot run /no/such/command"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn sigterm_and_sigint_are_passed_on_to_the_command() {
    for (signal, code) in [("-TERM", 42), ("-INT", 43)] {
        let script = "trap 'exit 42' TERM; trap 'exit 43' INT; echo started; \
                      while :; do sleep 0.05; done";
        let mut child = Command::new(BINARY)
            .args(["exec", "--", "sh", "-c", script])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut running = Running(child);
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert_eq!(line, "started\n");
        send_signal(&running, signal);
        let status = wait_for_exit(&mut running, Duration::from_secs(10), signal);
        assert_eq!(status.code(), Some(code), "{signal}");
    }
}

#[test]
fn bad_input_is_one_line_and_a_usage_or_start_status() {
    for (args, code) in [
        (vec![], 2),
        (vec!["--bogus", "--", "true"], 2),
        (vec!["--log-format", "yaml", "--", "true"], 2),
    ] {
        let output = exec(&args);
        assert_eq!(output.status.code(), Some(code), "{args:?}");
        let text = stderr(&output);
        assert_eq!(text.lines().count(), 1, "{args:?}: {text}");
        assert!(text.starts_with("passage-emulator: error:"), "{text}");
    }
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = exec(&["--listen", &address, "--", "true"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.contains(&format!("cannot listen on {address}")),
        "{text}"
    );
}

#[tokio::test]
async fn the_ready_file_names_the_address_health_probes() {
    let dir = tempfile::tempdir().unwrap();
    let ready_file = dir.path().join("ready.json");
    let (mut running, address, _) = start(Command::new(BINARY).args([
        "--listen",
        "127.0.0.1:0",
        "--database",
        ":memory:",
        "--ready-file",
        ready_file.to_str().unwrap(),
    ]));
    let deadline = Instant::now() + Duration::from_secs(5);
    while !ready_file.exists() {
        assert!(Instant::now() < deadline, "no ready file");
        std::thread::sleep(Duration::from_millis(5));
    }
    let ready: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&ready_file).unwrap()).unwrap();
    let url = format!("http://{address}");
    assert_eq!(
        ready,
        serde_json::json!({
            "url": url,
            "auth_url": format!("{url}/auth/v1"),
            "management_url": format!("{url}/api/v1"),
            "app_id": "defaultapp00000000000001",
            "api_key": "emulator-api-key",
            "tls_addr": null,
            "proxy_url": null,
            "ca_file": null,
            "pid": running.0.id(),
        })
    );
    // As in the Docker image: PASSAGE_EMULATOR_LISTEN says 7277, the server was started on
    // another port, and the ready file leads the probe there.
    let health = |file: &std::path::Path| {
        Command::new(BINARY)
            .arg("health")
            .env("PASSAGE_EMULATOR_LISTEN", "127.0.0.1:1")
            .env("PASSAGE_EMULATOR_READY_FILE", file)
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success()
    };
    assert!(health(&ready_file));
    assert!(
        !health(&dir.path().join("missing.json")),
        "falls back to --listen"
    );

    send_signal(&running, "-TERM");
    assert!(running.0.wait().unwrap().success());
    assert!(!ready_file.exists(), "removed at a clean stop");
}

/// An emulator with `--exit-on-stdin-close`, its stdin held by the test, past its banner.
fn start_watching_stdin() -> (Running, std::process::ChildStdin) {
    let mut child = Command::new(BINARY)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--database",
            ":memory:",
            "--exit-on-stdin-close",
        ])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let running = Running(child);
    for line in stdout.lines() {
        if line.unwrap().contains("  app ") {
            break;
        }
    }
    (running, stdin)
}

#[test]
fn closing_stdin_stops_the_emulator_when_asked() {
    let (mut running, stdin) = start_watching_stdin();
    drop(stdin);
    let status = wait_for_exit(
        &mut running,
        Duration::from_secs(5),
        "still running with stdin closed",
    );
    assert!(status.success(), "{status}");
}

#[test]
fn sigterm_stops_an_emulator_that_watches_stdin_at_once() {
    // The helpers hold stdin open and stop the emulator with SIGTERM: the pending read of
    // stdin must not hold the process.
    let (mut running, _stdin) = start_watching_stdin();
    send_signal(&running, "-TERM");
    let status = wait_for_exit(
        &mut running,
        Duration::from_secs(3),
        "SIGTERM did not stop it with stdin open",
    );
    assert!(status.success(), "{status}");
}

//! What the benchmarks share: JSON calls, the inbox, and a timed loop of concurrent workers.

use std::time::{Duration, Instant};

use passage_emulator::Application;
use passage_emulator::config::Config;
use serde_json::{Value, json};

pub const WORKERS: usize = 16;
pub const DURATION: Duration = Duration::from_secs(8);

/// A fresh emulator with its own database file, serving in this process; the folder lives as
/// long as the returned guard.
pub async fn emulator() -> (String, tempfile::TempDir) {
    let folder = tempfile::tempdir().expect("temporary folder");
    // BENCH_JOURNAL_SIZE=0 measures the same flows with the request journal off.
    let journal_size = std::env::var("BENCH_JOURNAL_SIZE")
        .ok()
        .and_then(|size| size.parse().ok())
        .unwrap_or(passage_emulator::journal::DEFAULT_SIZE);
    // `BENCH_EVENTS=off`: no user events (benches/events.py compares both, one run).
    let without_events = std::env::var("BENCH_EVENTS").is_ok_and(|events| events == "off");
    let config = Config {
        database: folder.path().join("bench.db").display().to_string(),
        journal_size,
        without_events,
        ..Config::ephemeral()
    };
    let application = Application::build(config).await.expect("emulator starts");
    let base = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped(std::future::pending()));
    (base, folder)
}

/// Registers `email` in the default app by passcode (the code read from the inbox); the
/// session's `auth_result`.
#[allow(dead_code)]
pub async fn register_by_passcode(client: &reqwest::Client, base: &str, email: &str) -> Value {
    let auth = format!("{base}/auth/v1/apps/defaultapp00000000000001");
    let started = post(
        client,
        &format!("{auth}/register/otp"),
        json!({"identifier": email}),
    )
    .await;
    let message = latest(client, base, email).await;
    let result = post(
        client,
        &format!("{auth}/otp/activate"),
        json!({"otp": message["otp"], "otp_id": started["otp_id"]}),
    )
    .await;
    result["auth_result"].clone()
}

pub async fn post(client: &reqwest::Client, url: &str, body: Value) -> Value {
    let response = client.post(url).json(&body).send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

#[allow(dead_code)]
pub async fn latest(client: &reqwest::Client, base: &str, to: &str) -> Value {
    client
        .get(format!("{base}/_emulator/inbox/latest?to={to}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Runs `step` in a loop on every worker for DURATION; a step may hand a new token to the
/// next. Returns completed steps per second.
pub async fn run<F, Fut>(sessions: &[(String, String)], step: F, client: &reqwest::Client) -> f64
where
    F: Fn(reqwest::Client, String, String) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Option<String>> + Send,
{
    let began = Instant::now();
    let mut workers = Vec::new();
    for (email, token) in sessions.iter().cloned() {
        let step = step.clone();
        let client = client.clone();
        workers.push(tokio::spawn(async move {
            let mut token = token;
            let mut done = 0u64;
            while began.elapsed() < DURATION {
                if let Some(next) = step(client.clone(), email.clone(), token.clone()).await {
                    token = next;
                }
                done += 1;
            }
            (done, token)
        }));
    }
    let mut total = 0;
    for worker in workers {
        total += worker.await.unwrap().0;
    }
    total as f64 / began.elapsed().as_secs_f64()
}

/// The name the benchmarks give their client threads, so CPU time can be told apart from the
/// emulator's (tokio workers, SQLite workers) in the same process.
pub const CLIENT_THREADS: &str = "bench-client";

/// CPU time (user + system) used so far by this process's threads: (emulator, client).
/// Linux only: reads /proc/self/task/*/stat (clock ticks of 10 ms).
#[allow(dead_code)]
pub fn cpu_split() -> (Duration, Duration) {
    let mut emulator = Duration::ZERO;
    let mut client = Duration::ZERO;
    for task in std::fs::read_dir("/proc/self/task").expect("/proc/self/task") {
        let path = task.expect("task").path();
        let (Ok(name), Ok(stat)) = (
            std::fs::read_to_string(path.join("comm")),
            std::fs::read_to_string(path.join("stat")),
        ) else {
            continue;
        };
        let fields: Vec<&str> = stat
            .rsplit_once(") ")
            .map(|(_, rest)| rest.split(' ').collect())
            .unwrap_or_default();
        let ticks: u64 = [11, 12]
            .iter()
            .filter_map(|i| fields.get(*i).and_then(|f| f.parse::<u64>().ok()))
            .sum();
        let time = Duration::from_millis(ticks * 10);
        if name.trim().starts_with(CLIENT_THREADS) {
            client += time;
        } else {
            emulator += time;
        }
    }
    (emulator, client)
}

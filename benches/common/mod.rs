//! What the benchmarks share: JSON calls, the inbox, and a timed loop of concurrent workers.

use std::time::{Duration, Instant};

use serde_json::Value;

pub const WORKERS: usize = 16;
pub const DURATION: Duration = Duration::from_secs(8);

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

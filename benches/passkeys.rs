//! Passkey ceremony throughput, for docs/PERFORMANCE.md: `cargo bench --bench passkeys`.
//!
//! Starts the emulator in this process (release build, a file database in a temporary folder)
//! and, with concurrent clients on the same two cores, runs full ceremonies over loopback HTTP:
//! `register/webauthn/start`, an authenticator's answer, `register/webauthn/finish`, then
//! `login/webauthn/start` with the identifier, an assertion, `login/webauthn/finish`. Every
//! finish verifies a real signature and issues a signed session. Two ways:
//! - browser-like: the authenticator runs in the client (as a browser's would), so the emulator
//!   serves exactly the four Passage calls a browser makes;
//! - curl-only: the emulator's own virtual authenticator answers over HTTP (six calls).
//!
//! The client, and its authenticator, share the two cores with the emulator.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use std::time::Duration;

use common::{CLIENT_THREADS, DURATION, WORKERS, cpu_split, emulator, post, run};
use passage_emulator::authenticator::{self, Algorithm, Spec};
use serde_json::{Value, json};

const APP: &str = "defaultapp00000000000001";

/// The emulator runs on the main runtime, the clients (and their authenticator) on another
/// whose threads are named, so the CPU each side spends per ceremony can be told apart.
fn main() {
    let server = tokio::runtime::Runtime::new().expect("emulator runtime");
    let clients = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(CLIENT_THREADS)
        .enable_all()
        .build()
        .expect("client runtime");
    let (first, _first) = server.block_on(emulator());
    let (second, _second) = server.block_on(emulator());
    clients.block_on(measure(first, second));
}

/// Ceremony pairs per second, and the CPU each side spent per ceremony.
fn report(label: &str, pairs: f64, before: (Duration, Duration)) {
    let (emulator, client) = cpu_split();
    let ceremonies = pairs * 2.0 * DURATION.as_secs_f64();
    let per = |spent: Duration, was: Duration| (spent - was).as_secs_f64() * 1000.0 / ceremonies;
    let server_ms = per(emulator, before.0);
    println!(
        "{label}: {pairs:.0} pairs/s = {:.0} ceremonies/s ({WORKERS} clients, {}s); CPU per ceremony: emulator {server_ms:.2} ms, client {:.2} ms; the emulator alone on 2 cores: {:.0} ceremonies/s",
        pairs * 2.0,
        DURATION.as_secs(),
        per(client, before.1),
        2000.0 / server_ms,
    );
}

async fn measure(base: String, second: String) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();

    let slots: Vec<(String, String)> = (0..WORKERS)
        .map(|i| (i.to_string(), String::new()))
        .collect();
    let counter = Arc::new(AtomicU64::new(0));
    let before = cpu_split();
    let (base_for_steps, counter_for_steps) = (base.clone(), Arc::clone(&counter));
    let in_client = run(
        &slots,
        move |client, _, _| {
            let base = base_for_steps.clone();
            let counter = Arc::clone(&counter_for_steps);
            async move {
                let auth = format!("{base}/auth/v1/apps/{APP}");
                let origin = "http://localhost:3000";
                let spec = Spec {
                    aaguid: [1; 16],
                    algorithm: Algorithm::Es256,
                    sign_count: true,
                    private_key: None,
                };
                let email = format!(
                    "browser{}@example.com",
                    counter.fetch_add(1, Ordering::Relaxed)
                );
                let started = post(
                    &client,
                    &format!("{auth}/register/webauthn/start"),
                    json!({"identifier": email}),
                )
                .await;
                let (response, credential) = authenticator::register(
                    &spec,
                    &[],
                    origin,
                    started["handshake"]["challenge"].clone(),
                )
                .await
                .unwrap();
                let finish = json!({
                    "handshake_id": started["handshake"]["id"],
                    "handshake_response": response,
                    "user_id": started["user"]["id"],
                });
                post(&client, &format!("{auth}/register/webauthn/finish"), finish).await;
                let started = post(
                    &client,
                    &format!("{auth}/login/webauthn/start"),
                    json!({"identifier": email}),
                )
                .await;
                let (response, _) = authenticator::login(
                    &spec,
                    &[credential],
                    origin,
                    started["handshake"]["challenge"].clone(),
                )
                .await
                .unwrap();
                let finish = json!({
                    "handshake_id": started["handshake"]["id"],
                    "handshake_response": response,
                    "user_id": started["user"]["id"],
                });
                post(&client, &format!("{auth}/login/webauthn/finish"), finish).await;
                None
            }
        },
        &client,
    )
    .await;
    report(
        "browser-like register + login (4 Passage calls, authenticator in the client)",
        in_client,
        before,
    );

    // One virtual authenticator per worker, on a second emulator.
    let base = second;
    let mut workers = Vec::new();
    for worker in 0..WORKERS {
        let created: Value = post(
            &client,
            &format!("{base}/_emulator/authenticators"),
            json!({"id": format!("bench{worker}")}),
        )
        .await;
        workers.push((created["id"].as_str().unwrap().to_owned(), String::new()));
    }

    let before = cpu_split();
    let base_for_steps = base.clone();
    let pairs = run(
        &workers,
        move |client, authenticator, _| {
            let base = base_for_steps.clone();
            let counter = Arc::clone(&counter);
            async move {
                let auth = format!("{base}/auth/v1/apps/{APP}");
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let email = format!("passkey{n}@example.com");
                let device = format!("{base}/_emulator/authenticators/{authenticator}");
                let started = post(
                    &client,
                    &format!("{auth}/register/webauthn/start"),
                    json!({"identifier": email}),
                )
                .await;
                let finish = post(&client, &format!("{device}/register"), started).await;
                post(&client, &format!("{auth}/register/webauthn/finish"), finish).await;
                let started = post(
                    &client,
                    &format!("{auth}/login/webauthn/start"),
                    json!({"identifier": email}),
                )
                .await;
                let finish = post(&client, &format!("{device}/login"), started).await;
                post(&client, &format!("{auth}/login/webauthn/finish"), finish).await;
                None
            }
        },
        &client,
    )
    .await;
    report(
        "curl-only register + login (6 calls, the emulator's virtual authenticator)",
        pairs,
        before,
    );
}

//! Passkey ceremony throughput, for docs/PERFORMANCE.md: `cargo bench --bench passkeys`.
//!
//! Starts the emulator in this process (release build, a file database in a temporary folder)
//! and, with concurrent clients on the same two cores, runs full ceremonies over loopback HTTP
//! the way a curl-only suite does: `register/webauthn/start`, the virtual authenticator's
//! answer, `register/webauthn/finish`, then `login/webauthn/start` with the identifier, the
//! authenticator's assertion, `login/webauthn/finish`. Every finish verifies a real signature
//! and issues a signed session; the authenticator's signing runs in the same process.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use common::{DURATION, WORKERS, post, run};
use passage_emulator::Application;
use passage_emulator::config::Config;
use serde_json::{Value, json};

const APP: &str = "defaultapp00000000000001";

#[tokio::main]
async fn main() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let config = Config {
        database: folder.path().join("bench.db").display().to_string(),
        ..Config::ephemeral()
    };
    let application = Application::build(config).await.expect("emulator starts");
    let base = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped(std::future::pending()));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();

    // One virtual authenticator per worker.
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

    let counter = Arc::new(AtomicU64::new(0));
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
    println!(
        "passkey register + login (6 requests, 2 ceremonies, 2 sessions): {pairs:.0} pairs/s = {:.0} ceremonies/s ({WORKERS} clients, {}s)",
        pairs * 2.0,
        DURATION.as_secs()
    );
}

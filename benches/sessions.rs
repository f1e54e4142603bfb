//! Session throughput, for docs/PERFORMANCE.md: `cargo bench --bench sessions`.
//!
//! Starts the emulator in this process (release build, a file database in a temporary folder)
//! and drives it over loopback HTTP with concurrent clients on the same two cores:
//! - magic-link send + activate: `POST /login/magic-link`, read the link from the inbox,
//!   `PATCH /magic-link/activate` (a signed session each time);
//! - token refresh: chains of `POST /tokens`, each spending the previous refresh token;
//! - long-poll latency: time from the request that creates a message to the answer of a
//!   waiting `GET /_emulator/inbox/latest?wait=5s`.

mod common;

use std::time::{Duration, Instant};

use common::{DURATION, WORKERS, emulator, latest, post, register_by_passcode, run};

use serde_json::{Value, json};

const APP: &str = "defaultapp00000000000001";

#[tokio::main]
async fn main() {
    let (base, _folder) = emulator().await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let auth = format!("{base}/auth/v1/apps/{APP}");

    // One user per worker, registered by passcode; their sessions start the refresh chains.
    let mut sessions = Vec::new();
    for worker in 0..WORKERS {
        let email = format!("bench{worker}@example.com");
        let result = register_by_passcode(&client, &base, &email).await;
        sessions.push((email, result["refresh_token"].as_str().unwrap().to_owned()));
    }

    let (link_auth, link_base) = (auth.clone(), base.clone());
    let links = run(
        &sessions,
        move |client, email, _| {
            let auth = link_auth.clone();
            let base = link_base.clone();
            async move {
                let _: Value = post(
                    &client,
                    &format!("{auth}/login/magic-link"),
                    json!({"identifier": email}),
                )
                .await;
                let link = latest(&client, &base, &email).await["magic_link"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                let secret = link.rsplit('=').next().unwrap().to_owned();
                let response = client
                    .patch(format!("{auth}/magic-link/activate"))
                    .json(&json!({"magic_link": secret}))
                    .send()
                    .await
                    .unwrap();
                assert!(
                    response.status().is_success(),
                    "activate: {}",
                    response.status()
                );
                None
            }
        },
        &client,
    )
    .await;
    println!(
        "magic-link send + activate: {links:.0}/s ({WORKERS} clients, {}s)",
        DURATION.as_secs()
    );

    let refresh_auth = auth.clone();
    let refreshes = run(
        &sessions,
        move |client, _, token| {
            let auth = refresh_auth.clone();
            async move {
                let result: Value = post(
                    &client,
                    &format!("{auth}/tokens"),
                    json!({"refresh_token": token}),
                )
                .await;
                Some(
                    result["auth_result"]["refresh_token"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                )
            }
        },
        &client,
    )
    .await;
    println!(
        "token refresh: {refreshes:.0}/s ({WORKERS} clients, {}s)",
        DURATION.as_secs()
    );

    let mut latencies = Vec::new();
    for round in 0..50 {
        let email = format!("poll{round}@example.com");
        let poll = tokio::spawn(
            client
                .get(format!("{base}/_emulator/inbox/latest?to={email}&wait=5s"))
                .send(),
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
        let _: Value = post(
            &client,
            &format!("{auth}/register/otp"),
            json!({"identifier": email}),
        )
        .await;
        let sent = Instant::now();
        let answered = poll.await.unwrap().unwrap();
        assert!(answered.status().is_success());
        latencies.push(sent.elapsed());
    }
    latencies.sort();
    println!(
        "long-poll answer after the message's request returned: median {:?}, slowest {:?} (50 rounds)",
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1]
    );
}

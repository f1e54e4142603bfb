//! Social and hosted login throughput, for docs/PERFORMANCE.md: `cargo bench --bench social`.
//!
//! Starts the emulator in this process (release build, a file database in a temporary folder)
//! and drives it over loopback HTTP with concurrent clients on the same two cores, following
//! every redirect by hand:
//! - social sign-in: `social/authorize` (302), the Google stand-in with `login_hint` (302),
//!   Passage's callback (302), `social/token` (201, a signed session); each worker is a
//!   returning user after its first round;
//! - hosted login: `authorize` (the page), the page's completion with the worker's auth token,
//!   the token endpoint (a session and an RS256 ID token).

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{DURATION, WORKERS, emulator, post, register_by_passcode, run};
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const APP: &str = "defaultapp00000000000001";
const CALLBACK: &str = "http%3A%2F%2Flocalhost%3A3000%2Fcallback";

fn pkce() -> (String, String) {
    let verifier: String = (0..32).map(|_| rand::random::<u8>().to_string()).collect();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

async fn location(client: &reqwest::Client, url: &str) -> String {
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 302, "{url}");
    response.headers()["location"].to_str().unwrap().to_owned()
}

fn param(url: &str, name: &str) -> String {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(key, _)| key == name)
        .unwrap()
        .1
        .into_owned()
}

#[tokio::main]
async fn main() {
    let (base, _folder) = emulator().await;
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let auth = format!("{base}/auth/v1/apps/{APP}");

    // One user per worker, registered by passcode: the hosted rounds complete with its token.
    let mut sessions = Vec::new();
    for worker in 0..WORKERS {
        let email = format!("bench{worker}@example.com");
        let result = register_by_passcode(&client, &base, &email).await;
        let token = result["auth_token"].as_str().unwrap().to_owned();
        sessions.push((email, token));
    }

    let social_auth = auth.clone();
    let social = run(
        &sessions,
        move |client, email, _| {
            let auth = social_auth.clone();
            async move {
                let (verifier, challenge) = pkce();
                let who = format!("social-{email}");
                let provider = location(
                    &client,
                    &format!(
                        "{auth}/social/authorize?connection_type=google&state=s&login_hint={who}\
                         &redirect_uri={CALLBACK}&code_challenge={challenge}&code_challenge_method=S256"
                    ),
                )
                .await;
                let callback = location(&client, &provider).await;
                let back = location(&client, &callback).await;
                let code = param(&back, "code");
                let response = client
                    .get(format!("{auth}/social/token?code={code}&verifier={verifier}"))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 201);
                None
            }
        },
        &client,
    )
    .await;
    println!(
        "social sign-in, four calls: {social:.0}/s ({WORKERS} clients, {}s)",
        DURATION.as_secs()
    );

    let hosted_auth = auth.clone();
    let hosted = run(
        &sessions,
        move |client, _, token| {
            let auth = hosted_auth.clone();
            async move {
                let (verifier, challenge) = pkce();
                let page = client
                    .get(format!(
                        "{auth}/authorize?client_id={APP}&redirect_uri={CALLBACK}&response_type=code\
                         &scope=openid&state=s&nonce=n&code_challenge={challenge}&code_challenge_method=S256"
                    ))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                let start = page.find("\"complete\":\"").unwrap() + 12;
                let complete = &page[start..start + page[start..].find('"').unwrap()];
                let done = post(&client, complete, json!({"auth_token": token})).await;
                let code = param(done["redirect_to"].as_str().unwrap(), "code");
                let tokens: Value = client
                    .post(format!("{auth}/token"))
                    .form(&[
                        ("grant_type", "authorization_code"),
                        ("code", &code),
                        ("code_verifier", &verifier),
                        ("client_id", APP),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert!(tokens["id_token"].is_string());
                Some(token)
            }
        },
        &client,
    )
    .await;
    println!(
        "hosted login, page + complete + token: {hosted:.0}/s ({WORKERS} clients, {}s)",
        DURATION.as_secs()
    );
}

//! The official `passage_flex` 1.0.2 from crates.io, unmodified, against the emulator through
//! its HTTPS proxy. The crate hard-codes `https://api.passage.id`; reqwest honours
//! `HTTPS_PROXY` (the emulator's `--proxy-listen`) and OpenSSL honours `SSL_CERT_FILE` (the
//! emulator's local CA). The passkey ceremonies in between are the browser's part: here the
//! emulator's virtual authenticator does them over plain HTTP at `EMULATOR_BASE`.
//!
//! Run by .ci/run; see README.md. Any failed call panics, so the run fails.

use passage_flex::PassageFlex;
use serde_json::{Value, json};

const APP: &str = "defaultapp00000000000001";
const KEY: &str = "emulator-api-key";
const CUSTOMER: &str = "flex-rust-customer-1";

fn required(name: &str, why: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|value| !value.is_empty())
        .unwrap_or_else(|| panic!("{name} must be set: {why}"))
}

#[tokio::main]
async fn main() {
    let base = required("EMULATOR_BASE", "the emulator's plain HTTP base URL");
    required(
        "HTTPS_PROXY",
        "the emulator's --proxy-listen, as http://host:port",
    );
    required("SSL_CERT_FILE", "the emulator's CA (passage-emulator ca)");
    // The test's own calls (the browser's part) go straight to the emulator, not the proxy.
    let browser = reqwest::Client::builder().no_proxy().build().unwrap();
    let post = |url: String, body: Value| {
        let browser = browser.clone();
        async move {
            let response = browser.post(&url).json(&body).send().await.unwrap();
            assert!(
                response.status().is_success(),
                "{url}: {}",
                response.status()
            );
            response.json::<Value>().await.unwrap()
        }
    };
    post(
        format!("{base}/_emulator/authenticators"),
        json!({"id": "rust-phone"}),
    )
    .await;
    let ceremony = |kind: &'static str, transaction_id: String| {
        let (post, base) = (post.clone(), base.clone());
        async move {
            let auth = format!("{base}/auth/v1/apps/{APP}/{kind}/transactions/webauthn");
            let start = post(
                format!("{auth}/start"),
                json!({"transaction_id": transaction_id}),
            )
            .await;
            let action = if kind == "register" {
                "register"
            } else {
                "login"
            };
            let finish = post(
                format!("{base}/_emulator/authenticators/rust-phone/{action}"),
                start,
            )
            .await;
            let done = post(format!("{auth}/finish"), finish).await;
            done["nonce"].as_str().expect("a nonce").to_owned()
        }
    };

    let flex = PassageFlex::new(APP.to_owned(), KEY.to_owned());
    let transaction = flex
        .auth
        .create_register_transaction(CUSTOMER.to_owned(), "Rust Customer".to_owned())
        .await
        .expect("create_register_transaction");
    let nonce = ceremony("register", transaction).await;
    assert_eq!(
        flex.auth
            .verify_nonce(nonce.clone())
            .await
            .expect("verify_nonce"),
        CUSTOMER
    );
    assert!(
        flex.auth.verify_nonce(nonce).await.is_err(),
        "a nonce is single use"
    );

    let transaction = flex
        .auth
        .create_authenticate_transaction(CUSTOMER.to_owned())
        .await
        .expect("create_authenticate_transaction");
    let nonce = ceremony("authenticate", transaction).await;
    assert_eq!(
        flex.auth.verify_nonce(nonce).await.expect("verify_nonce"),
        CUSTOMER
    );

    let user = flex.user.get(CUSTOMER.to_owned()).await.expect("user get");
    assert_eq!(user.external_id, CUSTOMER);
    assert_eq!(user.login_count, 2);
    let devices = flex
        .user
        .list_devices(CUSTOMER.to_owned())
        .await
        .expect("list_devices");
    assert_eq!(devices.len(), 1);
    flex.user
        .revoke_device(CUSTOMER.to_owned(), devices[0].id.clone())
        .await
        .expect("revoke_device");
    let devices = flex
        .user
        .list_devices(CUSTOMER.to_owned())
        .await
        .expect("list_devices");
    assert!(devices.is_empty());
    assert!(
        flex.user.get("nobody".to_owned()).await.is_err(),
        "unknown external id"
    );
    println!(
        "passage_flex 1.0.2 through the emulator's HTTPS proxy: every call answered as expected"
    );
}

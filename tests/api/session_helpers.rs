//! Helpers for the Auth API session tests: calls, the inbox, registration by passcode, and
//! token verification against the JWKS fetched over HTTP.

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;

pub async fn auth(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Reply {
    app.send(
        method,
        &format!("/auth/v1/apps/{APP_ID}{path}"),
        None,
        body.as_ref(),
    )
    .await
}

/// The newest inbox message for `to`.
pub async fn latest(app: &TestApp, to: &str) -> Value {
    let reply = app
        .send(
            Method::GET,
            &format!("/_emulator/inbox/latest?to={to}"),
            None,
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

/// Registers `identifier` by passcode and returns the auth result.
pub async fn register(app: &TestApp, identifier: &str) -> Value {
    let started = auth(
        app,
        Method::POST,
        "/register/otp",
        Some(json!({"identifier": identifier})),
    )
    .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.text);
    let otp_id = started.body["otp_id"].as_str().unwrap().to_owned();
    let code = latest(app, identifier).await["otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let activated = auth(
        app,
        Method::POST,
        "/otp/activate",
        Some(json!({"otp": code, "otp_id": otp_id})),
    )
    .await;
    assert_eq!(activated.status, StatusCode::OK, "{}", activated.text);
    activated.body["auth_result"].clone()
}

#[derive(Debug, serde::Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: Vec<String>,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

/// Verifies a token with jsonwebtoken against the JWKS fetched over HTTP.
pub async fn verify(app: &TestApp, token: &str) -> Claims {
    let jwks = auth(app, Method::GET, "/.well-known/jwks.json", None)
        .await
        .body;
    let header = decode_header(token).unwrap();
    assert_eq!(
        (header.alg, header.typ.as_deref()),
        (Algorithm::RS256, Some("JWT"))
    );
    let kid = header.kid.expect("kid");
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == json!(kid))
        .expect("kid in JWKS");
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[APP_ID]);
    validation.set_issuer(&[format!("https://auth.passage.id/v1/apps/{APP_ID}")]);
    validation.validate_nbf = true;
    validation.leeway = 0;
    decode::<Claims>(token, &key, &validation)
        .expect("token verifies")
        .claims
}

/// Starts a passcode login for ada and returns the passcode id and the code from the inbox.
pub async fn login(app: &TestApp) -> (String, String) {
    let reply = auth(
        app,
        Method::POST,
        "/login/otp",
        Some(json!({"identifier": "ada@example.com"})),
    )
    .await;
    let otp_id = reply.body["otp_id"].as_str().unwrap().to_owned();
    let code = latest(app, "ada@example.com").await["otp"]
        .as_str()
        .unwrap()
        .to_owned();
    (otp_id, code)
}

/// Sends `request` twenty times at once (a race for one single-use secret) and asserts that
/// exactly one succeeded; returns every status.
pub async fn exactly_one_of_twenty(request: reqwest::RequestBuilder) -> Vec<StatusCode> {
    let statuses = join_all((0..20).map(|_| {
        let request = request.try_clone().expect("a body that can be sent again");
        async move { request.send().await.unwrap().status() }
    }))
    .await;
    let won = statuses.iter().filter(|status| status.is_success()).count();
    assert_eq!(won, 1, "{statuses:?}");
    statuses
}

/// Runs futures concurrently on the test's runtime.
pub async fn join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::new();
    for handle in handles {
        outputs.push(handle.await.unwrap());
    }
    outputs
}

//! Hosted login as an OpenID Connect provider: authorize, the page's completion, token,
//! userinfo, refresh and logout, each hop checked by hand.

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use reqwest::header::{AUTHORIZATION, CACHE_CONTROL, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::session_helpers::{auth, register, verify};
use super::social_helpers::*;

/// Token request fields to change: name and value.
type Fields = Vec<(&'static str, &'static str)>;

const NONCE: &str = "n-0S6_WzA2Mj";

fn authorize_path(challenge: &str, extra: &str) -> String {
    format!(
        "/auth/v1/apps/{APP_ID}/authorize?client_id={APP_ID}&redirect_uri={}\
         &response_type=code&scope=openid%20email&state=s1&nonce={NONCE}\
         &code_challenge={challenge}&code_challenge_method=S256{extra}",
        urlencode(CALLBACK)
    )
}

/// The hosted page's settings (the JSON its script reads).
fn page_config(html: &str) -> Value {
    let start = html
        .find("type=\"application/json\">")
        .expect("config script")
        + "type=\"application/json\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

/// Opens the hosted page and returns its completion URL.
async fn open_page(app: &TestApp, challenge: &str) -> String {
    let page = hop(app, &authorize_path(challenge, "")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    page_config(&page.text)["complete"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn complete(app: &TestApp, url: &str, body: Value) -> Reply {
    reply(app.client.post(url).json(&body).send().await.unwrap()).await
}

async fn token(app: &TestApp, fields: &[(&str, &str)]) -> Reply {
    let url = format!("{}/auth/v1/apps/{APP_ID}/token", app.base);
    reply(app.client.post(url).form(fields).send().await.unwrap()).await
}

/// Registers `email` through the page and returns the code the app receives and the verifier.
async fn code_for(app: &TestApp, email: &str) -> (String, String) {
    let (verifier, challenge) = pkce();
    let complete_url = open_page(app, &challenge).await;
    let signed_in = register(app, email).await;
    let done = complete(
        app,
        &complete_url,
        json!({"auth_token": signed_in["auth_token"]}),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let back = url::Url::parse(done.body["redirect_to"].as_str().unwrap()).unwrap();
    let pairs: Vec<(String, String)> = back.query_pairs().into_owned().collect();
    assert_eq!(pairs[1], ("state".into(), "s1".into()));
    (pairs[0].1.clone(), verifier)
}

#[derive(Debug, serde::Deserialize)]
struct IdClaims {
    iss: String,
    sub: String,
    aud: Vec<String>,
    nonce: String,
    at_hash: String,
    email: String,
    email_verified: bool,
    exp: i64,
    iat: i64,
}

#[tokio::test]
async fn the_hosted_flow_issues_tokens_an_oidc_client_accepts() {
    let app = spawn_app().await;
    let (verifier, challenge) = pkce();
    let page = hop(
        &app,
        &authorize_path(&challenge, "&login_hint=ada%40example.com"),
    )
    .await;
    assert!(
        page.text
            .contains("Sign in to Passage Emulator Default App")
    );
    let mut config = page_config(&page.text);
    let complete_url = config["complete"].as_str().unwrap().to_owned();
    let grant = complete_url.rsplit('/').nth(1).unwrap().to_owned();
    config["complete"] = json!("<complete>");
    assert_eq!(
        config,
        json!({"base": format!("{}/auth/v1", app.base), "app_id": APP_ID,
            "complete": "<complete>", "identifier": "both", "login_hint": "ada@example.com",
            "passkeys": true, "passkeys_here": false, "origin": app.base, "otp": true,
            "magic_link": true})
    );
    assert_eq!(
        complete_url,
        format!("{}/_emulator/hosted/{grant}/complete", app.base)
    );

    // The page signs ada in with a passcode, then completes.
    let signed_in = register(&app, "ada@example.com").await;
    let done = complete(
        &app,
        &complete_url,
        json!({"auth_token": signed_in["auth_token"]}),
    )
    .await;
    let back = url::Url::parse(done.body["redirect_to"].as_str().unwrap()).unwrap();
    assert_eq!(back.as_str().split('?').next().unwrap(), CALLBACK);
    let code = back.query_pairs().next().unwrap().1.into_owned();

    let response = app
        .client
        .post(format!("{}/auth/v1/apps/{APP_ID}/token", app.base))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", &verifier),
            ("client_id", APP_ID),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
    let tokens = reply(response).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.text);
    let keys: Vec<&str> = tokens
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "access_token",
            "token_type",
            "expires_in",
            "refresh_token",
            "id_token",
            "scope"
        ]
    );
    assert_eq!(
        (
            &tokens.body["token_type"],
            &tokens.body["expires_in"],
            &tokens.body["scope"]
        ),
        (&json!("Bearer"), &json!(3600), &json!("openid"))
    );

    // The ID token verifies against the JWKS the discovery document names, for this client,
    // from this issuer, with the nonce of the authorize request.
    let discovery = auth(&app, Method::GET, "/.well-known/openid-configuration", None).await;
    let issuer = discovery.body["issuer"].as_str().unwrap();
    let jwks = reqwest::get(discovery.body["jwks_uri"].as_str().unwrap())
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let id_token = tokens.body["id_token"].as_str().unwrap();
    let header = decode_header(id_token).unwrap();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["kid"] == json!(header.kid.as_deref().unwrap()))
        .expect("kid in the JWKS");
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[APP_ID]);
    validation.set_issuer(&[issuer]);
    let claims = decode::<IdClaims>(id_token, &key, &validation)
        .unwrap()
        .claims;
    let access_token = tokens.body["access_token"].as_str().unwrap();
    let passage = verify(&app, access_token).await;
    assert_eq!(
        (
            claims.iss.as_str(),
            claims.aud,
            claims.nonce.as_str(),
            claims.sub.as_str()
        ),
        (issuer, vec![APP_ID.to_owned()], NONCE, passage.sub.as_str())
    );
    assert_eq!(claims.at_hash, expected_at_hash(access_token));
    assert_eq!(
        (claims.email.as_str(), claims.email_verified),
        ("ada@example.com", true)
    );
    assert_eq!(claims.exp - claims.iat, 3600);

    // userinfo answers for the access token.
    let info = app
        .client
        .get(format!("{}/auth/v1/apps/{APP_ID}/userinfo", app.base))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        reply(info).await.body,
        json!({"sub": passage.sub, "email": "ada@example.com", "email_verified": true,
            "phone": "", "phone_number": "", "phone_number_verified": false})
    );

    // The code worked once.
    let replay = token(
        &app,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", &verifier),
            ("client_id", APP_ID),
        ],
    )
    .await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);
    assert_eq!(replay.body["error"], json!("invalid_grant"));

    // Refresh: new tokens, the old refresh token is spent.
    let refresh_token = tokens.body["refresh_token"].as_str().unwrap();
    let refreshed = token(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", APP_ID),
        ],
    )
    .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.text);
    assert_ne!(
        refreshed.body["refresh_token"],
        tokens.body["refresh_token"]
    );
    let again = token(
        &app,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", APP_ID),
        ],
    )
    .await;
    assert_eq!(again.body["error"], json!("invalid_grant"));

    // Logout goes back to the app with its state; without a URI it shows a page.
    let logout = hop(
        &app,
        &format!(
            "/auth/v1/apps/{APP_ID}/logout?id_token_hint={id_token}&client_id={APP_ID}\
             &post_logout_redirect_uri={}&state=bye",
            urlencode("http://localhost:3000/signed-out")
        ),
    )
    .await;
    assert_eq!(
        logout.location.as_deref(),
        Some("http://localhost:3000/signed-out?state=bye")
    );
    let logout = hop(&app, &format!("/auth/v1/apps/{APP_ID}/logout")).await;
    assert!(logout.text.contains("You are signed out of"));
    let refused = app
        .send(
            Method::GET,
            &format!(
                "/auth/v1/apps/{APP_ID}/logout?post_logout_redirect_uri={}",
                urlencode("https://evil.example/")
            ),
            None,
            None,
        )
        .await;
    assert_error(&refused, 400, "invalid_request", "post_logout_redirect_uri");
    app.stop().await;
}

/// The at_hash of an access token, computed here independently of the emulator.
fn expected_at_hash(token: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let digest = sha2::Sha256::digest(token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16])
}

#[tokio::test]
async fn authorize_refuses_bad_clients_and_redirects_other_mistakes() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    let wrong_client = authorize_path(&challenge, "")
        .replace(&format!("client_id={APP_ID}"), "client_id=someone-else");
    let reply_of = |hop: Hop| serde_json::from_str::<Value>(&hop.text).unwrap();
    let body = reply_of(hop(&app, &wrong_client).await);
    assert_eq!(body["code"], json!("invalid_request"));
    assert!(body["error"].as_str().unwrap().starts_with("client_id:"));
    let evil = authorize_path(&challenge, "")
        .replace(&urlencode(CALLBACK), "https%3A%2F%2Fevil.example%2F");
    let body = reply_of(hop(&app, &evil).await);
    assert!(body["error"].as_str().unwrap().starts_with("redirect_uri:"));

    let cases = [
        (
            "response_type=code",
            "response_type=token",
            "unsupported_response_type",
        ),
        ("scope=openid%20email", "scope=email", "invalid_scope"),
        (
            "code_challenge_method=S256",
            "code_challenge_method=plain",
            "invalid_request",
        ),
    ];
    for (from, to, error) in cases {
        let path = authorize_path(&challenge, "").replace(from, to);
        let back = hop(&app, &path).await;
        assert_eq!(back.param("error"), error, "{path}");
        assert_eq!(back.param("state"), "s1");
    }
    app.stop().await;
}

#[tokio::test]
async fn codes_need_the_verifier_the_redirect_uri_and_the_client() {
    let app = spawn_app().await;
    let attempts: [(&str, Fields, &str); 4] = [
        (
            "invalid_grant",
            vec![("code_verifier", "wrong")],
            "verifier",
        ),
        ("invalid_grant", vec![], "verifier"),
        (
            "invalid_grant",
            vec![("redirect_uri", "http://localhost:3000/other")],
            "redirect_uri",
        ),
        (
            "invalid_client",
            vec![("client_id", "someone-else")],
            "client_id",
        ),
    ];
    for (i, (error, changes, hint)) in attempts.into_iter().enumerate() {
        let (code, verifier) = code_for(&app, &format!("ada{i}@example.com")).await;
        let mut fields = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", APP_ID),
        ];
        if !changes.iter().any(|(k, _)| *k == "code_verifier") && !changes.is_empty() {
            fields.push(("code_verifier", &verifier));
        }
        for (key, value) in &changes {
            fields.retain(|(k, _)| k != key);
            fields.push((key, value));
        }
        let refused = token(&app, &fields).await;
        assert_eq!(
            refused.body["error"],
            json!(error),
            "{fields:?}: {}",
            refused.text
        );
        assert!(
            refused.body["error_description"]
                .as_str()
                .unwrap()
                .contains(hint)
        );
    }

    // HTTP Basic names the client too.
    let (code, verifier) = code_for(&app, "basic@example.com").await;
    let response = app
        .client
        .post(format!("{}/auth/v1/apps/{APP_ID}/token", app.base))
        .basic_auth(APP_ID, Some("any-secret"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", &verifier),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let unsupported = token(&app, &[("grant_type", "password"), ("client_id", APP_ID)]).await;
    assert_eq!(unsupported.body["error"], json!("unsupported_grant_type"));
    let response = app
        .client
        .get(format!("{}/auth/v1/apps/{APP_ID}/userinfo", app.base))
        .header(AUTHORIZATION, "Bearer not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()[WWW_AUTHENTICATE],
        "Bearer error=\"invalid_token\""
    );
    app.stop().await;
}

#[tokio::test]
async fn the_page_can_cancel_and_refuses_bad_tokens() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    let complete_url = open_page(&app, &challenge).await;
    let refused = complete(&app, &complete_url, json!({"auth_token": "garbage"})).await;
    assert_error(&refused, 400, "invalid_request", "auth_token: not a JWT");
    let cancelled = complete(&app, &complete_url, json!({"error": "access_denied"})).await;
    let back = url::Url::parse(cancelled.body["redirect_to"].as_str().unwrap()).unwrap();
    let pairs: Vec<(String, String)> = back.query_pairs().into_owned().collect();
    assert_eq!(pairs[0], ("error".into(), "access_denied".into()));
    assert_eq!(pairs[2], ("state".into(), "s1".into()));
    let again = complete(&app, &complete_url, json!({"error": "access_denied"})).await;
    assert_error(
        &again,
        400,
        "invalid_request",
        "no hosted sign-in is waiting",
    );
    app.stop().await;
}

/// Twenty parallel redemptions of one authorization code: exactly one gets tokens.
#[tokio::test]
async fn twenty_parallel_redemptions_of_one_code_succeed_once() {
    let app = spawn_app().await;
    let (code, verifier) = code_for(&app, "race@example.com").await;
    let url = format!("{}/auth/v1/apps/{APP_ID}/token", app.base);
    let fields = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", verifier.as_str()),
        ("client_id", APP_ID),
    ];
    super::session_helpers::exactly_one_of_twenty(app.client.post(url).form(&fields)).await;
    app.stop().await;
}

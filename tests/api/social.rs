//! Social login through the provider stand-ins, every redirect followed by hand.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::session_helpers::{auth, register, verify};
use super::social_helpers::*;

async fn current_user(app: &TestApp, token: &str) -> Value {
    let reply = app
        .send(
            Method::GET,
            &format!("/auth/v1/apps/{APP_ID}/currentuser"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["user"].clone()
}

#[tokio::test]
async fn first_sign_in_creates_the_user_and_the_second_reuses_it() {
    let app = spawn_app().await;
    let (verifier, challenge) = pkce();

    // Passage's authorize sends the browser to the provider (dev credentials: the app
    // configured no Google client).
    let to_provider = authorize(&app, "google", &challenge, "").await;
    let (url, pairs) = to_provider.redirect();
    assert_eq!(
        url.as_str().split('?').next().unwrap(),
        format!("{}/_emulator/social/google/authorize", app.base)
    );
    let grant = to_provider.param("state");
    assert_eq!(
        pairs,
        vec![
            ("client_id".into(), "passage-emulator-dev-google".into()),
            (
                "redirect_uri".into(),
                format!("{}/auth/v1/social/oauth2_callback", app.base)
            ),
            ("response_type".into(), "code".into()),
            ("scope".into(), "openid email profile".into()),
            ("state".into(), grant.clone()),
        ]
    );

    // The provider's page, then the person types an account.
    let page = hop(&app, url.as_str()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Sign in with Google (Passage emulator)"));
    let to_callback = post_form(
        &format!("{}/_emulator/social/google/authorize", app.base),
        &[
            ("state", &grant),
            ("email", "Ada@Example.com"),
            ("name", "Ada"),
        ],
    )
    .await;
    let (callback, pairs) = to_callback.redirect();
    assert_eq!(
        callback.as_str().split('?').next().unwrap(),
        format!("{}/auth/v1/social/oauth2_callback", app.base)
    );
    assert_eq!(pairs[1], ("state".into(), grant.clone()));

    // Passage's callback hands the app its code.
    let to_app = hop(&app, callback.as_str()).await;
    let (back, pairs) = to_app.redirect();
    assert_eq!(back.as_str().split('?').next().unwrap(), CALLBACK);
    let code = to_app.param("code");
    assert_eq!(
        pairs[1..],
        [
            ("state".into(), "app-state".into()),
            ("link_account".into(), "false".into()),
            ("provider_identifier".into(), "ada@example.com".into()),
        ]
    );

    let reply = exchange(&app, &code, &verifier).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let result = &reply.body["auth_result"];
    assert_eq!(result["redirect_url"], json!("/"));
    assert!(result["refresh_token"].is_string());
    let token = result["auth_token"].as_str().unwrap();
    let claims = verify(&app, token).await;

    let mut user = current_user(&app, token).await;
    let google = user["social_connections"]["google"].take();
    let provider_id = google["provider_id"].as_str().unwrap().to_owned();
    assert_eq!(provider_id.len(), 21);
    let mut google = google;
    redact_time(&mut google, "created_at");
    redact_time(&mut google, "last_login_at");
    assert_eq!(
        google,
        json!({
            "provider_id": provider_id,
            "created_at": "<time>",
            "last_login_at": "<time>",
            "provider_identifier": "ada@example.com",
        })
    );
    assert_eq!(
        (
            &user["id"],
            &user["email"],
            &user["email_verified"],
            &user["status"],
            &user["login_count"]
        ),
        (
            &json!(claims.sub),
            &json!("ada@example.com"),
            &json!(true),
            &json!("active"),
            &json!(1)
        )
    );

    // The same person again, this time skipping the page with login_hint.
    let (verifier, challenge) = pkce();
    let to_provider = authorize(&app, "google", &challenge, "&login_hint=ada@example.com").await;
    assert_eq!(to_provider.param("login_hint"), "ada@example.com");
    let to_callback = hop(&app, to_provider.location.as_deref().unwrap()).await;
    let to_app = hop(&app, to_callback.location.as_deref().unwrap()).await;
    assert_eq!(to_app.param("link_account"), "false");
    let reply = exchange(&app, &to_app.param("code"), &verifier).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let token = reply.body["auth_result"]["auth_token"].as_str().unwrap();
    assert_eq!(verify(&app, token).await.sub, claims.sub);
    let user = current_user(&app, token).await;
    assert_eq!(user["login_count"], json!(2));
    assert_eq!(
        user["social_connections"]["google"]["provider_id"],
        json!(provider_id)
    );

    // The Management API shows the connection too.
    let reply = app
        .mgmt(Method::GET, &format!("/users/{}", claims.sub), None)
        .await;
    assert_eq!(
        reply.body["user"]["social_connections"]["google"]["provider_identifier"],
        json!("ada@example.com")
    );
    assert_eq!(
        reply.body["user"]["social_connections"]
            .as_object()
            .unwrap()
            .len(),
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn an_existing_email_user_links_the_provider_while_signed_in() {
    let app = spawn_app().await;
    let grace = register(&app, "grace@example.com").await;
    let grace_token = grace["auth_token"].as_str().unwrap();

    let (to_app, verifier) = sign_in_at(&app, "github", "grace@example.com").await;
    assert_eq!(to_app.param("link_account"), "true");
    assert_eq!(to_app.param("provider_identifier"), "grace@example.com");
    let code = to_app.param("code");

    // The code cannot sign in on its own: grace has not linked GitHub yet.
    let reply = exchange(&app, &code, &verifier).await;
    assert_error(&reply, 403, "operation_not_allowed", "link_account");

    // Signed in as grace, a new sign-in's code links the account.
    let (to_app, verifier) = sign_in_at(&app, "github", "grace@example.com").await;
    let link = format!(
        "/auth/v1/apps/{APP_ID}/currentuser/social/link_account?code={}&verifier={}",
        to_app.param("code"),
        urlencode(&verifier)
    );
    let reply = app.send(Method::GET, &link, Some(grace_token), None).await;
    assert_eq!(
        (reply.status, &reply.body),
        (StatusCode::CREATED, &Value::Null)
    );

    let reply = app
        .send(
            Method::GET,
            &format!("/auth/v1/apps/{APP_ID}/currentuser/social-connections"),
            Some(grace_token),
            None,
        )
        .await;
    let connections = reply.body["social_connections"].as_object().unwrap();
    assert_eq!(connections.keys().collect::<Vec<_>>(), ["github"]);
    assert_eq!(
        connections["github"]["provider_id"].as_str().unwrap().len(),
        8
    );

    // From now on GitHub signs grace in.
    let (to_app, verifier) = sign_in_at(&app, "github", "grace@example.com").await;
    assert_eq!(to_app.param("link_account"), "false");
    let reply = exchange(&app, &to_app.param("code"), &verifier).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let token = reply.body["auth_result"]["auth_token"].as_str().unwrap();
    let grace_id = verify(&app, grace_token).await.sub;
    assert_eq!(verify(&app, token).await.sub, grace_id);

    // Unlinking: 200 once, then 404.
    let unlink = format!("/auth/v1/apps/{APP_ID}/currentuser/social-connections/github");
    let reply = app.send(Method::DELETE, &unlink, Some(token), None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let reply = app.send(Method::DELETE, &unlink, Some(token), None).await;
    assert_error(&reply, 404, "social_connection_not_found", "github");
    app.stop().await;
}

#[tokio::test]
async fn codes_need_the_right_verifier_and_work_once() {
    let app = spawn_app().await;
    let (to_app, verifier) = sign_in_at(&app, "google", "ada@example.com").await;
    let code = to_app.param("code");
    let reply = app
        .send(
            Method::GET,
            &format!("/auth/v1/apps/{APP_ID}/social/token?code={code}"),
            None,
            None,
        )
        .await;
    assert_error(
        &reply,
        400,
        "invalid_request",
        "verifier: missing from the query string",
    );
    let reply = exchange(&app, &code, "not-the-verifier").await;
    assert_error(&reply, 400, "invalid_request", "verifier: does not match");
    // A failed attempt spends the code.
    let reply = exchange(&app, &code, &verifier).await;
    assert_error(
        &reply,
        400,
        "invalid_request",
        "code: unknown, or already exchanged",
    );

    let (to_app, verifier) = sign_in_at(&app, "google", "ada@example.com").await;
    let code = to_app.param("code");
    assert_eq!(
        exchange(&app, &code, &verifier).await.status,
        StatusCode::CREATED
    );
    let reply = exchange(&app, &code, &verifier).await;
    assert_error(&reply, 400, "invalid_request", "already exchanged");

    // Five minutes on the emulator's clock and a code is stale.
    let (to_app, verifier) = sign_in_at(&app, "google", "ada@example.com").await;
    app.advance_clock(301).await;
    let reply = exchange(&app, &to_app.param("code"), &verifier).await;
    assert_error(&reply, 400, "invalid_request", "code: expired");
    app.stop().await;
}

#[tokio::test]
async fn authorize_refuses_bad_requests() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    let reply = |hop: Hop| {
        let body: Value = serde_json::from_str(&hop.text).unwrap();
        (
            hop.status.as_u16(),
            body["code"].clone(),
            body["error"].clone(),
        )
    };
    let (status, code, error) = reply(authorize(&app, "facebook", &challenge, "").await);
    assert_eq!((status, code), (400, json!("invalid_request")));
    assert!(
        error
            .as_str()
            .unwrap()
            .contains("`facebook` is not apple, github or google")
    );

    let base = format!("/auth/v1/apps/{APP_ID}/social/authorize?connection_type=google");
    let cases = [
        (
            format!(
                "{base}&redirect_uri={}&code_challenge={challenge}&code_challenge_method=plain",
                urlencode(CALLBACK)
            ),
            "code_challenge_method: only S256",
        ),
        (
            format!(
                "{base}&redirect_uri={}&code_challenge_method=S256",
                urlencode(CALLBACK)
            ),
            "code_challenge: missing from the query string",
        ),
        (
            format!(
                "{base}&redirect_uri={}&code_challenge=short&code_challenge_method=S256",
                urlencode(CALLBACK)
            ),
            "code_challenge: must be the base64url SHA-256",
        ),
        (
            format!(
                "{base}&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&code_challenge={challenge}&code_challenge_method=S256"
            ),
            "redirect_uri: `https://evil.example/cb` is not allowed",
        ),
    ];
    for (path, message) in cases {
        let (status, code, error) = reply(hop(&app, &path).await);
        assert_eq!((status, code), (400, json!("invalid_request")), "{path}");
        assert!(
            error.as_str().unwrap().contains(message),
            "{error} lacks {message}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn callbacks_refuse_unknown_states_and_forged_codes() {
    let app = spawn_app().await;
    let reply = app
        .send(
            Method::GET,
            "/auth/v1/social/oauth2_callback?code=x&state=nosuchgrant",
            None,
            None,
        )
        .await;
    assert_error(&reply, 400, "invalid_request", "state: no social sign-in");

    // A code the provider did not give for this sign-in: back to the app with an error.
    let (_, challenge) = pkce();
    let to_provider = authorize(&app, "google", &challenge, "").await;
    let grant = to_provider.param("state");
    let to_app = hop(
        &app,
        &format!("/auth/v1/social/oauth2_callback?code=forged&state={grant}"),
    )
    .await;
    assert_eq!(to_app.param("error"), "invalid_request");
    assert_eq!(to_app.param("state"), "app-state");
    // The sign-in is over: its state no longer works.
    let reply = app
        .send(
            Method::GET,
            &format!("/auth/v1/social/oauth2_callback?code=x&state={grant}"),
            None,
            None,
        )
        .await;
    assert_error(&reply, 400, "invalid_request", "state");
    app.stop().await;
}

#[tokio::test]
async fn a_refusal_at_the_provider_reaches_the_app_as_an_oauth_error() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    let to_provider = authorize(&app, "github", &challenge, "").await;
    let grant = to_provider.param("state");
    let to_callback = post_form(
        &format!("{}/_emulator/social/github/authorize", app.base),
        &[("state", &grant), ("error", "consent_required")],
    )
    .await;
    let to_app = hop(&app, to_callback.location.as_deref().unwrap()).await;
    let (back, pairs) = to_app.redirect();
    assert_eq!(back.as_str().split('?').next().unwrap(), CALLBACK);
    assert_eq!(
        pairs,
        vec![
            ("error".into(), "consent_required".into()),
            (
                "error_description".into(),
                "The person refused at GitHub.".into()
            ),
            ("state".into(), "app-state".into()),
        ]
    );
    let reply = auth(&app, Method::GET, "/currentuser", None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    app.stop().await;
}

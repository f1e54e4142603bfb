//! The provider stand-ins: Apple's form_post, configured providers and their identities,
//! identities queued by tests, and native sign-in with an ID token.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;
use super::session_helpers::{auth, verify};
use super::social_helpers::*;

#[tokio::test]
async fn apple_answers_with_a_form_post_to_the_callback() {
    let app = spawn_app().await;
    let (verifier, challenge) = pkce();
    let to_provider = authorize(&app, "apple", &challenge, "").await;
    assert_eq!(to_provider.param("response_mode"), "form_post");
    assert_eq!(to_provider.param("scope"), "name email");
    let grant = to_provider.param("state");
    let form = post_form(
        &format!("{}/_emulator/social/apple/authorize", app.base),
        &[
            ("state", &grant),
            ("email", "tim@example.com"),
            ("name", "Tim Apple"),
        ],
    )
    .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    let action = format!("{}/auth/v1/social/oauth2_callback", app.base);
    assert!(
        form.text.contains(&format!("action=\"{action}\"")),
        "{}",
        form.text
    );
    let user = hidden_input(&form.text, "user");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&user).unwrap(),
        json!({"name": {"firstName": "Tim", "lastName": "Apple"}, "email": "tim@example.com"})
    );
    let fields = ["code", "state", "id_token"].map(|name| hidden_input(&form.text, name));
    assert_eq!(fields[1], grant);
    let to_app = post_form(
        &action,
        &[
            ("code", &fields[0]),
            ("state", &fields[1]),
            ("id_token", &fields[2]),
            ("user", &user),
        ],
    )
    .await;
    assert_eq!(to_app.param("provider_identifier"), "tim@example.com");
    let reply = exchange(&app, &to_app.param("code"), &verifier).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    app.stop().await;
}

#[tokio::test]
async fn a_configured_provider_offers_its_identities_and_its_own_callback() {
    let app = spawn_app().await;
    let settings = json!({"social_connections": {"google": {
        "client_id": "my-google-client",
        "identities": [{"email": "ada@example.com", "name": "Ada Lovelace"}],
    }}});
    let reply = app.mgmt(Method::PATCH, "", Some(settings)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let reply = auth(&app, Method::GET, "", None).await;
    assert_eq!(
        reply.body["app"]["social_connections"],
        json!({"google": {"client_id": "my-google-client"}})
    );

    let (verifier, challenge) = pkce();
    let to_provider = authorize(&app, "google", &challenge, "").await;
    assert_eq!(to_provider.param("client_id"), "my-google-client");
    let callback = format!("{}/auth/v1/apps/{APP_ID}/social/oauth2_callback", app.base);
    assert_eq!(to_provider.param("redirect_uri"), callback);
    let page = hop(&app, to_provider.location.as_deref().unwrap()).await;
    assert!(
        page.text.contains("Ada Lovelace &lt;ada@example.com&gt;"),
        "{}",
        page.text
    );
    assert!(page.text.contains("Passage Emulator Default App"));

    // Picking the listed identity: the same form the button submits.
    let grant = to_provider.param("state");
    let to_callback = post_form(
        &format!("{}/_emulator/social/google/authorize", app.base),
        &[
            ("state", &grant),
            ("email", "ada@example.com"),
            ("name", "Ada Lovelace"),
        ],
    )
    .await;
    assert!(
        to_callback
            .location
            .as_deref()
            .unwrap()
            .starts_with(&callback)
    );
    let to_app = hop(&app, to_callback.location.as_deref().unwrap()).await;
    let reply = exchange(&app, &to_app.param("code"), &verifier).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);

    // A provider page opened with another client id is refused.
    let tampered = to_provider
        .location
        .unwrap()
        .replace("my-google-client", "someone-else");
    let reply = hop(&app, &tampered).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    app.stop().await;
}

#[tokio::test]
async fn queued_identities_and_errors_answer_the_next_sign_in() {
    let app = spawn_app().await;
    let queue = |body: serde_json::Value| {
        let app = &app;
        async move {
            app.send(
                Method::POST,
                "/_emulator/social/next-identity",
                None,
                Some(&body),
            )
            .await
        }
    };
    let reply = queue(json!({"app_id": APP_ID, "connection_type": "github",
        "email": "Linus@Example.com", "name": "Linus"}))
    .await;
    assert_eq!(
        (reply.status, reply.body),
        (
            StatusCode::CREATED,
            json!({"email": "linus@example.com", "name": "Linus"})
        )
    );
    queue(json!({"app_id": APP_ID, "error": "login_required"})).await;

    // A Google sign-in skips GitHub's queued identity and takes the error queued for any.
    let (_, challenge) = pkce();
    let to_provider = authorize(&app, "google", &challenge, "").await;
    let to_callback = hop(&app, to_provider.location.as_deref().unwrap()).await;
    let to_app = hop(&app, to_callback.location.as_deref().unwrap()).await;
    assert_eq!(to_app.param("error"), "login_required");

    let (verifier, challenge) = pkce();
    let to_provider = authorize(&app, "github", &challenge, "").await;
    let to_callback = hop(&app, to_provider.location.as_deref().unwrap()).await;
    let to_app = hop(&app, to_callback.location.as_deref().unwrap()).await;
    assert_eq!(to_app.param("provider_identifier"), "linus@example.com");
    let reply = exchange(&app, &to_app.param("code"), &verifier).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);

    // The queue is empty again: the page shows.
    let to_provider = authorize(&app, "github", &challenge, "").await;
    let page = hop(&app, to_provider.location.as_deref().unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Sign in with GitHub"));

    let reply = queue(json!({"app_id": APP_ID, "email": "not-an-email"})).await;
    assert_error(&reply, 400, "invalid_request", "email:");
    let reply = queue(json!({"app_id": "nosuchapp", "email": "a@example.com"})).await;
    assert_error(&reply, 404, "app_not_found", "");
    app.stop().await;
}

#[tokio::test]
async fn native_sign_in_exchanges_a_stand_in_id_token() {
    let app = spawn_app().await;
    let mint = |provider: &str, email: &str| {
        let body = json!({"app_id": APP_ID, "connection_type": provider, "email": email});
        let app = &app;
        async move {
            app.send(
                Method::POST,
                "/_emulator/social/id_token",
                None,
                Some(&body),
            )
            .await
            .body
        }
    };
    let exchange_id_token = |minted: serde_json::Value, provider: &str| {
        let body = json!({"code": minted["code"], "id_token": minted["id_token"],
            "connection_type": provider});
        let app = &app;
        async move { auth(app, Method::POST, "/social/id_token", Some(body)).await }
    };
    let minted = mint("apple", "tim@example.com").await;
    let reply = exchange_id_token(minted.clone(), "apple").await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let first = verify(
        &app,
        reply.body["auth_result"]["auth_token"].as_str().unwrap(),
    )
    .await;
    let again = exchange_id_token(mint("apple", "tim@example.com").await, "apple").await;
    let second = verify(
        &app,
        again.body["auth_result"]["auth_token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(first.sub, second.sub);

    // The same email through Google links to the same user (the provider vouched for it).
    let google = exchange_id_token(mint("google", "tim@example.com").await, "google").await;
    let third = verify(
        &app,
        google.body["auth_result"]["auth_token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(third.sub, first.sub);
    let reply = app
        .mgmt(Method::GET, &format!("/users/{}", first.sub), None)
        .await;
    let connections = reply.body["user"]["social_connections"]
        .as_object()
        .unwrap();
    assert_eq!(connections.keys().collect::<Vec<_>>(), ["apple", "google"]);

    // Wrong provider, a token that is not the stand-in's, GitHub.
    let reply = exchange_id_token(minted.clone(), "google").await;
    assert_error(&reply, 400, "invalid_request", "id_token:");
    let forged =
        json!({"code": "c", "id_token": "eyJhbGciOiJub25lIn0.e30.", "connection_type": "apple"});
    let reply = auth(&app, Method::POST, "/social/id_token", Some(forged)).await;
    assert_error(&reply, 400, "invalid_request", "id_token:");
    let reply = exchange_id_token(minted, "github").await;
    assert_error(&reply, 400, "invalid_request", "must be apple or google");
    app.stop().await;
}

#[tokio::test]
async fn reached_as_auth_passage_id_the_redirects_stay_on_that_host() {
    let app = spawn_app().await;
    let (_, challenge) = pkce();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .get(format!(
            "{}/v1/apps/{APP_ID}/social/authorize?connection_type=google&state=s\
             &redirect_uri={}&code_challenge={challenge}&code_challenge_method=S256",
            app.base,
            urlencode(CALLBACK)
        ))
        .header("Host", "auth.passage.id")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("https://auth.passage.id/_emulator/social/google/authorize?"),
        "{location}"
    );
    assert!(
        location
            .contains("redirect_uri=https%3A%2F%2Fauth.passage.id%2Fv1%2Fsocial%2Foauth2_callback"),
        "{location}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_social_example_fixture_configures_all_three_providers() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/social.json");
    let app = spawn_with(passage_emulator::config::Config {
        fixtures: vec![path],
        ..passage_emulator::config::Config::ephemeral()
    })
    .await;
    let app_id = "socialapp000000000000001";
    let reply = app
        .send(Method::GET, &format!("/auth/v1/apps/{app_id}"), None, None)
        .await;
    assert_eq!(
        reply.body["app"]["social_connections"],
        json!({
            "apple": {"client_id": "socialapp000000000000001.apple.emulator"},
            "github": {"client_id": "socialapp000000000000001.github.emulator"},
            "google": {"client_id": "social-demo.apps.googleusercontent.com"},
        })
    );
    // The Google page offers both identities; the hosted flow accepts the listed callback.
    let (_, challenge) = pkce();
    let to_provider = hop(
        &app,
        &format!(
            "/auth/v1/apps/{app_id}/social/authorize?connection_type=google&state=s\
             &redirect_uri={}&code_challenge={challenge}&code_challenge_method=S256",
            urlencode(CALLBACK)
        ),
    )
    .await;
    let page = hop(&app, to_provider.location.as_deref().unwrap()).await;
    for person in [
        "Ada Lovelace &lt;ada@example.com&gt;",
        "Grace Hopper &lt;grace@example.com&gt;",
    ] {
        assert!(page.text.contains(person), "{person}");
    }
    let hosted = hop(
        &app,
        &format!(
            "/auth/v1/apps/{app_id}/authorize?client_id={app_id}&response_type=code&scope=openid\
             &redirect_uri={}",
            urlencode("http://localhost:8080/oidc/callback")
        ),
    )
    .await;
    assert_eq!(hosted.status, StatusCode::OK, "{}", hosted.text);

    // Linus's GitHub account is linked by the fixture: his first sign-in is his user's.
    let (verifier, challenge) = pkce();
    let to_provider = hop(
        &app,
        &format!(
            "/auth/v1/apps/{app_id}/social/authorize?connection_type=github&state=s\
             &redirect_uri={}&code_challenge={challenge}&code_challenge_method=S256\
             &login_hint=linus@example.com",
            urlencode(CALLBACK)
        ),
    )
    .await;
    let to_callback = hop(&app, to_provider.location.as_deref().unwrap()).await;
    let to_app = hop(&app, to_callback.location.as_deref().unwrap()).await;
    assert_eq!(to_app.param("link_account"), "false");
    let reply = app
        .send(
            Method::GET,
            &format!(
                "/auth/v1/apps/{app_id}/social/token?code={}&verifier={}",
                to_app.param("code"),
                urlencode(&verifier)
            ),
            None,
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let user = app
        .send(
            Method::GET,
            &format!("/api/v1/apps/{app_id}/users/socialuser00000000000002"),
            Some("social-demo-api-key"),
            None,
        )
        .await;
    assert_eq!(user.body["user"]["login_count"], json!(1));
    assert_eq!(
        user.body["user"]["social_connections"]["github"]["provider_identifier"],
        json!("linus@example.com")
    );
    app.stop().await;
}

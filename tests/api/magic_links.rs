//! Magic links: registration and login through the inbox, activation once, status polling,
//! expiry, and links created by the Management API.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;
use super::session_helpers::*;

/// The secret of a link (`...?psg_magic_link=SECRET`).
fn secret_of(url: &str) -> String {
    url.rsplit('=').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_registration_link_logs_in_once_and_answers_the_waiting_device() {
    let app = spawn_app().await;
    let started = auth(
        &app,
        Method::POST,
        "/register/magic-link",
        Some(json!({"identifier": "ada@example.com", "magic_link_path": "/"})),
    )
    .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.text);
    let id = started.body["magic_link"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(started.body, json!({"magic_link": {"id": id}}));

    let message = latest(&app, "ada@example.com").await;
    assert_eq!(message["kind"], json!("register_magic_link"));
    assert_eq!(
        message["subject"],
        json!("Your sign-in link for Passage Emulator Default App")
    );
    let url = message["magic_link"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with("http://localhost:3000/?psg_magic_link="),
        "{url}"
    );
    assert!(message["text"].as_str().unwrap().contains(&url));

    let waiting = auth(
        &app,
        Method::POST,
        "/magic-link/status",
        Some(json!({"id": id})),
    )
    .await;
    assert_error(
        &waiting,
        404,
        "magic_link_not_found",
        "not been activated yet",
    );

    let activated = auth(
        &app,
        Method::PATCH,
        "/magic-link/activate",
        Some(json!({"magic_link": secret_of(&url)})),
    )
    .await;
    assert_eq!(activated.status, StatusCode::OK, "{}", activated.text);
    let result = activated.body["auth_result"].clone();
    assert_eq!(result["redirect_url"], json!("/"));
    let claims = verify(&app, result["auth_token"].as_str().unwrap()).await;

    let polled = auth(
        &app,
        Method::POST,
        "/magic-link/status",
        Some(json!({"id": id})),
    )
    .await;
    assert_eq!(polled.status, StatusCode::OK, "{}", polled.text);
    assert_eq!(
        verify(
            &app,
            polled.body["auth_result"]["auth_token"].as_str().unwrap()
        )
        .await
        .sub,
        claims.sub
    );

    let again = auth(
        &app,
        Method::PATCH,
        "/magic-link/activate",
        Some(json!({"magic_link": secret_of(&url)})),
    )
    .await;
    assert_error(
        &again,
        401,
        "invalid_magic_link",
        "unknown, used or expired",
    );
    let user = app
        .mgmt(Method::GET, &format!("/users/{}", claims.sub), None)
        .await
        .body["user"]
        .clone();
    assert_eq!(
        (
            user["status"].clone(),
            user["email_verified"].clone(),
            user["login_count"].clone()
        ),
        (json!("active"), json!(true), json!(1))
    );

    let unknown = auth(
        &app,
        Method::POST,
        "/magic-link/status",
        Some(json!({"id": "noSuchLink"})),
    )
    .await;
    assert_error(
        &unknown,
        404,
        "magic_link_not_found",
        "Magic link not found.",
    );
}

#[tokio::test]
async fn login_links_follow_the_path_and_expire() {
    let app = spawn_app().await;
    app.create_user(json!({"phone": "+14155552671"})).await;
    let started = auth(&app, Method::POST, "/login/magic-link", Some(json!({"identifier": "+14155552671", "magic_link_path": "/magic?next=home", "language": "es"}))).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    let message = latest(&app, "+14155552671").await;
    assert_eq!(
        (
            message["channel"].clone(),
            message["kind"].clone(),
            message["language"].clone()
        ),
        (json!("sms"), json!("login_magic_link"), json!("es"))
    );
    let url = message["magic_link"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with("http://localhost:3000/magic?next=home&psg_magic_link="),
        "{url}"
    );

    app.advance_clock(301).await;
    let late = auth(
        &app,
        Method::PATCH,
        "/magic-link/activate",
        Some(json!({"magic_link": secret_of(&url)})),
    )
    .await;
    assert_error(&late, 401, "invalid_magic_link", "expired");

    let unknown = auth(
        &app,
        Method::POST,
        "/login/magic-link",
        Some(json!({"identifier": "nobody@example.com"})),
    )
    .await;
    assert_error(&unknown, 404, "user_not_found", "User not found.");
    let absolute = auth(
        &app,
        Method::POST,
        "/login/magic-link",
        Some(json!({"identifier": "+14155552671", "magic_link_path": "https://evil.example/"})),
    )
    .await;
    assert_error(&absolute, 400, "invalid_request", "magic_link_path");
    let taken = auth(
        &app,
        Method::POST,
        "/register/magic-link",
        Some(json!({"identifier": "+14155552671"})),
    )
    .await;
    assert_error(&taken, 400, "invalid_request", "user: already exists.");
}

#[tokio::test]
async fn twenty_parallel_activations_of_one_link_succeed_once() {
    let app = spawn_app().await;
    auth(
        &app,
        Method::POST,
        "/register/magic-link",
        Some(json!({"identifier": "ada@example.com"})),
    )
    .await;
    let url = latest(&app, "ada@example.com").await["magic_link"]
        .as_str()
        .unwrap()
        .to_owned();
    let target = format!("{}/auth/v1/apps/{APP_ID}/magic-link/activate", app.base);
    let attempts = (0..20).map(|_| {
        let request = app
            .client
            .patch(&target)
            .json(&json!({"magic_link": secret_of(&url)}));
        async move { request.send().await.unwrap().status() }
    });
    let statuses = join_all(attempts).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::UNAUTHORIZED)
    );
}

#[tokio::test]
async fn the_management_api_creates_links_with_every_option() {
    let app = spawn_app().await;
    let reply = app
        .mgmt(
            Method::POST,
            "/magic-links",
            Some(json!({
                "channel": "email", "email": "New@Example.com", "type": "login", "send": false,
                "language": "en", "magic_link_path": "/magic", "redirect_url": "/done", "ttl": 12
            })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let mut link = reply.body["magic_link"].clone();
    let secret = link["secret"].as_str().unwrap().to_owned();
    let user_id = link["user_id"].as_str().unwrap().to_owned();
    redact_id(&mut link, "id");
    redact_id(&mut link, "user_id");
    assert_eq!(
        link,
        json!({
            "activated": false, "app_id": APP_ID, "id": "<id>", "identifier": "new@example.com",
            "redirect_url": "/done", "secret": secret, "ttl": 12, "type": "login",
            "url": format!("http://localhost:3000/magic?psg_magic_link={secret}"), "user_id": "<id>"
        })
    );
    // Not sent; the unknown email got a pending user.
    let inbox = app.send(Method::GET, "/_emulator/inbox", None, None).await;
    assert_eq!(inbox.body["total"], json!(0));
    let user = app
        .mgmt(Method::GET, &format!("/users/{user_id}"), None)
        .await;
    assert_eq!(user.body["user"]["status"], json!("pending"));

    // The TTL is in minutes: alive after 11, and the session redirects where asked.
    app.advance_clock(11 * 60).await;
    let activated = auth(
        &app,
        Method::PATCH,
        "/magic-link/activate",
        Some(json!({"magic_link": secret})),
    )
    .await;
    assert_eq!(activated.status, StatusCode::OK, "{}", activated.text);
    assert_eq!(
        activated.body["auth_result"]["redirect_url"],
        json!("/done")
    );

    // By user id, verifying the identifier, sent.
    let sent = app
        .mgmt(Method::POST, "/magic-links", Some(json!({"user_id": user_id, "type": "verify_identifier", "send": true, "channel": "email"})))
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
    let message = latest(&app, "new@example.com").await;
    assert_eq!(message["kind"], json!("verify_identifier"));
    assert_eq!(message["magic_link"], sent.body["magic_link"]["url"]);
    assert!(
        message["magic_link"]
            .as_str()
            .unwrap()
            .starts_with("http://localhost:3000/?psg_verify_link=")
    );

    let cases = [
        (
            json!({"user_id": "noSuchUser00000000000000"}),
            404,
            "user_not_found",
        ),
        (
            json!({"channel": "phone", "email": "a@example.com"}),
            400,
            "invalid_request",
        ),
        (
            json!({"user_id": user_id, "channel": "phone"}),
            400,
            "invalid_request",
        ),
        (
            json!({"email": "a@example.com", "ttl": 0}),
            400,
            "invalid_request",
        ),
        (
            json!({"email": "a@example.com", "type": "signup"}),
            400,
            "invalid_request",
        ),
        (json!({}), 400, "invalid_request"),
    ];
    for (body, status, code) in cases {
        let reply = app.mgmt(Method::POST, "/magic-links", Some(body)).await;
        assert_error(&reply, status, code, "");
    }
}

//! One-time passcodes: registration and login end to end, single use, wrong codes, expiry,
//! concurrency.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;
use super::session_helpers::*;

#[tokio::test]
async fn a_passcode_registration_issues_a_verifiable_session() {
    let app = spawn_app().await;
    let result = register(&app, "ada@example.com").await;
    assert_eq!(result["redirect_url"], json!("/"));
    let refresh = result["refresh_token"].as_str().unwrap();
    assert_eq!(refresh.len(), 48);
    let claims = verify(&app, result["auth_token"].as_str().unwrap()).await;
    assert_eq!(
        claims.aud,
        vec!["http://localhost:3000".to_owned(), APP_ID.to_owned()]
    );
    assert_eq!(
        claims.iss,
        format!("https://auth.passage.id/v1/apps/{APP_ID}")
    );
    assert_eq!(
        (claims.nbf, claims.exp),
        (claims.iat - 5, claims.iat + 3600)
    );
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((claims.iat - now).abs() <= 2);
    let expiration = result["refresh_token_expiration"].as_i64().unwrap();
    assert!((expiration - (claims.iat + 30 * 24 * 3600)).abs() <= 1);

    // The user is active, verified and has logged in once.
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
    assert_ne!(user["last_login_at"], json!("0001-01-01T00:00:00Z"));

    // Registering again is refused; logging in works.
    let again = auth(
        &app,
        Method::POST,
        "/register/otp",
        Some(json!({"identifier": "ADA@example.com"})),
    )
    .await;
    assert_error(&again, 400, "invalid_request", "user: already exists.");
    let login = auth(
        &app,
        Method::POST,
        "/login/otp",
        Some(json!({"identifier": "ada@example.com"})),
    )
    .await;
    assert_eq!(login.status, StatusCode::CREATED);
    assert_eq!(
        latest(&app, "ada@example.com").await["kind"],
        json!("login_otp")
    );
}

#[tokio::test]
async fn passcodes_are_single_use_and_die_after_five_wrong_codes() {
    let app = spawn_app().await;
    register(&app, "ada@example.com").await;
    let (otp_id, code) = login(&app).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let reply = auth(
            &app,
            Method::POST,
            "/otp/activate",
            Some(json!({"otp": wrong, "otp_id": otp_id})),
        )
        .await;
        assert_error(
            &reply,
            400,
            "invalid_request",
            "otp: the one-time passcode is wrong.",
        );
    }
    let reply = auth(
        &app,
        Method::POST,
        "/otp/activate",
        Some(json!({"otp": code, "otp_id": otp_id})),
    )
    .await;
    assert_error(&reply, 401, "exceeded_attempts", "Too many wrong");

    let (otp_id, code) = login(&app).await;
    let ok = auth(
        &app,
        Method::POST,
        "/otp/activate",
        Some(json!({"otp": code, "otp_id": otp_id})),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    let reused = auth(
        &app,
        Method::POST,
        "/otp/activate",
        Some(json!({"otp": code, "otp_id": otp_id})),
    )
    .await;
    assert_error(
        &reused,
        400,
        "invalid_request",
        "otp_id: no such one-time passcode",
    );

    // Expiry follows the emulator's clock: 300 s by default.
    let (otp_id, code) = login(&app).await;
    app.advance_clock(301).await;
    let late = auth(
        &app,
        Method::POST,
        "/otp/activate",
        Some(json!({"otp": code, "otp_id": otp_id})),
    )
    .await;
    assert_error(&late, 400, "invalid_request", "has expired");
}

#[tokio::test]
async fn twenty_parallel_activations_of_one_code_succeed_once() {
    let app = spawn_app().await;
    register(&app, "ada@example.com").await;
    let started = auth(
        &app,
        Method::POST,
        "/login/otp",
        Some(json!({"identifier": "ada@example.com"})),
    )
    .await;
    let otp_id = started.body["otp_id"].as_str().unwrap().to_owned();
    let code = latest(&app, "ada@example.com").await["otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = format!("{}/auth/v1/apps/{APP_ID}/otp/activate", app.base);
    let attempts = (0..20).map(|_| {
        let request = app
            .client
            .post(&url)
            .json(&json!({"otp": code, "otp_id": otp_id}));
        async move { request.send().await.unwrap().status() }
    });
    let statuses = join_all(attempts).await;
    let successes = statuses
        .iter()
        .filter(|status| **status == StatusCode::OK)
        .count();
    assert_eq!(successes, 1, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::BAD_REQUEST)
    );
}

#[tokio::test]
async fn login_errors() {
    let app = spawn_app().await;
    let unknown = auth(
        &app,
        Method::POST,
        "/login/otp",
        Some(json!({"identifier": "nobody@example.com"})),
    )
    .await;
    assert_error(&unknown, 404, "user_not_found", "User not found.");
    let created = app.create_user(json!({"email": "off@example.com"})).await;
    app.mgmt(
        Method::PATCH,
        &format!("/users/{}/deactivate", created["id"].as_str().unwrap()),
        None,
    )
    .await;
    let inactive = auth(
        &app,
        Method::POST,
        "/login/otp",
        Some(json!({"identifier": "off@example.com"})),
    )
    .await;
    assert_error(&inactive, 403, "user_not_active", "User is not active.");
    app.mgmt(
        Method::PATCH,
        "",
        Some(json!({"auth_methods": {"otp": {"enabled": false}}})),
    )
    .await;
    let disabled = auth(
        &app,
        Method::POST,
        "/login/otp",
        Some(json!({"identifier": "off@example.com"})),
    )
    .await;
    assert_error(&disabled, 403, "operation_not_allowed", "disabled");
    let missing = auth(
        &app,
        Method::POST,
        "/otp/activate",
        Some(json!({"otp": "123456"})),
    )
    .await;
    assert_error(&missing, 400, "invalid_request", "missing field `otp_id`");
}

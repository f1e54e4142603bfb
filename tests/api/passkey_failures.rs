//! Every check a ceremony makes, failing on purpose: origin, rp id, challenge, signature,
//! replay, expiry, counter, revoked device, inactive user. Each answer names what failed.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::passkey_helpers::*;
use super::session_helpers::*;

async fn finish_login(app: &TestApp, finish: Value) -> Reply {
    auth(app, Method::POST, "/login/webauthn/finish", Some(finish)).await
}

/// A registered user "ada" with a passkey on a fresh authenticator.
async fn ada(app: &TestApp) -> (String, String) {
    let phone = new_authenticator(app, json!({})).await;
    let result = register_passkey(app, &phone, "ada@example.com").await;
    let sub = verify(app, result["auth_token"].as_str().unwrap())
        .await
        .sub;
    (phone, sub)
}

#[tokio::test]
async fn a_response_from_another_origin_is_refused() {
    let app = spawn_app().await;
    let phone = new_authenticator(&app, json!({})).await;
    let mut started = register_start(&app, "ada@example.com").await;
    started["origin"] = json!("http://localhost:4000");
    let finish = answer(&app, &phone, "register", &started).await;
    let done = auth(
        &app,
        Method::POST,
        "/register/webauthn/finish",
        Some(finish),
    )
    .await;
    assert_error(&done, 401, "webauthn_login_failed", "origin");

    let (phone, _) = ada(&app).await;
    let mut started = login_start(&app, Some("ada@example.com")).await.body;
    started["origin"] = json!("http://localhost:4000");
    let finish = answer(&app, &phone, "login", &started).await;
    assert_error(
        &finish_login(&app, finish).await,
        401,
        "webauthn_login_failed",
        "origin",
    );
    app.stop().await;
}

#[tokio::test]
async fn a_credential_for_another_rp_id_is_refused() {
    let app = spawn_app().await;
    // The origin is allowed, but the browser was told another rp id.
    let patched = app
        .send(
            Method::PATCH,
            &format!("/api/v1/apps/{APP_ID}"),
            Some(ADMIN_KEY),
            Some(&json!({
                "auth_origin": "https://shop.example.com",
                "additional_auth_origins": ["https://login.shop.example.com"]
            })),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    let phone = new_authenticator(&app, json!({})).await;
    let mut started = register_start(&app, "ada@example.com").await;
    let rp = &mut started["handshake"]["challenge"]["publicKey"]["rp"]["id"];
    assert_eq!(rp, &json!("shop.example.com"));
    *rp = json!("login.shop.example.com");
    started["origin"] = json!("https://login.shop.example.com");
    let finish = answer(&app, &phone, "register", &started).await;
    let done = auth(
        &app,
        Method::POST,
        "/register/webauthn/finish",
        Some(finish),
    )
    .await;
    assert_error(&done, 401, "webauthn_login_failed", "RP ID");

    // The extra origin itself is fine for the real rp id.
    let mut started = register_start(&app, "bob@example.com").await;
    started["origin"] = json!("https://login.shop.example.com");
    let finish = answer(&app, &phone, "register", &started).await;
    let done = auth(
        &app,
        Method::POST,
        "/register/webauthn/finish",
        Some(finish),
    )
    .await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.text);
    app.stop().await;
}

#[tokio::test]
async fn tampered_client_data_and_signatures_are_refused() {
    let app = spawn_app().await;
    let (phone, _) = ada(&app).await;

    // clientDataJSON edited after signing: the signature no longer covers it.
    let started = login_start(&app, Some("ada@example.com")).await.body;
    let mut finish = answer(&app, &phone, "login", &started).await;
    let client_data = &mut finish["handshake_response"]["response"]["clientDataJSON"];
    let mut parsed: Value =
        serde_json::from_slice(&b64_decode(client_data.as_str().unwrap())).unwrap();
    parsed["challenge"] = json!(b64_encode(&[9; 16]));
    *client_data = json!(b64_encode(&serde_json::to_vec(&parsed).unwrap()));
    assert_error(
        &finish_login(&app, finish).await,
        401,
        "webauthn_login_failed",
        "signature",
    );

    // A genuine answer to one handshake sent to finish another: the challenge differs.
    let first = login_start(&app, Some("ada@example.com")).await.body;
    let second = login_start(&app, Some("ada@example.com")).await.body;
    let mut finish = answer(&app, &phone, "login", &first).await;
    finish["handshake_id"] = second["handshake"]["id"].clone();
    assert_error(
        &finish_login(&app, finish).await,
        401,
        "webauthn_login_failed",
        "challenge",
    );

    // A signature with one bit flipped.
    let started = login_start(&app, Some("ada@example.com")).await.body;
    let mut finish = answer(&app, &phone, "login", &started).await;
    let signature = &mut finish["handshake_response"]["response"]["signature"];
    let mut bytes = b64_decode(signature.as_str().unwrap());
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    *signature = json!(b64_encode(&bytes));
    assert_error(
        &finish_login(&app, finish).await,
        401,
        "webauthn_login_failed",
        "signature",
    );

    // Not a WebAuthn response at all.
    let started = login_start(&app, None).await.body;
    let garbage =
        json!({"handshake_id": started["handshake"]["id"], "handshake_response": {"id": "x"}});
    assert_error(
        &finish_login(&app, garbage).await,
        401,
        "discoverable_login_failed",
        "assertion",
    );
    app.stop().await;
}

#[tokio::test]
async fn a_handshake_is_used_once_and_expires() {
    let app = spawn_app().await;
    let (phone, _) = ada(&app).await;
    let started = login_start(&app, Some("ada@example.com")).await.body;
    let finish = answer(&app, &phone, "login", &started).await;
    assert_eq!(
        finish_login(&app, finish.clone()).await.status,
        StatusCode::OK
    );
    assert_error(
        &finish_login(&app, finish).await,
        401,
        "webauthn_login_failed",
        "not found",
    );

    // Twenty concurrent finishes of one handshake: exactly one session.
    let started = login_start(&app, Some("ada@example.com")).await.body;
    let finish = answer(&app, &phone, "login", &started).await;
    let base = app.base.clone();
    let replies = join_all((0..20).map(|_| {
        let (base, finish) = (base.clone(), finish.clone());
        async move {
            let url = format!("{base}/auth/v1/apps/{APP_ID}/login/webauthn/finish");
            reqwest::Client::new()
                .post(url)
                .json(&finish)
                .send()
                .await
                .unwrap()
                .status()
        }
    }))
    .await;
    assert_eq!(replies.iter().filter(|s| **s == StatusCode::OK).count(), 1);

    // Five minutes and a second later the handshake is gone.
    let started = login_start(&app, Some("ada@example.com")).await.body;
    let finish = answer(&app, &phone, "login", &started).await;
    app.advance_clock(301).await;
    assert_error(
        &finish_login(&app, finish).await,
        401,
        "webauthn_login_failed",
        "expired",
    );
    app.stop().await;
}

#[tokio::test]
async fn a_cloned_authenticator_whose_counter_goes_back_is_refused() {
    let app = spawn_app().await;
    let (phone, sub) = ada(&app).await;
    for _ in 0..2 {
        let done = login_passkey(&app, &phone, Some("ada@example.com")).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    }
    // A copy of the credential whose counter starts again at 0.
    let original = app
        .send(
            Method::GET,
            &format!("/_emulator/authenticators/{phone}"),
            None,
            None,
        )
        .await
        .body;
    let credential = &original["credentials"][0];
    assert_eq!(credential["sign_count"], json!(2));
    let clone = new_authenticator(
        &app,
        json!({"credentials": [{
            "cred_id": credential["cred_id"], "rp_id": "localhost", "user_id": sub,
            "private_key": credential["private_key"], "sign_count": 0
        }]}),
    )
    .await;
    let done = login_passkey(&app, &clone, None).await;
    assert_error(&done, 401, "discoverable_login_failed", "counter");
    // The original goes on.
    let done = login_passkey(&app, &phone, None).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    app.stop().await;
}

#[tokio::test]
async fn a_revoked_passkey_no_longer_logs_in() {
    let app = spawn_app().await;
    let (phone, sub) = ada(&app).await;
    let device = devices(&app, &sub).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let started = login_start(&app, Some("ada@example.com")).await.body;
    let deleted = app
        .mgmt(
            Method::DELETE,
            &format!("/users/{sub}/devices/{device}"),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    let finish = answer(&app, &phone, "login", &started).await;
    assert_error(
        &finish_login(&app, finish).await,
        401,
        "webauthn_login_failed",
        "not registered",
    );
    assert_error(
        &login_start(&app, Some("ada@example.com")).await,
        409,
        "user_has_no_passkeys",
        "no passkeys",
    );
    let done = login_passkey(&app, &phone, None).await;
    assert_error(&done, 401, "discoverable_login_failed", "not registered");
    let user = app
        .mgmt(Method::GET, &format!("/users/{sub}"), None)
        .await
        .body;
    assert_eq!(
        (&user["user"]["webauthn"], &user["user"]["webauthn_types"]),
        (&json!(false), &json!([]))
    );
    app.stop().await;
}

#[tokio::test]
async fn an_inactive_user_cannot_log_in_with_a_passkey() {
    let app = spawn_app().await;
    let (phone, sub) = ada(&app).await;
    let started = login_start(&app, None).await.body;
    let off = app
        .mgmt(Method::PATCH, &format!("/users/{sub}/deactivate"), None)
        .await;
    assert_eq!(off.status, StatusCode::OK);
    assert_error(
        &login_start(&app, Some("ada@example.com")).await,
        403,
        "user_not_active",
        "not active",
    );
    let finish = answer(&app, &phone, "login", &started).await;
    assert_error(
        &finish_login(&app, finish).await,
        403,
        "user_not_active",
        "not active",
    );
    app.stop().await;
}

/// A usernameless answer with a real credential id, `"userHandle": null` and client data that
/// is not JSON: refused like any failed ceremony (it once made webauthn_rp panic, closing the
/// connection without an answer). The same through Passkey Flex without a transaction.
#[tokio::test]
async fn a_usernameless_answer_without_a_user_handle_is_refused_not_a_crash() {
    let app = spawn_app().await;
    let (phone, _) = ada(&app).await;
    let identified = login_start(&app, Some("ada@example.com")).await.body;
    let genuine = answer(&app, &phone, "login", &identified).await;
    let forged = |started: &Value| {
        let mut response = genuine["handshake_response"].clone();
        response["response"]["userHandle"] = Value::Null;
        response["response"]["clientDataJSON"] = json!(b64_encode(b"not json at all"));
        json!({"handshake_id": started["handshake"]["id"], "handshake_response": response})
    };
    let started = login_start(&app, None).await.body;
    let refused = finish_login(&app, forged(&started)).await;
    assert_error(&refused, 401, "discoverable_login_failed", "");

    let flex = auth(
        &app,
        Method::POST,
        "/authenticate/transactions/webauthn/start",
        Some(json!({})),
    )
    .await;
    assert_eq!(flex.status, StatusCode::OK, "{}", flex.text);
    let refused = auth(
        &app,
        Method::POST,
        "/authenticate/transactions/webauthn/finish",
        Some(forged(&flex.body)),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.text);
    app.stop().await;
}

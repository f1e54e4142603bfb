//! Passkey registration, login with an identifier and usernameless login, and adding a
//! device: real ceremonies between the emulator and its virtual authenticator over HTTP.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::passkey_helpers::*;
use super::session_helpers::*;

#[tokio::test]
async fn a_registration_start_sends_passage_shaped_creation_options() {
    let app = spawn_app().await;
    let mut started = register_start(&app, "Ada@Example.com").await;
    let public_key = &mut started["handshake"]["challenge"]["publicKey"];
    assert_eq!(
        b64_decode(public_key["challenge"].as_str().unwrap()).len(),
        16
    );
    assert_eq!(
        b64_decode(public_key["user"]["id"].as_str().unwrap()).len(),
        32
    );
    public_key["challenge"] = json!("<challenge>");
    public_key["user"]["id"] = json!("<handle>");
    redact_id(&mut started["handshake"], "id");
    redact_id(&mut started["user"], "id");
    assert_eq!(
        started,
        json!({
            "handshake": {
                "id": "<id>",
                "challenge": {"publicKey": {
                    "rp": {"name": "Passage Emulator Default App", "id": "localhost"},
                    "user": {"name": "ada@example.com", "id": "<handle>", "displayName": "ada@example.com"},
                    "challenge": "<challenge>",
                    "pubKeyCredParams": [
                        {"type": "public-key", "alg": -7},
                        {"type": "public-key", "alg": -8},
                        {"type": "public-key", "alg": -257}
                    ],
                    "timeout": 300000,
                    "excludeCredentials": [],
                    "authenticatorSelection": {
                        "residentKey": "required",
                        "requireResidentKey": true,
                        "userVerification": "required"
                    },
                    "hints": [],
                    "attestation": "none",
                    "attestationFormats": ["none"],
                    "extensions": {}
                }}
            },
            "user": {
                "email": "ada@example.com",
                "email_verified": false,
                "id": "<id>",
                "phone": "",
                "phone_verified": false,
                "status": "pending",
                "user_metadata": null,
                "webauthn": false
            }
        })
    );
    app.stop().await;
}

#[tokio::test]
async fn an_es256_passkey_registers_and_logs_in_with_and_without_an_identifier() {
    let app = spawn_app().await;
    let phone = new_authenticator(&app, json!({"algorithm": "ES256"})).await;
    let result = register_passkey(&app, &phone, "ada@example.com").await;
    let claims = verify(&app, result["auth_token"].as_str().unwrap()).await;
    assert_eq!(result["refresh_token"].as_str().unwrap().len(), 48);

    let mut user = app
        .mgmt(Method::GET, &format!("/users/{}", claims.sub), None)
        .await
        .body["user"]
        .clone();
    assert_eq!(
        (
            &user["status"],
            &user["webauthn"],
            &user["webauthn_types"],
            &user["login_count"]
        ),
        (
            &json!("active"),
            &json!(true),
            &json!(["passkey"]),
            &json!(1)
        )
    );
    let mut device = user["webauthn_devices"][0].take();
    redact_id(&mut device, "id");
    for key in ["created_at", "updated_at"] {
        redact_time(&mut device, key);
    }
    let cred_id = device["cred_id"].as_str().unwrap().to_owned();
    assert_eq!(b64_decode(&cred_id).len(), 16);
    device["cred_id"] = json!("<cred>");
    assert_eq!(
        device,
        json!({
            "created_at": "<time>", "cred_id": "<cred>",
            "friendly_name": "Emulator virtual authenticator", "id": "<id>",
            "last_login_at": "0001-01-01T00:00:00Z", "type": "passkey",
            "updated_at": "<time>", "usage_count": 0,
            "icons": {"light": null, "dark": null}
        })
    );

    // With an identifier: the user's passkeys are the allowed credentials.
    let started = login_start(&app, Some("ada@example.com")).await;
    let allowed = &started.body["handshake"]["challenge"]["publicKey"]["allowCredentials"];
    assert_eq!(
        allowed,
        &json!([{"type": "public-key", "id": cred_id, "transports": []}])
    );
    assert_eq!(started.body["user"]["id"], json!(claims.sub));
    let finish = answer(&app, &phone, "login", &started.body).await;
    assert_eq!(finish["user_id"], json!(claims.sub));
    let done = auth(&app, Method::POST, "/login/webauthn/finish", Some(finish)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(
        verify(
            &app,
            done.body["auth_result"]["auth_token"].as_str().unwrap()
        )
        .await
        .sub,
        claims.sub
    );

    // Usernameless: no allowed credentials; the user handle finds the user.
    let started = login_start(&app, None).await;
    assert_eq!(started.body["user"], Value::Null);
    assert!(
        started.body["handshake"]["challenge"]["publicKey"]
            .get("allowCredentials")
            .is_none_or(|a| a == &json!([]))
    );
    let finish = answer(&app, &phone, "login", &started.body).await;
    assert!(finish.get("user_id").is_none());
    let done = auth(&app, Method::POST, "/login/webauthn/finish", Some(finish)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(
        verify(
            &app,
            done.body["auth_result"]["auth_token"].as_str().unwrap()
        )
        .await
        .sub,
        claims.sub
    );

    let device = &devices(&app, &claims.sub).await[0];
    assert_eq!(device["usage_count"], json!(2));
    assert_ne!(device["last_login_at"], json!("0001-01-01T00:00:00Z"));
    let user = app
        .mgmt(Method::GET, &format!("/users/{}", claims.sub), None)
        .await
        .body;
    assert_eq!(user["user"]["login_count"], json!(3));
    app.stop().await;
}

#[tokio::test]
async fn an_eddsa_passkey_registers_and_logs_in() {
    let app = spawn_app().await;
    let key = new_authenticator(&app, json!({"algorithm": "EdDSA"})).await;
    let result = register_passkey(&app, &key, "+14155552671").await;
    let sub = verify(&app, result["auth_token"].as_str().unwrap())
        .await
        .sub;
    let stored = app
        .send(
            Method::GET,
            &format!("/_emulator/authenticators/{key}"),
            None,
            None,
        )
        .await;
    let credential = &stored.body["credentials"][0];
    assert_eq!(credential["rp_id"], json!("localhost"));
    assert_eq!(credential["sign_count"], json!(0));
    assert!(
        credential["private_key"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN PRIVATE KEY-----")
    );
    // OKP (1) Ed25519 (6) in the COSE key the device stores.
    let cose = b64_decode(credential["public_key"].as_str().unwrap());
    assert_eq!(&cose[..3], &[0xa4, 0x01, 0x01]);

    for identifier in [Some("+14155552671"), None] {
        let done = login_passkey(&app, &key, identifier).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        assert_eq!(
            verify(
                &app,
                done.body["auth_result"]["auth_token"].as_str().unwrap()
            )
            .await
            .sub,
            sub
        );
    }
    let stored = app
        .send(
            Method::GET,
            &format!("/_emulator/authenticators/{key}"),
            None,
            None,
        )
        .await;
    assert_eq!(stored.body["credentials"][0]["sign_count"], json!(2));
    app.stop().await;
}

#[tokio::test]
async fn a_signed_in_user_adds_a_second_passkey() {
    let app = spawn_app().await;
    let phone = new_authenticator(&app, json!({})).await;
    let laptop = new_authenticator(&app, json!({"algorithm": "EdDSA", "name": "laptop"})).await;
    let result = register_passkey(&app, &phone, "ada@example.com").await;
    let token = result["auth_token"].as_str().unwrap().to_owned();
    let current = |method, path: &str, body: Option<Value>| {
        let token = token.clone();
        let path = format!("/auth/v1/apps/{APP_ID}/currentuser{path}");
        let app = &app;
        async move {
            let mut request = app
                .client
                .request(method, format!("{}{path}", app.base))
                .bearer_auth(token);
            if let Some(body) = body {
                request = request.json(&body);
            }
            reply(request.send().await.unwrap()).await
        }
    };
    let started = current(Method::POST, "/devices/start", None).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    let first = devices(&app, started.body["user"]["id"].as_str().unwrap()).await;
    assert_eq!(
        started.body["handshake"]["challenge"]["publicKey"]["excludeCredentials"],
        json!([{"type": "public-key", "id": first[0]["cred_id"], "transports": []}])
    );
    assert_eq!(started.body["user"]["webauthn"], json!(true));
    let finish = answer(&app, &laptop, "register", &started.body).await;
    let added = current(Method::POST, "/devices/finish", Some(finish)).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let device = &added.body["device"];
    assert_eq!(device["user_id"], started.body["user"]["id"]);
    assert_eq!(
        device["friendly_name"],
        json!("Emulator virtual authenticator")
    );

    let listed = current(Method::GET, "/devices", None).await;
    assert_eq!(listed.body["devices"].as_array().unwrap().len(), 2);
    // The new passkey logs in too.
    let done = login_passkey(&app, &laptop, Some("ada@example.com")).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);

    // The phone's passkey is excluded: its authenticator refuses to register again.
    let again = current(
        Method::POST,
        "/devices/start",
        Some(json!({"authenticator_attachment": "platform"})),
    )
    .await;
    let refused = try_answer(&app, &phone, "register", &again.body).await;
    assert_error(&refused, 400, "invalid_request", "virtual authenticator");
    app.stop().await;
}

#[tokio::test]
async fn registration_errors_follow_passage() {
    let app = spawn_app().await;
    let phone = new_authenticator(&app, json!({})).await;
    register_passkey(&app, &phone, "ada@example.com").await;
    let again = auth(
        &app,
        Method::POST,
        "/register/webauthn/start",
        Some(json!({"identifier": "ada@example.com"})),
    )
    .await;
    assert_error(&again, 400, "invalid_request", "user: already exists.");
    let bad = auth(
        &app,
        Method::POST,
        "/register/webauthn/start",
        Some(json!({"identifier": "bob@example.com", "authenticator_attachment": "usb"})),
    )
    .await;
    assert_error(&bad, 400, "invalid_request", "authenticator_attachment");
    let unknown = login_start(&app, Some("nobody@example.com")).await;
    assert_error(&unknown, 404, "user_not_found", "User not found.");
    app.create_user(json!({"email": "nopasskey@example.com"}))
        .await;
    let none = login_start(&app, Some("nopasskey@example.com")).await;
    assert_error(&none, 409, "user_has_no_passkeys", "no passkeys");

    // The finish body must name the user the handshake was for.
    let started = register_start(&app, "carol@example.com").await;
    let mut finish = answer(&app, &phone, "register", &started).await;
    finish["user_id"] = json!("someoneelse0000000000000");
    let done = auth(
        &app,
        Method::POST,
        "/register/webauthn/finish",
        Some(finish),
    )
    .await;
    assert_error(&done, 400, "invalid_request", "user_id");
    app.stop().await;
}

//! Passkey Flex round trips: the app's backend opens a transaction, the "browser" (the
//! virtual authenticator) runs the ceremony, the backend redeems the nonce.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::passkey_helpers::*;
use super::session_helpers::*;

async fn transaction(app: &TestApp, kind: &str, body: Value) -> Reply {
    app.mgmt(Method::POST, &format!("/transactions/{kind}"), Some(body))
        .await
}

async fn verify_nonce(app: &TestApp, nonce: &Value) -> Reply {
    app.mgmt(
        Method::POST,
        "/authenticate/verify",
        Some(json!({"nonce": nonce})),
    )
    .await
}

/// Runs the browser half of a Flex ceremony and returns the finish reply.
async fn ceremony(app: &TestApp, authenticator: &str, kind: &str, start: Value) -> Reply {
    let started = auth(
        app,
        Method::POST,
        &format!("/{kind}/transactions/webauthn/start"),
        Some(start),
    )
    .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    let ceremony = if kind == "register" {
        "register"
    } else {
        "login"
    };
    let finish = answer(app, authenticator, ceremony, &started.body).await;
    assert_eq!(
        finish.get("transaction_id"),
        started.body.get("transaction_id")
    );
    auth(
        app,
        Method::POST,
        &format!("/{kind}/transactions/webauthn/finish"),
        Some(finish),
    )
    .await
}

#[tokio::test]
async fn a_flex_user_registers_and_authenticates() {
    let app = spawn_app().await;
    let phone = new_authenticator(&app, json!({})).await;
    let opened = transaction(
        &app,
        "register",
        json!({"external_id": "customer-42", "passkey_display_name": "Ada Lovelace"}),
    )
    .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.text);
    let transaction_id = opened.body["transaction_id"].clone();
    assert_eq!(opened.body.as_object().unwrap().len(), 1);

    // The creation options name the user by the display name.
    let started = auth(
        &app,
        Method::POST,
        "/register/transactions/webauthn/start",
        Some(json!({"transaction_id": transaction_id, "authenticator_attachment": "platform"})),
    )
    .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    assert_eq!(started.body["transaction_id"], transaction_id);
    let user = &started.body["handshake"]["challenge"]["publicKey"]["user"];
    assert_eq!(
        (&user["name"], &user["displayName"]),
        (&json!("Ada Lovelace"), &json!("Ada Lovelace"))
    );
    let finish = answer(&app, &phone, "register", &started.body).await;
    let done = auth(
        &app,
        Method::POST,
        "/register/transactions/webauthn/finish",
        Some(finish),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let nonce = done.body["nonce"].clone();
    assert_eq!(done.body.as_object().unwrap().len(), 1);

    let verified = verify_nonce(&app, &nonce).await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.text);
    assert_eq!(verified.body, json!({"external_id": "customer-42"}));
    assert_error(
        &verify_nonce(&app, &nonce).await,
        401,
        "invalid_nonce",
        "already used",
    );
    // The transaction is spent too.
    let again = auth(
        &app,
        Method::POST,
        "/register/transactions/webauthn/start",
        Some(json!({"transaction_id": transaction_id})),
    )
    .await;
    assert_error(&again, 404, "transaction_not_found", "not found");

    // The Flex SDKs find the user through the list's identifier filter.
    let listed = app
        .mgmt(
            Method::GET,
            "/users?page=1&limit=1&identifier=customer-42",
            None,
        )
        .await;
    assert_eq!(listed.body["total_users"], json!(1));
    let user = &listed.body["users"][0];
    assert_eq!(
        (
            &user["external_id"],
            &user["email"],
            &user["phone"],
            &user["status"]
        ),
        (
            &json!("customer-42"),
            &json!(""),
            &json!(""),
            &json!("active")
        )
    );
    let user_id = user["id"].as_str().unwrap().to_owned();
    assert_eq!(devices(&app, &user_id).await.len(), 1);

    // Authenticate with the transaction, then without one (discoverable).
    let opened = transaction(&app, "authenticate", json!({"external_id": "customer-42"})).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.text);
    let done = ceremony(
        &app,
        &phone,
        "authenticate",
        json!({"transaction_id": opened.body["transaction_id"]}),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(
        verify_nonce(&app, &done.body["nonce"]).await.body,
        json!({"external_id": "customer-42"})
    );

    let done = ceremony(&app, &phone, "authenticate", json!({})).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(
        verify_nonce(&app, &done.body["nonce"]).await.body,
        json!({"external_id": "customer-42"})
    );
    // Each Flex ceremony is a complete event of the user, newest first, found by external id.
    let user = app
        .mgmt(Method::GET, &format!("/users/{user_id}"), None)
        .await;
    let events: Vec<(&Value, &Value, &Value)> = user.body["user"]["recent_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| (&event["type"], &event["status"], &event["action"]))
        .collect();
    let (login, register) = (
        json!("webauthn.login.completed"),
        json!("webauthn.register.completed"),
    );
    let (complete, log_in, sign_up) = (json!("complete"), json!("login"), json!("register"));
    assert_eq!(
        events,
        vec![
            (&login, &complete, &log_in),
            (&login, &complete, &log_in),
            (&register, &complete, &sign_up)
        ]
    );

    // A second register transaction for the same external id adds a passkey to that user.
    let laptop = new_authenticator(&app, json!({"algorithm": "EdDSA"})).await;
    let opened = transaction(
        &app,
        "register",
        json!({"external_id": "customer-42", "passkey_display_name": "Ada's laptop"}),
    )
    .await;
    let done = ceremony(
        &app,
        &laptop,
        "register",
        json!({"transaction_id": opened.body["transaction_id"]}),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(devices(&app, &user_id).await.len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn flex_errors_follow_passage() {
    let app = spawn_app().await;
    let missing = transaction(&app, "register", json!({"external_id": "x"})).await;
    assert_error(&missing, 400, "invalid_request", "passkey_display_name");
    let missing = transaction(&app, "authenticate", json!({})).await;
    assert_error(&missing, 400, "invalid_request", "external_id");
    let unknown = transaction(&app, "authenticate", json!({"external_id": "nobody"})).await;
    assert_error(&unknown, 404, "user_not_found", "User not found.");
    // An open register transaction makes no user yet.
    let opened = transaction(
        &app,
        "register",
        json!({"external_id": "pending", "passkey_display_name": "Pending"}),
    )
    .await;
    assert_eq!(opened.status, StatusCode::OK);
    let pending = transaction(&app, "authenticate", json!({"external_id": "pending"})).await;
    assert_error(&pending, 404, "user_not_found", "User not found.");

    assert_error(
        &verify_nonce(&app, &json!("made-up")).await,
        401,
        "invalid_nonce",
        "invalid",
    );
    let unauthorised = app
        .send(
            Method::POST,
            &format!("/api/v1/apps/{APP_ID}/authenticate/verify"),
            None,
            Some(&json!({"nonce": "x"})),
        )
        .await;
    assert_eq!(unauthorised.status, StatusCode::UNAUTHORIZED);
    let unknown = auth(
        &app,
        Method::POST,
        "/authenticate/transactions/webauthn/start",
        Some(json!({"transaction_id": "nosuchtransaction0000000"})),
    )
    .await;
    assert_error(&unknown, 404, "transaction_not_found", "not found");

    // A nonce dies with the clock.
    let phone = new_authenticator(&app, json!({})).await;
    let opened = transaction(
        &app,
        "register",
        json!({"external_id": "late", "passkey_display_name": "Late"}),
    )
    .await;
    let done = ceremony(
        &app,
        &phone,
        "register",
        json!({"transaction_id": opened.body["transaction_id"]}),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    app.advance_clock(601).await;
    assert_error(
        &verify_nonce(&app, &done.body["nonce"]).await,
        401,
        "invalid_nonce",
        "expired",
    );

    // A Flex user whose only passkey was revoked: 409 user_has_no_passkeys.
    let listed = app.mgmt(Method::GET, "/users?identifier=late", None).await;
    let user_id = listed.body["users"][0]["id"].as_str().unwrap().to_owned();
    let device = devices(&app, &user_id).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.mgmt(
        Method::DELETE,
        &format!("/users/{user_id}/devices/{device}"),
        None,
    )
    .await;
    let none = transaction(&app, "authenticate", json!({"external_id": "late"})).await;
    assert_error(&none, 409, "user_has_no_passkeys", "no passkeys");
    app.stop().await;
}

/// Twenty parallel verifications of one Flex nonce: exactly one names the user.
#[tokio::test]
async fn twenty_parallel_verifications_of_one_nonce_succeed_once() {
    let app = spawn_app().await;
    let phone = new_authenticator(&app, json!({})).await;
    let opened = transaction(
        &app,
        "register",
        json!({"external_id": "race-user", "passkey_display_name": "Race"}),
    )
    .await;
    assert!(opened.status.is_success(), "{}", opened.text);
    let finished = ceremony(&app, &phone, "register", opened.body.clone()).await;
    assert!(finished.status.is_success(), "{}", finished.text);
    let nonce = finished.body["nonce"].clone();
    let url = format!("{}/api/v1/apps/{APP_ID}/authenticate/verify", app.base);
    let verify = app
        .client
        .post(url)
        .bearer_auth(API_KEY)
        .json(&json!({ "nonce": nonce }));
    exactly_one_of_twenty(verify).await;
    app.stop().await;
}

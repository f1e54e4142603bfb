//! `/_emulator/authenticators`: authenticators made from a known key, listing, deleting.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;
use super::passkey_helpers::*;

#[tokio::test]
async fn an_authenticator_made_from_a_private_key_registers_with_that_key() {
    let app = spawn_app().await;
    let first = new_authenticator(&app, json!({})).await;
    register_passkey(&app, &first, "ada@example.com").await;
    let held = app
        .send(
            Method::GET,
            &format!("/_emulator/authenticators/{first}"),
            None,
            None,
        )
        .await
        .body["credentials"][0]
        .clone();
    // A second authenticator made from that credential's private key.
    let copy = new_authenticator(&app, json!({"private_key": held["private_key"]})).await;
    register_passkey(&app, &copy, "bob@example.com").await;
    register_passkey(&app, &copy, "carol@example.com").await;
    let made = app
        .send(
            Method::GET,
            &format!("/_emulator/authenticators/{copy}"),
            None,
            None,
        )
        .await
        .body;
    assert_eq!(made["algorithm"], json!("ES256"));
    let credentials = made["credentials"].as_array().unwrap();
    assert_eq!(credentials.len(), 2);
    for credential in credentials {
        assert_eq!(credential["public_key"], held["public_key"]);
        assert_ne!(credential["cred_id"], held["cred_id"]);
    }
    // Both log in (with the identifier: the user's own credential is chosen).
    for who in ["bob@example.com", "carol@example.com"] {
        let done = login_passkey(&app, &copy, Some(who)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    }
    let bad = app
        .send(
            Method::POST,
            "/_emulator/authenticators",
            None,
            Some(&json!({"algorithm": "EdDSA", "private_key": held["private_key"]})),
        )
        .await;
    assert_error(&bad, 400, "invalid_request", "algorithm");
    let listed = app
        .send(Method::GET, "/_emulator/authenticators", None, None)
        .await;
    assert_eq!(listed.body["authenticators"].as_array().unwrap().len(), 2);
    let gone = app
        .send(
            Method::DELETE,
            &format!("/_emulator/authenticators/{copy}"),
            None,
            None,
        )
        .await;
    assert_eq!(gone.body, json!({"deleted": 1}));
    let missing = app
        .send(
            Method::GET,
            &format!("/_emulator/authenticators/{copy}"),
            None,
            None,
        )
        .await;
    assert_error(
        &missing,
        404,
        "authenticator_not_found",
        "No virtual authenticator",
    );
    app.stop().await;
}

/// An authenticator's id is a path segment of its URLs: `""` (which schemathesis sent) made
/// one no URL could reach.
#[tokio::test]
async fn an_authenticator_id_must_be_a_path_segment() {
    let app = spawn_app().await;
    for id in ["", "a/b", "with space", "50%", "a?b", &"x".repeat(129)] {
        let reply = app
            .send(
                Method::POST,
                "/_emulator/authenticators",
                None,
                Some(&json!({ "id": id })),
            )
            .await;
        assert_error(
            &reply,
            400,
            "invalid_request",
            "must be 1 to 128 characters",
        );
    }
    for id in ["my-key_1", "node-grace@example.com"] {
        let reply = app
            .send(
                Method::POST,
                "/_emulator/authenticators",
                None,
                Some(&json!({ "id": id })),
            )
            .await;
        assert_eq!(reply.status.as_u16(), 201, "{}", reply.text);
        assert_eq!(reply.body["id"], id);
        let path = format!("/_emulator/authenticators/{id}");
        let reply = app.send(Method::GET, &path, None, None).await;
        assert_eq!(reply.status.as_u16(), 200, "{}", reply.text);
    }
}

//! Auth API: the app, its JWKS and OpenID configuration; key rotation.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;

/// The default app's fixed signing key as a JWK.
fn default_jwk() -> Value {
    json!({
        "alg": "RS256",
        "e": "AQAB",
        "kid": "defaultkid00000000000001",
        "kty": "RSA",
        "n": "uCk32iemKMQhr-CHr5aGcrbPSj5jAOSliXgzQpsyIfGPIT01EvJPdzJOGtgHwycmndamY9_DjKoLkHGNlX1I9IpKzjUfT5Qi4OBLAJIngpIlQrZBfdGxFwO-I-tr8QLCnln3bufzXtiXVxdkCwxgk1rUyaBe5_tS8QxaYO_KYHQ2xLVB0blDgweFfisdHIESyN4l78pXQ2LpBv4o2iIohMZVBLj1wf4KJfVRP_aFo2JbCIUy4DQf6HRz0eYJV8SXCHfT8oyBqXQN16dcRZVe47hV1aDpq0JljWDlUtK9_CPkir7Ppgl_MHWBxFvgOg6SpA3zFqMPmB1xZby2e-tUJw",
        "use": "sig"
    })
}

async fn auth(app: &TestApp, path: &str) -> Reply {
    app.send(
        Method::GET,
        &format!("/auth/v1/apps/{APP_ID}{path}"),
        None,
        None,
    )
    .await
}

#[tokio::test]
async fn get_app_returns_the_public_app_model() {
    let app = spawn_app().await;
    let reply = auth(&app, "").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let mut body = reply.body.clone();
    let key = body["app"]["rsa_public_key"].take();
    assert_eq!(
        key,
        app.mgmt(Method::GET, "", None).await.body["app"]["rsa_public_key"]
    );
    assert_eq!(
        body,
        json!({"app": {
            "allowed_identifier": "both",
            "auth_fallback_method": "magic_link",
            "auth_fallback_method_ttl": 300,
            "auth_methods": {
                "passkeys": {},
                "otp": {"ttl": 300, "ttl_display_unit": "s"},
                "magic_link": {"ttl": 300, "ttl_display_unit": "s"}
            },
            "auth_origin": "http://localhost:3000",
            "default_language": "en",
            "element_customization": {},
            "element_customization_dark": {},
            "ephemeral": false,
            "id": APP_ID,
            "layouts": {"profile": [], "registration": []},
            "login_url": "/",
            "name": "Passage Emulator Default App",
            "passage_branding": true,
            "profile_management": true,
            "public_signup": true,
            "redirect_url": "/",
            "require_email_verification": false,
            "require_identifier_verification": false,
            "required_identifier": "either",
            "rsa_public_key": null,
            "session_timeout_length": 3600,
            "social_connections": {},
            "user_metadata_schema": []
        }})
    );
}

#[tokio::test]
async fn disabled_auth_methods_are_absent() {
    let app = spawn_app().await;
    let patch =
        json!({"auth_methods": {"otp": {"enabled": false}, "passkeys": {"enabled": false}}});
    assert_eq!(
        app.mgmt(Method::PATCH, "", Some(patch)).await.status,
        StatusCode::OK
    );
    let reply = auth(&app, "").await;
    assert_eq!(
        reply.body["app"]["auth_methods"],
        json!({"magic_link": {"ttl": 300, "ttl_display_unit": "s"}})
    );
}

#[tokio::test]
async fn jwks_publishes_the_default_key() {
    let app = spawn_app().await;
    let reply = auth(&app, "/.well-known/jwks.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, json!({"keys": [default_jwk()]}));
}

#[tokio::test]
async fn openid_configuration_points_at_the_emulator() {
    let app = spawn_app().await;
    let direct = auth(&app, "/.well-known/openid-configuration").await;
    let issuer = format!("{}/auth/v1/apps/{APP_ID}", app.base);
    assert_eq!(
        direct.body,
        json!({
            "authorization_endpoint": format!("{issuer}/authorize"),
            "issuer": issuer,
            "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
            "token_endpoint": format!("{issuer}/token"),
            "userinfo_endpoint": format!("{issuer}/userinfo"),
            "end_session_endpoint": format!("{issuer}/logout"),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "phone"],
            "token_endpoint_auth_methods_supported":
                ["client_secret_basic", "client_secret_post", "none"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["iss", "sub", "aud", "azp", "client_id", "exp", "iat",
                "auth_time", "nonce", "at_hash", "email", "email_verified", "phone_number",
                "phone_number_verified"],
        })
    );
    // Reached as auth.passage.id, the issuer is the one in the tokens.
    let response = app
        .client
        .get(format!(
            "{}/v1/apps/{APP_ID}/.well-known/openid-configuration",
            app.base
        ))
        .header("Host", "auth.passage.id")
        .send()
        .await
        .unwrap();
    let routed = reply(response).await;
    assert_eq!(
        routed.body["issuer"],
        json!(format!("https://auth.passage.id/v1/apps/{APP_ID}"))
    );
}

#[tokio::test]
async fn unknown_apps_are_app_not_found() {
    let app = spawn_app().await;
    for path in [
        "",
        "/.well-known/jwks.json",
        "/.well-known/openid-configuration",
    ] {
        for app_id in ["noSuchApp000000000000000", "bad!id"] {
            let reply = app
                .send(
                    Method::GET,
                    &format!("/auth/v1/apps/{app_id}{path}"),
                    None,
                    None,
                )
                .await;
            assert_error(&reply, 404, "app_not_found", "App not found.");
        }
    }
}

#[tokio::test]
async fn a_rotated_key_stays_published_for_the_session_length() {
    let app = spawn_app().await;
    let rotated = app
        .send(
            Method::POST,
            &format!("/_emulator/apps/{APP_ID}/keys/rotate"),
            None,
            None,
        )
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text);
    assert_eq!(
        rotated.body["retired_kid"],
        json!("defaultkid00000000000001")
    );
    let kid = rotated.body["kid"].as_str().unwrap().to_owned();
    assert_ne!(kid, "defaultkid00000000000001");

    let jwks = auth(&app, "/.well-known/jwks.json").await;
    let keys = jwks.body["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["kid"], json!(kid));
    assert_eq!(keys[1], default_jwk());
    let info = app.mgmt(Method::GET, "", None).await;
    let public = auth(&app, "").await;
    assert_eq!(
        info.body["app"]["rsa_public_key"],
        public.body["app"]["rsa_public_key"]
    );

    // The session length is 3600 s: one second short of it the old key is still there.
    app.advance_clock(3599).await;
    assert_eq!(
        auth(&app, "/.well-known/jwks.json").await.body["keys"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    app.advance_clock(2).await;
    let jwks = auth(&app, "/.well-known/jwks.json").await;
    assert_eq!(jwks.body["keys"].as_array().unwrap().len(), 1);
    assert_eq!(jwks.body["keys"][0]["kid"], json!(kid));

    // Loading the default fixture again makes its key the active one again.
    let default = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/default.json"),
    )
    .unwrap();
    let response = app
        .client
        .post(format!("{}/_emulator/fixtures", app.base))
        .body(default)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let jwks = auth(&app, "/.well-known/jwks.json").await;
    assert_eq!(jwks.body["keys"][0], default_jwk());
    assert_eq!(jwks.body["keys"][1]["kid"], json!(kid));

    let unknown = app
        .send(
            Method::POST,
            "/_emulator/apps/noSuchApp000000000000000/keys/rotate",
            None,
            None,
        )
        .await;
    assert_error(&unknown, 404, "app_not_found", "App not found.");
}

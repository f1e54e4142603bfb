//! Hostile input the audit used: forged auth tokens (alg none, HS256 keyed with the public
//! key, a foreign key, `jku` and `jwk` headers pointing elsewhere) and garbage where WebAuthn
//! expects CBOR and base64url. Each is refused in Passage's shape; none is a 500.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::passkey_helpers::*;
use super::session_helpers::*;

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The claims and `kid` of a genuine token, to forge others from.
fn parts_of(token: &str) -> (Value, String) {
    let mut pieces = token.split('.');
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(pieces.next().unwrap()).unwrap()).unwrap();
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(pieces.next().unwrap()).unwrap()).unwrap();
    (claims, header["kid"].as_str().unwrap().to_owned())
}

/// An RSA key of nobody's (the attacker's).
fn foreign_key() -> EncodingKey {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    EncodingKey::from_rsa_pem(pair.serialize_pem().as_bytes()).unwrap()
}

#[tokio::test]
async fn forged_auth_tokens_are_refused() {
    let app = spawn_app().await;
    let genuine = register(&app, "ada@example.com").await["auth_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (claims, kid) = parts_of(&genuine);
    let path = format!("/auth/v1/apps/{APP_ID}/currentuser");
    let opened = app.send(Method::GET, &path, Some(&genuine), None).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.text);

    let mut forged = Vec::new();
    // alg none, no signature.
    let none = json!({"alg": "none", "typ": "JWT", "kid": kid});
    forged.push(format!(
        "{}.{}.",
        b64(none.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    ));
    // HS256 keyed with the app's public key (the RS/HS confusion).
    let info = app.mgmt(Method::GET, "", None).await;
    let public_pem = STANDARD
        .decode(info.body["app"]["rsa_public_key"].as_str().unwrap())
        .unwrap();
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(kid.clone());
    forged.push(encode(&header, &claims, &EncodingKey::from_secret(&public_pem)).unwrap());
    // RS256 by a foreign key under the app's kid.
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.clone());
    forged.push(encode(&header, &claims, &foreign_key()).unwrap());
    // RS256 by a foreign key that the header says where to find.
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("attacker".into());
    header.jku = Some("https://attacker.example/jwks.json".into());
    forged.push(encode(&header, &claims, &foreign_key()).unwrap());
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("attacker".into());
    header.jwk = Some(
        serde_json::from_value(json!({
            "kty": "RSA", "kid": "attacker", "alg": "RS256", "use": "sig", "n": "AQAB", "e": "AQAB"
        }))
        .unwrap(),
    );
    forged.push(encode(&header, &claims, &foreign_key()).unwrap());
    // The genuine token with its claims changed (another subject).
    let mut other = claims.clone();
    other["sub"] = json!("someoneElse00000000000001");
    let pieces: Vec<&str> = genuine.split('.').collect();
    forged.push(format!(
        "{}.{}.{}",
        pieces[0],
        b64(other.to_string().as_bytes()),
        pieces[2]
    ));

    for token in &forged {
        let refused = app.send(Method::GET, &path, Some(token), None).await;
        assert_error(&refused, 401, "invalid_access_token", "");
    }
    app.stop().await;
}

#[tokio::test]
async fn garbage_cbor_and_base64_in_ceremonies_are_refused() {
    let app = spawn_app().await;
    let phone = new_authenticator(&app, json!({})).await;

    // Registration: attestationObject that is not CBOR, or not base64url at all.
    for garbage in [
        b64(&[0xff, 0x00, 0x13, 0x37, 0xa5]),
        "!!not base64!!".to_owned(),
        b64(&[0xa1]),
    ] {
        let started = register_start(&app, "cbor@example.com").await;
        let mut finish = answer(&app, &phone, "register", &started).await;
        finish["handshake_response"]["response"]["attestationObject"] = json!(garbage);
        let refused = auth(
            &app,
            Method::POST,
            "/register/webauthn/finish",
            Some(finish),
        )
        .await;
        assert!(
            refused.status == StatusCode::BAD_REQUEST || refused.status == StatusCode::UNAUTHORIZED,
            "{}: {}",
            refused.status,
            refused.text
        );
        assert!(refused.body["code"].is_string(), "{}", refused.text);
    }

    // Login: authenticatorData that is not what it should be, clientDataJSON not base64url.
    register_passkey(&app, &phone, "ada@example.com").await;
    for (field, garbage) in [
        ("authenticatorData", b64(&[0x01, 0x02])),
        ("authenticatorData", "%%%".to_owned()),
        ("clientDataJSON", "not*base64".to_owned()),
        ("signature", b64(&[0x30, 0xff])),
    ] {
        let started = login_start(&app, Some("ada@example.com")).await.body;
        let mut finish = answer(&app, &phone, "login", &started).await;
        finish["handshake_response"]["response"][field] = json!(garbage);
        let refused = auth(&app, Method::POST, "/login/webauthn/finish", Some(finish)).await;
        assert_error(&refused, 401, "webauthn_login_failed", "");
    }
    app.stop().await;
}

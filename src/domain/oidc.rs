//! Hosted login as an OpenID Connect provider: the ID token's claims.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::tokens::{SigningKey, signer_of};
use super::user::User;

/// The claims of a hosted login's ID token (OpenID Connect Core 1.0, section 2, plus the
/// profile claims Passage documented: email, phone and whether each is verified).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IdTokenClaims {
    pub iss: String,
    pub sub: String,
    /// The app id (the client id), as an array like Passage's (Auth.js types it `string[]`).
    pub aud: Vec<String>,
    pub azp: String,
    pub client_id: String,
    pub exp: i64,
    pub iat: i64,
    pub auth_time: i64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub nonce: String,
    pub at_hash: String,
    pub email: String,
    pub email_verified: bool,
    pub phone: String,
    pub phone_number: String,
    pub phone_number_verified: bool,
}

/// What an ID token is issued for.
pub struct IdTokenGrant<'a> {
    pub issuer: &'a str,
    pub app_id: &'a str,
    pub user: &'a User,
    pub access_token: &'a str,
    pub nonce: &'a str,
    pub auth_time: i64,
    pub now: i64,
    pub lifetime: i64,
}

impl IdTokenClaims {
    pub fn new(grant: &IdTokenGrant<'_>) -> Self {
        let user = grant.user;
        Self {
            iss: grant.issuer.to_owned(),
            sub: user.id.clone(),
            aud: vec![grant.app_id.to_owned()],
            azp: grant.app_id.to_owned(),
            client_id: grant.app_id.to_owned(),
            exp: grant.now + grant.lifetime,
            iat: grant.now,
            auth_time: grant.auth_time,
            nonce: grant.nonce.to_owned(),
            at_hash: at_hash(grant.access_token),
            email: user.email.clone(),
            email_verified: user.email_verified,
            phone: user.phone.clone(),
            phone_number: user.phone.clone(),
            phone_number_verified: user.phone_verified,
        }
    }
}

/// `at_hash`: base64url of the left half of the SHA-256 of the access token (RS256).
pub fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

/// Checks that an `id_token_hint` is an ID token this app signed (expiry aside).
pub fn check_id_token_hint(token: &str, keys: &[SigningKey], app_id: &str) -> Result<(), String> {
    let decoding = signer_of(token, keys)?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.set_audience(&[app_id]);
    validation.set_required_spec_claims(&["aud", "sub"]);
    jsonwebtoken::decode::<IdTokenClaims>(token, &decoding, &validation)
        .map(|_| ())
        .map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_is_the_left_half_of_sha256() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223 b00361a3...
        let expected = URL_SAFE_NO_PAD.encode([
            0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
            0x22, 0x23,
        ]);
        assert_eq!(at_hash("abc"), expected);
    }
}

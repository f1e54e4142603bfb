//! ID tokens of the Google and Apple stand-ins: what a native app gets from the provider's SDK
//! and hands to Passage's `social/id_token`, and what Apple's `form_post` carries.
//!
//! Emulator: the stand-ins sign with ES256 keys made when the emulator starts (key generation
//! is instant, unlike RSA) and kept in its state ([`ProviderKeys`]), published at
//! `/_emulator/social/{provider}/jwks`. Tokens minted before a restart no longer verify; they
//! live an hour anyway.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::social::{Provider, ProviderIdentity};

/// How long a stand-in's ID token is valid (Google's and Apple's: one hour).
pub const ID_TOKEN_LIFETIME: i64 = 3600;

struct ProviderKey {
    kid: String,
    encoding: EncodingKey,
    x: String,
    y: String,
}

impl ProviderKey {
    fn generate(provider: Provider) -> Self {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .expect("P-256 key generation");
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref())
            .expect("a fresh P-256 key parses");
        // Uncompressed point: 0x04 || x || y.
        let point = pair.public_key().as_ref();
        Self {
            kid: format!(
                "emulator-{}-{}",
                provider.as_str(),
                super::ids::random_alphanumeric(8)
            ),
            encoding: EncodingKey::from_ec_der(pkcs8.as_ref()),
            x: URL_SAFE_NO_PAD.encode(&point[1..33]),
            y: URL_SAFE_NO_PAD.encode(&point[33..65]),
        }
    }
}

/// The signing keys of the stand-ins that issue ID tokens (GitHub's OAuth has none): one
/// set per emulator, in its state, made when a stand-in first needs one. Made at start-up,
/// they cost every start about 30 ms (the crypto library's first use), social sign-in or not.
#[derive(Default)]
pub struct ProviderKeys {
    keys: std::sync::OnceLock<(ProviderKey, ProviderKey)>,
}

/// The keys are secrets: `Debug` names the type only.
impl std::fmt::Debug for ProviderKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProviderKeys { .. }")
    }
}

impl ProviderKeys {
    fn key(&self, provider: Provider) -> Option<&ProviderKey> {
        let (apple, google) = self.keys.get_or_init(|| {
            (
                ProviderKey::generate(Provider::Apple),
                ProviderKey::generate(Provider::Google),
            )
        });
        match provider {
            Provider::Apple => Some(apple),
            Provider::Google => Some(google),
            Provider::Github => None,
        }
    }
}

/// The provider's real issuer, as apps that inspect the token expect it.
pub fn issuer(provider: Provider) -> &'static str {
    match provider {
        Provider::Apple => "https://appleid.apple.com",
        Provider::Google => "https://accounts.google.com",
        Provider::Github => "https://github.com",
    }
}

/// The claims of a stand-in's ID token (the OpenID Connect core set plus email and name).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProviderClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub email: String,
    pub email_verified: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub nonce: String,
}

/// A JWK of a stand-in's key (EC P-256).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EcJwk {
    pub kty: &'static str,
    pub crv: &'static str,
    pub alg: &'static str,
    #[serde(rename = "use")]
    pub key_use: &'static str,
    pub kid: String,
    pub x: String,
    pub y: String,
}

/// The stand-in's published keys (empty for GitHub).
pub fn jwks(keys: &ProviderKeys, provider: Provider) -> Vec<EcJwk> {
    keys.key(provider)
        .map(|key| EcJwk {
            kty: "EC",
            crv: "P-256",
            alg: "ES256",
            key_use: "sig",
            kid: key.kid.clone(),
            x: key.x.clone(),
            y: key.y.clone(),
        })
        .into_iter()
        .collect()
}

/// Signs an ID token for `identity`, addressed to `client_id`; `None` for GitHub.
pub fn mint(
    keys: &ProviderKeys,
    identity: &ProviderIdentity,
    client_id: &str,
    nonce: &str,
    now: i64,
) -> Option<String> {
    let key = keys.key(identity.provider)?;
    let claims = ProviderClaims {
        iss: issuer(identity.provider).into(),
        sub: identity.provider_id.clone(),
        aud: client_id.into(),
        iat: now,
        exp: now + ID_TOKEN_LIFETIME,
        email: identity.email.clone(),
        email_verified: true,
        name: identity.name.clone(),
        nonce: nonce.into(),
    };
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(key.kid.clone());
    jsonwebtoken::encode(&header, &claims, &key.encoding).ok()
}

/// Checks an ID token of the stand-in for `client_id` at `now`; `Err` says why not.
pub fn verify(
    keys: &ProviderKeys,
    provider: Provider,
    token: &str,
    client_id: &str,
    now: i64,
) -> Result<ProviderIdentity, String> {
    let key = keys
        .key(provider)
        .ok_or("this provider issues no ID tokens")?;
    let header = jsonwebtoken::decode_header(token).map_err(|_| "not a JWT".to_owned())?;
    if header.kid.as_deref() != Some(key.kid.as_str()) {
        return Err(format!(
            "not signed by the emulator's {} stand-in (kid {:?})",
            provider.display_name(),
            header.kid
        ));
    }
    let decoding = DecodingKey::from_ec_components(&key.x, &key.y).map_err(|e| e.to_string())?;
    let mut validation = Validation::new(Algorithm::ES256);
    validation.validate_exp = false;
    validation.set_audience(&[client_id]);
    validation.set_issuer(&[issuer(provider)]);
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    let claims = jsonwebtoken::decode::<ProviderClaims>(token, &decoding, &validation)
        .map_err(|error| error.to_string())?
        .claims;
    if now >= claims.exp {
        return Err("expired".into());
    }
    Ok(ProviderIdentity {
        provider,
        provider_id: claims.sub,
        email: claims.email.to_lowercase(),
        name: claims.name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_tokens_verify_for_their_client_only() {
        let keys = ProviderKeys::default();
        let identity = ProviderIdentity::new(Provider::Google, "ada@example.com", "Ada");
        let token = mint(&keys, &identity, "client-1", "", 1_000).unwrap();
        assert_eq!(
            verify(&keys, Provider::Google, &token, "client-1", 1_001),
            Ok(identity)
        );
        assert!(verify(&keys, Provider::Google, &token, "client-2", 1_001).is_err());
        assert!(verify(&keys, Provider::Apple, &token, "client-1", 1_001).is_err());
        assert_eq!(
            verify(
                &keys,
                Provider::Google,
                &token,
                "client-1",
                1_000 + ID_TOKEN_LIFETIME
            ),
            Err("expired".into())
        );
        let github = ProviderIdentity::new(Provider::Github, "ada@example.com", "Ada");
        assert!(mint(&keys, &github, "client-1", "", 1_000).is_none());
        // Another emulator's keys (another state) do not verify this one's tokens.
        let other = ProviderKeys::default();
        assert!(verify(&other, Provider::Google, &token, "client-1", 1_001).is_err());
    }
}

//! Bodies of `/_emulator/authenticators` (the emulator's own API, no Passage schema).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::authenticators::StartedHandshake;
use crate::authenticator;
use crate::domain::timestamp::Timestamp;
use crate::store::{AuthenticatorRecord, CredentialRecord};

/// `POST /_emulator/authenticators`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAuthenticatorRequest {
    /// Fixed id (replaces an authenticator with this id); random when absent. It is a path
    /// segment of the authenticator's URLs: 1 to 128 characters a path segment holds as they
    /// are (RFC 3986 `pchar` without percent-escapes).
    #[schema(pattern = "^[A-Za-z0-9._~!$&'()*+,;=:@-]{1,128}$")]
    pub id: Option<String>,
    pub name: Option<String>,
    /// `ES256` (default) or `EdDSA`.
    pub algorithm: Option<String>,
    pub aaguid: Option<String>,
    /// Whether new credentials count signatures (default true; synced passkeys do not).
    pub sign_count: Option<bool>,
    /// PKCS#8 PEM (P-256 or Ed25519): every credential this authenticator creates uses it.
    pub private_key: Option<String>,
    /// Credentials it already holds (a known passkey, a clone of another authenticator's).
    #[serde(default)]
    pub credentials: Vec<NewVirtualCredential>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVirtualCredential {
    /// base64url.
    pub cred_id: String,
    pub rp_id: String,
    /// base64url; or give `user_id` and the emulator's handle for that user is used.
    pub user_handle: Option<String>,
    pub user_id: Option<String>,
    /// PKCS#8 PEM.
    pub private_key: String,
    pub sign_count: Option<i64>,
}

/// A credential as the emulator shows it: with its private key, so a browser test can load
/// it into Chromium's virtual authenticator (CDP `WebAuthn.addCredential`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VirtualCredential {
    pub cred_id: String,
    pub rp_id: String,
    pub user_handle: Option<String>,
    pub sign_count: Option<i64>,
    /// COSE_Key, base64url: what the relying party stores.
    pub public_key: String,
    /// PKCS#8 PEM.
    pub private_key: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VirtualAuthenticator {
    pub id: String,
    pub name: String,
    pub aaguid: String,
    pub algorithm: String,
    pub sign_count: bool,
    pub credentials: Vec<VirtualCredential>,
    pub created_at: Timestamp,
}

impl VirtualAuthenticator {
    pub fn new(
        record: AuthenticatorRecord,
        credentials: Vec<CredentialRecord>,
    ) -> Result<Self, String> {
        let credentials = credentials
            .into_iter()
            .map(|c| {
                Ok(VirtualCredential {
                    cred_id: URL_SAFE_NO_PAD.encode(&c.cred_id),
                    rp_id: c.rp_id,
                    user_handle: c.user_handle.map(|h| URL_SAFE_NO_PAD.encode(h)),
                    sign_count: c.sign_count,
                    public_key: URL_SAFE_NO_PAD.encode(authenticator::public_key(&c.private_key)?),
                    private_key: authenticator::private_key_pem(&c.private_key)?,
                    created_at: Timestamp(c.created_at),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Self {
            id: record.id,
            name: record.name,
            aaguid: record.aaguid,
            algorithm: record.algorithm,
            sign_count: record.sign_count,
            credentials,
            created_at: Timestamp(record.created_at),
        })
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuthenticatorList {
    pub authenticators: Vec<VirtualAuthenticator>,
}

/// A WebAuthn start response (Auth API or Flex), plus where the "browser" is.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CeremonyRequest {
    pub handshake: StartedHandshake,
    #[serde(default)]
    pub user: Option<Value>,
    #[serde(default)]
    pub transaction_id: Option<String>,
    /// Default: the `auth_origin` of the handshake's app.
    #[serde(default)]
    pub origin: Option<String>,
}

/// The body of the finish call.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CeremonyResponse {
    pub handshake_id: String,
    pub handshake_response: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
}

impl CeremonyResponse {
    pub fn answering(request: CeremonyRequest, handshake_response: Value) -> Self {
        let user_id = request
            .user
            .as_ref()
            .and_then(|u| u.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        Self {
            handshake_id: request.handshake.id,
            handshake_response,
            user_id,
            transaction_id: request.transaction_id,
        }
    }
}

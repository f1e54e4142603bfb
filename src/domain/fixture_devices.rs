//! Fixture passkeys: a device's credential id and COSE public key, or a private key from
//! which both the public key and a virtual authenticator's credential come.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use coset::{CborSerializable, CoseKey, KeyType, iana};
use serde::{Deserialize, Serialize};

use super::device::WebAuthnType;
use super::ids::is_plausible_id;
use super::timestamp::Timestamp;
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureDevice {
    pub id: String,
    /// Credential id, base64url (padding optional).
    pub cred_id: String,
    /// COSE_Key bytes, base64url (padding optional). May be left out when `private_key` is
    /// given: it is derived.
    #[serde(default)]
    pub public_key: String,
    /// PKCS#8 PEM (P-256 or Ed25519): a virtual authenticator holding it is made, so tests can
    /// log in as this user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    /// The id of that virtual authenticator (default: the device id); devices naming the same
    /// one share it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticator_id: Option<String>,
    /// `private_key` as a COSE_Key, filled in by `normalize`.
    #[serde(skip)]
    pub private_key_cose: Option<Vec<u8>>,
    #[serde(default = "default_device_name")]
    pub friendly_name: String,
    #[serde(rename = "type", default = "passkey")]
    pub device_type: WebAuthnType,
    #[serde(default)]
    pub sign_count: i64,
    #[serde(default)]
    pub usage_count: i64,
    #[serde(default = "zero_aaguid")]
    pub aaguid: String,
    #[serde(default)]
    pub transports: Vec<String>,
    #[serde(default)]
    pub backup_eligible: bool,
    #[serde(default)]
    pub backup_state: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_login_at: Option<Timestamp>,
    /// Default: the load time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
}

fn default_device_name() -> String {
    "Fixture passkey".into()
}

fn passkey() -> WebAuthnType {
    WebAuthnType::Passkey
}

fn zero_aaguid() -> String {
    "00000000-0000-0000-0000-000000000000".into()
}

impl FixtureDevice {
    pub(super) fn normalize(&mut self) -> Result<(), String> {
        if !is_plausible_id(&self.id) {
            return Err(format!("id: `{}` is not a valid id", self.id));
        }
        let cred_id = decode_base64url(&self.cred_id).map_err(|e| format!("cred_id: {e}"))?;
        self.cred_id = URL_SAFE_NO_PAD.encode(cred_id);
        if let Some(pem) = &self.private_key {
            let (private, _) = crate::authenticator::private_key_from_pem(pem)?;
            let public = crate::authenticator::public_key(&private)?;
            let derived = URL_SAFE_NO_PAD.encode(&public);
            if !self.public_key.is_empty()
                && decode_base64url(&self.public_key).ok().as_deref() != Some(public.as_slice())
            {
                return Err("public_key: does not belong to private_key".into());
            }
            self.public_key = derived;
            self.private_key_cose = Some(private);
        } else if self.public_key.is_empty() {
            return Err("public_key: required unless private_key is given".into());
        }
        if let Some(id) = &self.authenticator_id
            && !is_plausible_id(id)
        {
            return Err(format!("authenticator_id: `{id}` is not a valid id"));
        }
        let key = decode_base64url(&self.public_key).map_err(|e| format!("public_key: {e}"))?;
        check_cose_key(&key).map_err(|e| format!("public_key: {e}"))?;
        self.public_key = URL_SAFE_NO_PAD.encode(key);
        Ok(())
    }

    pub fn public_key_bytes(&self) -> Vec<u8> {
        decode_base64url(&self.public_key).unwrap_or_default()
    }
}

/// A credential public key must be a COSE_Key of a type WebAuthn uses (EC2, OKP or RSA).
fn check_cose_key(bytes: &[u8]) -> Result<(), String> {
    let key = CoseKey::from_slice(bytes).map_err(|error| format!("not a COSE_Key: {error}"))?;
    match key.kty {
        KeyType::Assigned(iana::KeyType::EC2 | iana::KeyType::OKP | iana::KeyType::RSA) => Ok(()),
        other => Err(format!("COSE key type {other:?} is not EC2, OKP or RSA")),
    }
}

/// base64url with or without its padding, as fixtures and WebAuthn JSON write it.
pub(crate) fn base64url(text: &str) -> Result<Vec<u8>, String> {
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|error| format!("not base64url: {error}"))
}

fn decode_base64url(text: &str) -> Result<Vec<u8>, String> {
    let bytes = base64url(text)?;
    if bytes.is_empty() {
        return Err("must not be empty".into());
    }
    Ok(bytes)
}

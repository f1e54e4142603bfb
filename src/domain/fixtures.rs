//! Fixture files: apps with fixed ids and API keys, their users and passkeys.
//!
//! The format is documented in `docs/FIXTURES.md` and described by
//! `fixtures/fixtures.schema.json`. Parsing checks and normalises everything here, so that the
//! store only upserts rows that are already valid.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use coset::{CborSerializable, CoseKey, KeyType, iana};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::app::AppSettings;
use super::device::WebAuthnType;
use super::identifiers::{normalize_email, normalize_phone};
use super::ids::is_plausible_id;
use super::metadata::{self, UserMetadataField, UserMetadataFieldType, field_name_from_friendly};
use super::social::FixtureSocialConnection;
use super::timestamp::Timestamp;
use super::tokens::SigningKey;
use super::user::UserStatus;

/// The built-in fixture that `cargo run` serves when no `--fixtures` flag is given.
pub const DEFAULT_FIXTURE: &str = include_str!("../../fixtures/default.json");

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureFile {
    /// The JSON Schema a fixture file may name for editors; read by serde only.
    #[serde(rename = "$schema", default)]
    #[allow(dead_code)]
    pub schema: Option<String>,
    #[serde(default)]
    pub apps: Vec<FixtureApp>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureApp {
    pub id: String,
    #[serde(default)]
    pub settings: AppSettings,
    #[serde(default)]
    pub api_keys: Vec<FixtureApiKey>,
    /// The app's token-signing key; without one, the emulator generates a key.
    #[serde(default)]
    pub signing_key: Option<FixtureSigningKey>,
    #[serde(default)]
    pub user_metadata_schema: Vec<FixtureMetadataField>,
    #[serde(default)]
    pub users: Vec<FixtureUser>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureApiKey {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default = "default_key_name")]
    pub name: String,
    pub key: String,
}

fn default_key_name() -> String {
    "fixture".into()
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureSigningKey {
    pub kid: String,
    /// RSA private key, PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`) PEM, 2048 bits or more.
    pub private_key_pem: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureMetadataField {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub field_name: Option<String>,
    pub friendly_name: String,
    #[serde(rename = "type")]
    pub field_type: UserMetadataFieldType,
    #[serde(default = "yes")]
    pub profile: bool,
    #[serde(default = "yes")]
    pub registration: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureUser {
    pub id: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub external_id: String,
    #[serde(default = "active")]
    pub status: UserStatus,
    #[serde(default)]
    pub email_verified: bool,
    #[serde(default)]
    pub phone_verified: bool,
    #[serde(default)]
    pub user_metadata: Option<Map<String, Value>>,
    #[serde(default)]
    pub login_count: i64,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub last_login_at: Option<Timestamp>,
    #[serde(default)]
    pub devices: Vec<FixtureDevice>,
    /// Provider accounts already linked: a sign-in at that provider's stand-in with this
    /// email signs this user in.
    #[serde(default)]
    pub social_connections: Vec<FixtureSocialConnection>,
}

fn active() -> UserStatus {
    UserStatus::Active
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
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
    #[serde(default)]
    pub private_key: Option<String>,
    /// The id of that virtual authenticator (default: the device id); devices naming the same
    /// one share it.
    #[serde(default)]
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
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub last_login_at: Option<Timestamp>,
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

/// Why a fixture document could not be had; each names the document (`source`).
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error("{source_name}: {source}")]
    Read {
        source_name: String,
        #[source]
        source: std::io::Error,
    },
    /// Not JSON, or not the fixture format: at `path` (e.g. `apps[0].users`).
    #[error("{source_name}: {path}: {source}")]
    Syntax {
        source_name: String,
        path: String,
        #[source]
        source: serde_json::Error,
    },
    /// Well-formed but not valid (an id, identifier, setting or key): the message says which.
    #[error("{source_name}: {message}")]
    Invalid {
        source_name: String,
        message: String,
    },
}

impl FixtureFile {
    /// Parses and checks a fixture document; `source` names it in error messages.
    pub fn parse(source: &str, text: &str) -> Result<Self, FixtureError> {
        let deserializer = &mut serde_json::Deserializer::from_str(text);
        let mut file: FixtureFile =
            serde_path_to_error::deserialize(deserializer).map_err(|error| {
                FixtureError::Syntax {
                    source_name: source.to_owned(),
                    path: error.path().to_string(),
                    source: error.into_inner(),
                }
            })?;
        file.normalize().map_err(|message| FixtureError::Invalid {
            source_name: source.to_owned(),
            message,
        })?;
        Ok(file)
    }

    pub fn read(path: &Path) -> Result<Self, FixtureError> {
        let source_name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| FixtureError::Read {
            source_name: source_name.clone(),
            source,
        })?;
        Self::parse(&source_name, &text)
    }

    /// Validates ids, identifiers, metadata and keys, and rewrites them in canonical form.
    fn normalize(&mut self) -> Result<(), String> {
        for (index, app) in self.apps.iter_mut().enumerate() {
            let at = format!("apps[{index}]");
            if !is_plausible_id(&app.id) {
                return Err(format!("{at}.id: `{}` is not a valid id", app.id));
            }
            app.settings
                .validate()
                .map_err(|error| format!("{at}.settings.{error}"))?;
            if let Some(key) = &app.signing_key {
                if !is_plausible_id(&key.kid) {
                    return Err(format!(
                        "{at}.signing_key.kid: `{}` is not a valid id",
                        key.kid
                    ));
                }
                SigningKey::from_pem(key.kid.clone(), key.private_key_pem.clone())
                    .map_err(|error| format!("{at}.signing_key.private_key_pem: {error}"))?;
            }
            for key in &app.api_keys {
                if key.key.len() < 8 {
                    return Err(format!("{at}.api_keys: a key needs at least 8 characters"));
                }
            }
            let schema = app.schema();
            for (user_index, user) in app.users.iter_mut().enumerate() {
                user.normalize(&schema)
                    .map_err(|error| format!("{at}.users[{user_index}].{error}"))?;
            }
        }
        Ok(())
    }
}

impl FixtureApp {
    /// The schema the fixture declares, with field names and ids filled in. Ids default to
    /// `{app_id}_{field_name}` so that loading twice keeps them.
    pub fn schema(&self) -> Vec<UserMetadataField> {
        self.user_metadata_schema
            .iter()
            .map(|field| {
                let field_name = field
                    .field_name
                    .clone()
                    .unwrap_or_else(|| field_name_from_friendly(&field.friendly_name));
                UserMetadataField {
                    id: field
                        .id
                        .clone()
                        .unwrap_or_else(|| format!("{}_{field_name}", self.id)),
                    field_name,
                    friendly_name: field.friendly_name.clone(),
                    field_type: field.field_type,
                    profile: field.profile,
                    registration: field.registration,
                }
            })
            .collect()
    }
}

impl FixtureUser {
    fn normalize(&mut self, schema: &[UserMetadataField]) -> Result<(), String> {
        if !is_plausible_id(&self.id) {
            return Err(format!("id: `{}` is not a valid id", self.id));
        }
        if !self.email.is_empty() {
            self.email = normalize_email(&self.email).map_err(|e| format!("email: {e}"))?;
        }
        if !self.phone.is_empty() {
            self.phone = normalize_phone(&self.phone).map_err(|e| format!("phone: {e}"))?;
        }
        if self.email.is_empty() && self.phone.is_empty() && self.external_id.is_empty() {
            return Err("a user needs an email, a phone or an external_id".into());
        }
        if let Some(metadata) = self.user_metadata.take() {
            self.user_metadata = Some(metadata::validate(schema, metadata)?);
        }
        for (index, device) in self.devices.iter_mut().enumerate() {
            device
                .normalize()
                .map_err(|error| format!("devices[{index}].{error}"))?;
        }
        for (index, connection) in self.social_connections.iter_mut().enumerate() {
            let field = format!("social_connections[{index}].email");
            if connection.email.is_empty() && self.email.is_empty() {
                return Err(format!("{field}: needed when the user has no email"));
            }
            if !connection.email.is_empty() {
                connection.email = normalize_email(&connection.email)
                    .map_err(|error| format!("{field}: {error}"))?;
            }
        }
        Ok(())
    }
}

impl FixtureDevice {
    fn normalize(&mut self) -> Result<(), String> {
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

fn decode_base64url(text: &str) -> Result<Vec<u8>, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|error| format!("not base64url: {error}"))?;
    if bytes.is_empty() {
        return Err("must not be empty".into());
    }
    Ok(bytes)
}

#[cfg(test)]
#[path = "fixtures_tests.rs"]
mod tests;

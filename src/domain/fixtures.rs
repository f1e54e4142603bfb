//! Fixture files: apps with fixed ids and API keys, their users and passkeys.
//!
//! The format is documented in `docs/FIXTURES.md` and described by
//! `fixtures/fixtures.schema.json`. Parsing checks and normalises everything here, so that the
//! store only upserts rows that are already valid.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::app::AppSettings;
use super::identifiers::{normalize_email, normalize_phone};
use super::ids::is_plausible_id;
use super::metadata::{self, UserMetadataField, UserMetadataFieldType, field_name_from_friendly};
use super::social::FixtureSocialConnection;
use super::timestamp::Timestamp;
use super::tokens::SigningKey;
use super::user::UserStatus;

pub use super::fixture_devices::FixtureDevice;
pub use super::fixture_state::{
    FixtureAuthenticator, FixtureCredential, FixtureEmailTemplate, FixtureRetiredKey,
};

/// The built-in fixture that `cargo run` serves when no `--fixtures` flag is given.
pub const DEFAULT_FIXTURE: &str = include_str!("../../fixtures/default.json");

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureFile {
    /// The JSON Schema a fixture file may name for editors; read by serde only.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    #[serde(default)]
    pub apps: Vec<FixtureApp>,
    /// Virtual authenticators with their credentials' private keys (what an export holds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authenticators: Vec<FixtureAuthenticator>,
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureApp {
    pub id: String,
    #[serde(default)]
    pub settings: AppSettings,
    #[serde(default)]
    pub api_keys: Vec<FixtureApiKey>,
    /// The app's token-signing key; without one, the emulator generates a key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_key: Option<FixtureSigningKey>,
    /// Keys rotated out: still in the JWKS for the session length after `retired_at`, so
    /// tokens they signed keep verifying.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired_signing_keys: Vec<FixtureRetiredKey>,
    #[serde(default)]
    pub user_metadata_schema: Vec<FixtureMetadataField>,
    /// The app's email templates (Passage's `EmailTemplate`; `id` optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email_templates: Vec<FixtureEmailTemplate>,
    #[serde(default)]
    pub users: Vec<FixtureUser>,
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureApiKey {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default = "default_key_name")]
    pub name: String,
    /// The plaintext key; or give `key_hash`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// The key's SHA-256, lower-case hex, as the emulator stores it: what an export holds, so
    /// the key keeps working without its plaintext being written down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_hash: Option<String>,
    /// The key's first characters, shown in lists (default: the key's first six).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_prefix: Option<String>,
}

fn default_key_name() -> String {
    "fixture".into()
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureSigningKey {
    pub kid: String,
    /// RSA private key, PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`) PEM, 2048 bits or more.
    pub private_key_pem: String,
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureMetadataField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_name: Option<String>,
    pub friendly_name: String,
    #[serde(rename = "type")]
    pub field_type: UserMetadataFieldType,
    #[serde(default = "yes")]
    pub profile: bool,
    #[serde(default = "yes")]
    pub registration: bool,
}

pub(super) fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_login_at: Option<Timestamp>,
    /// Default: the load time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
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
            for (key_index, key) in app.api_keys.iter().enumerate() {
                key.check()
                    .map_err(|error| format!("{at}.api_keys[{key_index}].{error}"))?;
            }
            for (key_index, key) in app.retired_signing_keys.iter().enumerate() {
                let at = format!("{at}.retired_signing_keys[{key_index}]");
                key.check().map_err(|error| format!("{at}.{error}"))?;
                if app.signing_key.as_ref().is_some_and(|k| k.kid == key.kid) {
                    return Err(format!("{at}.kid: `{}` is the active signing_key", key.kid));
                }
            }
            let schema = app.schema();
            for (index, template) in app.email_templates.iter().enumerate() {
                template
                    .check(&app.id, &schema)
                    .map_err(|error| format!("{at}.email_templates[{index}].{error}"))?;
            }
            for (user_index, user) in app.users.iter_mut().enumerate() {
                user.normalize(&schema)
                    .map_err(|error| format!("{at}.users[{user_index}].{error}"))?;
            }
        }
        for (index, authenticator) in self.authenticators.iter_mut().enumerate() {
            authenticator
                .normalize()
                .map_err(|error| format!("authenticators[{index}].{error}"))?;
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

#[cfg(test)]
#[path = "fixtures_tests.rs"]
mod tests;

//! The parts of a fixture document that an export writes so that loading it gives the same
//! state back (issue 16): API keys by hash, retired signing keys, and virtual authenticators
//! with their credentials' private keys. Documented in docs/FIXTURES.md ("Exported state").

use serde::{Deserialize, Serialize};

use super::device::EMULATOR_AAGUID;
use super::fixture_devices::base64url;
use super::fixtures::FixtureApiKey;
use super::ids::is_plausible_id;
use super::timestamp::Timestamp;
use super::tokens::SigningKey;

impl FixtureApiKey {
    /// A key is given as its plaintext or as its hash, not both.
    pub(super) fn check(&self) -> Result<(), String> {
        match (&self.key_hash, self.key.is_empty()) {
            (None, true) => Err("key: required unless key_hash is given".into()),
            (None, false) if self.key.len() < 8 => {
                Err("key: a key needs at least 8 characters".into())
            }
            (None, false) => Ok(()),
            (Some(_), false) => Err("key_hash: give key or key_hash, not both".into()),
            (Some(hash), true) => {
                let hex = hash.len() == 64
                    && hash
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
                if hex {
                    Ok(())
                } else {
                    Err("key_hash: not a SHA-256 in lower-case hex (64 characters)".into())
                }
            }
        }
    }
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureRetiredKey {
    pub kid: String,
    /// RSA private key, PKCS#8 or PKCS#1 PEM.
    pub private_key_pem: String,
    pub retired_at: Timestamp,
}

impl FixtureRetiredKey {
    pub(super) fn check(&self) -> Result<(), String> {
        if !is_plausible_id(&self.kid) {
            return Err(format!("kid: `{}` is not a valid id", self.kid));
        }
        SigningKey::from_pem(self.kid.clone(), self.private_key_pem.clone())
            .map(|_| ())
            .map_err(|error| format!("private_key_pem: {error}"))
    }
}

/// A virtual authenticator as `/_emulator/authenticators` shows it, with its private keys.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureAuthenticator {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default = "emulator_aaguid")]
    pub aaguid: String,
    /// `ES256` or `EdDSA`: what it makes new credentials with.
    #[serde(default = "es256")]
    pub algorithm: String,
    /// Whether its signature counter moves (false: it always reports 0).
    #[serde(default = "super::fixtures::yes")]
    pub sign_count: bool,
    /// PKCS#8 PEM of the key its next credential gets, if one was set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    #[serde(skip)]
    pub private_key_cose: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub credentials: Vec<FixtureCredential>,
}

#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureCredential {
    /// base64url.
    pub cred_id: String,
    pub rp_id: String,
    /// base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_handle: Option<String>,
    /// PKCS#8 PEM (P-256 or Ed25519).
    pub private_key: String,
    #[serde(skip)]
    pub private_key_cose: Vec<u8>,
    /// The counter it signs with next (absent: no counter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
}

fn emulator_aaguid() -> String {
    EMULATOR_AAGUID.into()
}

fn es256() -> String {
    "ES256".into()
}

impl FixtureAuthenticator {
    /// Checks ids, the algorithm and every key, and parses the keys.
    pub(super) fn normalize(&mut self) -> Result<(), String> {
        if !is_plausible_id(&self.id) {
            return Err(format!("id: `{}` is not a valid id", self.id));
        }
        if crate::authenticator::Algorithm::parse(&self.algorithm).is_none() {
            return Err(format!(
                "algorithm: `{}` is not ES256 or EdDSA",
                self.algorithm
            ));
        }
        if self.name.is_empty() {
            self.name = format!("Authenticator {}", self.id);
        }
        if let Some(pem) = &self.private_key {
            let (key, _) = crate::authenticator::private_key_from_pem(pem)
                .map_err(|error| format!("private_key: {error}"))?;
            self.private_key_cose = Some(key);
        }
        for (index, credential) in self.credentials.iter_mut().enumerate() {
            let at = format!("credentials[{index}]");
            let decode = |text: &str, what: &str| {
                base64url(text).map_err(|error| format!("{at}.{what}: {error}"))
            };
            decode(&credential.cred_id, "cred_id")?;
            if let Some(handle) = &credential.user_handle {
                decode(handle, "user_handle")?;
            }
            let (key, _) = crate::authenticator::private_key_from_pem(&credential.private_key)
                .map_err(|error| format!("{at}.private_key: {error}"))?;
            credential.private_key_cose = key;
        }
        Ok(())
    }
}

/// An email template of an app (Passage's `EmailTemplate`), as an export writes it.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureEmailTemplate {
    /// Default: `{app_id}_{type}`, so loading twice keeps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub template_type: super::email_templates::EmailTemplateType,
    #[serde(default)]
    pub enabled: bool,
    pub subject: String,
    pub html: String,
}

impl FixtureEmailTemplate {
    /// Syntax and variables, as `POST /email-templates` checks them.
    pub(super) fn check(
        &self,
        app_id: &str,
        schema: &[super::metadata::UserMetadataField],
    ) -> Result<(), String> {
        let app = super::app::App {
            id: app_id.to_owned(),
            settings: super::app::AppSettings::default(),
            user_metadata_schema: schema.to_vec(),
            email_templates: Vec::new(),
            email_provider: None,
            rsa_public_key: String::new(),
            created_at: Timestamp::NEVER,
        };
        super::email_templates::check(&app, &self.subject, &self.html)
    }

    /// The template's id: the given one, or `{app_id}_{type}`.
    pub fn id_in(&self, app_id: &str) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| format!("{app_id}_{}", self.template_type.as_str()))
    }
}

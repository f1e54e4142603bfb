//! An app's email provider (Passage's console "Email Provider"). Passage sent the app's mail
//! through it (SendGrid, SES and the like); the emulator keeps every setting, and for the
//! emulator's own type `smtp` also delivers the app's email to `config.smtp_url`, as
//! `--smtp-relay` does for every app.

use serde::{Deserialize, Serialize};

/// Passage: `EmailProviderConfig`, plus the emulator's `smtp_url`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailProviderConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Emulator: `smtp://host[:port]` for type `smtp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_url: Option<String>,
}

/// Passage: `EmailProvider` (every member optional in a request).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailProvider {
    #[serde(default)]
    pub config: Option<EmailProviderConfig>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub from_address: Option<String>,
    #[serde(default, rename = "type")]
    pub provider_type: Option<String>,
}

/// A stored provider: what a request set, with every required member present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEmailProvider {
    pub config: EmailProviderConfig,
    pub enabled: bool,
    pub from_address: String,
    pub provider_type: String,
}

impl StoredEmailProvider {
    /// A provider from a create request, or an existing one changed by an update request.
    pub fn apply(base: Option<&Self>, request: EmailProvider) -> Result<Self, String> {
        let mut provider = base.cloned().unwrap_or(Self {
            config: EmailProviderConfig::default(),
            enabled: false,
            from_address: String::new(),
            provider_type: String::new(),
        });
        if let Some(config) = request.config {
            provider.config = config;
        }
        if let Some(enabled) = request.enabled {
            provider.enabled = enabled;
        }
        if let Some(from) = request.from_address {
            provider.from_address = from;
        }
        if let Some(kind) = request.provider_type {
            provider.provider_type = kind;
        }
        provider.check()?;
        Ok(provider)
    }

    fn check(&self) -> Result<(), String> {
        if self.provider_type.is_empty() || self.provider_type.len() > 64 {
            return Err("type: required (e.g. sendgrid, ses, smtp)".into());
        }
        if !email_address::EmailAddress::is_valid(&self.from_address) {
            return Err(format!(
                "from_address: `{}` is not an email address",
                self.from_address
            ));
        }
        if self.provider_type == "smtp" {
            let url = self.config.smtp_url.as_deref().unwrap_or_default();
            crate::relay::SmtpRelay::from_url(url)
                .map_err(|error| format!("config.smtp_url: {error}"))?;
        }
        Ok(())
    }

    /// Where the app's email goes besides the inbox: an enabled `smtp` provider's server.
    pub fn smtp_url(&self) -> Option<&str> {
        (self.enabled && self.provider_type == "smtp")
            .then_some(self.config.smtp_url.as_deref())
            .flatten()
    }
}

/// Passage: `EmailProviderResponse` (no secrets).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EmailProviderResponse {
    pub enabled: bool,
    pub from_address: String,
    #[serde(rename = "type")]
    pub provider_type: String,
}

impl From<&StoredEmailProvider> for EmailProviderResponse {
    fn from(provider: &StoredEmailProvider) -> Self {
        Self {
            enabled: provider.enabled,
            from_address: provider.from_address.clone(),
            provider_type: provider.provider_type.clone(),
        }
    }
}

//! An app and its settings.
//!
//! Passage: the settings are the writable fields of the Management `AppInfo` schema (2024-11,
//! passage-go `openapi.json`), with the console's defaults where Passage had one. They are
//! stored as one JSON document, so adding a setting never needs a migration; `serde(default)`
//! fills settings that older databases or short fixtures leave out.

use serde::{Deserialize, Serialize};

use super::metadata::UserMetadataField;
use super::social::SocialSettings;
use super::timestamp::Timestamp;

/// An app as the store returns it.
#[derive(Debug, Clone)]
pub struct App {
    pub id: String,
    pub settings: AppSettings,
    pub user_metadata_schema: Vec<UserMetadataField>,
    /// The app's own email templates (enabled or not), oldest first.
    pub email_templates: Vec<super::email_templates::EmailTemplate>,
    /// The app's email provider, if one was configured.
    pub email_provider: Option<super::email_provider::StoredEmailProvider>,
    /// Passage: base64 of the active signing key's public PEM (`""` before the app has one).
    pub rsa_public_key: String,
    pub created_at: Timestamp,
}

/// Passage: the writable part of `AppInfo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AppSettings {
    pub name: String,
    pub additional_auth_origins: Vec<String>,
    pub allowed_callback_urls: Vec<String>,
    /// `email`, `phone` or `both`.
    pub allowed_identifier: String,
    pub allowed_logout_urls: Vec<String>,
    pub application_login_uri: String,
    /// Deprecated by Passage in favour of `auth_methods`; kept because `AppInfo` requires it.
    pub auth_fallback_method: String,
    pub auth_fallback_method_ttl: i64,
    pub auth_methods: AuthMethods,
    pub auth_origin: String,
    pub auto_theme_enabled: bool,
    pub default_language: String,
    pub element_customization: ElementCustomization,
    pub element_customization_dark: ElementCustomization,
    /// In the 2023 `AppInfo` and the Auth API's `App`; passage-node 2.x reads it.
    pub ephemeral: bool,
    pub hosted: bool,
    pub hosted_subdomain: String,
    pub hosted_theme: ThemeType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token_lifetime: Option<i64>,
    pub layouts: Layouts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub light_logo_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dark_logo_url: Option<String>,
    pub login_url: String,
    pub passage_branding: bool,
    pub profile_management: bool,
    pub public_signup: bool,
    pub redirect_url: String,
    pub refresh_absolute_lifetime: i64,
    pub refresh_enabled: bool,
    pub refresh_inactivity_lifetime: i64,
    pub require_email_verification: bool,
    pub require_identifier_verification: bool,
    /// `phone`, `email`, `both` or `either`.
    pub required_identifier: String,
    pub role: String,
    /// Auth-token lifetime in seconds.
    pub session_timeout_length: i64,
    /// Emulator: the social providers the app configured, and the identities their sign-in
    /// pages offer. Not in Passage's `AppInfo`, so it is shown there only once set.
    #[serde(skip_serializing_if = "SocialSettings::is_empty")]
    pub social_connections: SocialSettings,
    #[serde(rename = "type")]
    pub app_type: AppType,
    pub technologies: Vec<Technology>,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            name: "Passage Emulator App".into(),
            additional_auth_origins: Vec::new(),
            allowed_callback_urls: Vec::new(),
            allowed_identifier: "both".into(),
            allowed_logout_urls: Vec::new(),
            application_login_uri: String::new(),
            auth_fallback_method: "magic_link".into(),
            auth_fallback_method_ttl: 300,
            auth_methods: AuthMethods::default(),
            auth_origin: "http://localhost:3000".into(),
            auto_theme_enabled: false,
            default_language: "en".into(),
            element_customization: ElementCustomization::default(),
            element_customization_dark: ElementCustomization::default(),
            ephemeral: false,
            hosted: false,
            hosted_subdomain: String::new(),
            hosted_theme: ThemeType::Auto,
            id_token_lifetime: None,
            layouts: Layouts::default(),
            light_logo_url: None,
            dark_logo_url: None,
            login_url: "/".into(),
            passage_branding: true,
            profile_management: true,
            public_signup: true,
            redirect_url: "/".into(),
            refresh_absolute_lifetime: 30 * 24 * 3600,
            refresh_enabled: true,
            refresh_inactivity_lifetime: 5 * 24 * 3600,
            require_email_verification: false,
            require_identifier_verification: false,
            required_identifier: "either".into(),
            role: "admin".into(),
            session_timeout_length: 3600,
            social_connections: SocialSettings::default(),
            app_type: AppType::Complete,
            technologies: Vec::new(),
        }
    }
}

impl AppSettings {
    /// Checks the rules Passage's console enforced; `Err` names the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("name: must not be empty".into());
        }
        check_origin("auth_origin", &self.auth_origin)?;
        for origin in &self.additional_auth_origins {
            check_origin("additional_auth_origins", origin)?;
        }
        one_of(
            "allowed_identifier",
            &self.allowed_identifier,
            &["email", "phone", "both"],
        )?;
        one_of(
            "required_identifier",
            &self.required_identifier,
            &["phone", "email", "both", "either"],
        )?;
        one_of(
            "auth_fallback_method",
            &self.auth_fallback_method,
            &["magic_link", "otp", "none"],
        )?;
        if self.session_timeout_length < 5 {
            return Err("session_timeout_length: must be at least 5 (seconds)".into());
        }
        for (name, ttl) in [
            ("session_timeout_length", self.session_timeout_length),
            ("auth_fallback_method_ttl", self.auth_fallback_method_ttl),
            ("auth_methods.otp.ttl", self.auth_methods.otp.ttl),
            (
                "auth_methods.magic_link.ttl",
                self.auth_methods.magic_link.ttl,
            ),
            ("refresh_absolute_lifetime", self.refresh_absolute_lifetime),
            (
                "refresh_inactivity_lifetime",
                self.refresh_inactivity_lifetime,
            ),
        ] {
            if ttl < 1 {
                return Err(format!("{name}: must be a positive number of seconds"));
            }
            if ttl > MAX_DURATION_SECONDS {
                return Err(format!(
                    "{name}: must be at most {MAX_DURATION_SECONDS} seconds (ten years)"
                ));
            }
        }
        self.social_connections.validate()
    }
}

/// Emulator: the longest session, passcode, link or refresh lifetime an app may set. Passage's
/// own limits are unknown; ten years is past any test's needs and keeps every expiry computed
/// from them a valid date.
pub const MAX_DURATION_SECONDS: i64 = 10 * 365 * 24 * 60 * 60;

fn check_origin(field: &str, origin: &str) -> Result<(), String> {
    let parsed = url::Url::parse(origin)
        .map_err(|_| format!("{field}: `{origin}` is not an absolute URL"))?;
    let is_origin = matches!(parsed.scheme(), "http" | "https")
        && parsed.host_str().is_some()
        && parsed.path() == "/"
        && parsed.query().is_none()
        && !origin.ends_with('/');
    if is_origin {
        Ok(())
    } else {
        Err(format!(
            "{field}: `{origin}` must be an origin such as https://example.com or http://localhost:3000"
        ))
    }
}

fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "{field}: `{value}` is not one of {}",
            allowed.join(", ")
        ))
    }
}

/// Passage: Management `AuthMethods` (each method carries `enabled`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AuthMethods {
    pub passkeys: PasskeysAuthMethod,
    pub otp: TtlAuthMethod,
    pub magic_link: TtlAuthMethod,
}

impl Default for AuthMethods {
    fn default() -> Self {
        Self {
            passkeys: PasskeysAuthMethod { enabled: true },
            otp: TtlAuthMethod::default(),
            magic_link: TtlAuthMethod::default(),
        }
    }
}

/// Passage: `PasskeysAuthMethod`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasskeysAuthMethod {
    pub enabled: bool,
}

/// Passage: `OtpAuthMethod` and `MagicLinkAuthMethod`, which share a shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TtlAuthMethod {
    pub enabled: bool,
    /// Seconds.
    pub ttl: i64,
    pub ttl_display_unit: TtlDisplayUnit,
}

impl Default for TtlAuthMethod {
    fn default() -> Self {
        Self {
            enabled: true,
            ttl: 300,
            ttl_display_unit: TtlDisplayUnit::S,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TtlDisplayUnit {
    S,
    M,
    H,
    D,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ThemeType {
    Auto,
    Light,
    Dark,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AppType {
    Complete,
    Flex,
}

/// Passage: `Technologies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Technology {
    React,
    Go,
    Vue,
    Angular,
    Python,
    Javascript,
    Ios,
    Android,
}

/// Passage: `Layouts`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Layouts {
    pub profile: Vec<LayoutConfig>,
    pub registration: Vec<LayoutConfig>,
}

/// Passage: `LayoutConfig`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LayoutConfig {
    pub id: String,
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
}

/// Passage: `ElementCustomization`. Every member is optional; absent ones fall back to the
/// defaults baked into passage-elements.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ElementCustomization {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_container_background_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_container_max_width: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_input_box_background_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_input_box_border_radius: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_header_font_family: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_body_font_family: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_header_text_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_body_text_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_primary_button_background_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_primary_button_text_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_primary_button_hover_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_primary_button_border_radius: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_primary_button_border_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_primary_button_border_width: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_secondary_button_background_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_secondary_button_text_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_secondary_button_hover_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_secondary_button_border_radius: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_secondary_button_border_color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage_secondary_button_border_width: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        AppSettings::default().validate().unwrap();
    }

    #[test]
    fn origins_are_checked() {
        let mut settings = AppSettings {
            auth_origin: "localhost:3000".into(),
            ..AppSettings::default()
        };
        assert!(settings.validate().unwrap_err().starts_with("auth_origin"));
        settings.auth_origin = "https://example.com/path".into();
        assert!(settings.validate().is_err());
        settings.auth_origin = "https://example.com".into();
        settings.validate().unwrap();
    }
}

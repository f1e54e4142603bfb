//! Auth API DTOs, named after Passage's schemas (the generated clients in passage-android and
//! passage-js 4.1.2, REFERENCE section 3a).

use serde::Serialize;
use serde_json::{Map, Value};

use crate::domain::app::{App as AppRecord, ElementCustomization, Layouts, TtlDisplayUnit};
use crate::domain::device::WebAuthnType;
use crate::domain::metadata::UserMetadataField;
use crate::domain::social::{Provider, SocialSettings};
use crate::domain::tokens::Jwk;
use crate::domain::user::{User as UserRecord, UserStatus, UserWithDevices};

/// Passage: `PasskeysAuthMethod` of the Auth API: an empty object.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = auth::PasskeysAuthMethod)]
pub struct PasskeysAuthMethod {}

/// Passage: `OtpAuthMethod` / `MagicLinkAuthMethod` of the Auth API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = auth::TtlAuthMethod)]
pub struct TtlAuthMethod {
    pub ttl: i64,
    pub ttl_display_unit: TtlDisplayUnit,
}

/// Passage: `AuthMethods` of the Auth API: a method is enabled when its member is present
/// (passage-elements tests `authMethods.passkeys !== undefined`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = auth::AuthMethods)]
pub struct AuthMethods {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passkeys: Option<PasskeysAuthMethod>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otp: Option<TtlAuthMethod>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub magic_link: Option<TtlAuthMethod>,
}

/// Passage: `SocialConnections` (`{client_id}` per configured provider).
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct SocialConnections {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apple: Option<SocialConnection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub github: Option<SocialConnection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google: Option<SocialConnection>,
}

/// Passage: `SocialConnection`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SocialConnection {
    pub client_id: String,
}

impl SocialConnections {
    fn of(app_id: &str, settings: &SocialSettings) -> Self {
        let connection = |provider: Provider| {
            settings.get(provider).map(|_| SocialConnection {
                client_id: settings.client_id(app_id, provider),
            })
        };
        Self {
            apple: connection(Provider::Apple),
            github: connection(Provider::Github),
            google: connection(Provider::Google),
        }
    }
}

/// Passage: `App` (Auth API).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct App {
    pub allowed_identifier: String,
    pub auth_fallback_method: String,
    pub auth_fallback_method_ttl: i64,
    pub auth_methods: AuthMethods,
    pub auth_origin: String,
    pub default_language: String,
    pub element_customization: ElementCustomization,
    pub element_customization_dark: ElementCustomization,
    pub ephemeral: bool,
    pub id: String,
    pub layouts: Layouts,
    pub login_url: String,
    pub name: String,
    pub passage_branding: bool,
    pub profile_management: bool,
    pub public_signup: bool,
    pub redirect_url: String,
    pub require_email_verification: bool,
    pub require_identifier_verification: bool,
    pub required_identifier: String,
    pub rsa_public_key: String,
    pub session_timeout_length: i64,
    /// The providers the app configured (any other still works with dev credentials).
    pub social_connections: SocialConnections,
    pub user_metadata_schema: Vec<UserMetadataField>,
}

impl From<AppRecord> for App {
    fn from(app: AppRecord) -> Self {
        let settings = app.settings;
        let social_connections = SocialConnections::of(&app.id, &settings.social_connections);
        let methods = &settings.auth_methods;
        let ttl_method = |enabled: bool, ttl: i64, unit: TtlDisplayUnit| {
            enabled.then_some(TtlAuthMethod {
                ttl,
                ttl_display_unit: unit,
            })
        };
        let auth_methods = AuthMethods {
            passkeys: methods.passkeys.enabled.then_some(PasskeysAuthMethod {}),
            otp: ttl_method(
                methods.otp.enabled,
                methods.otp.ttl,
                methods.otp.ttl_display_unit,
            ),
            magic_link: ttl_method(
                methods.magic_link.enabled,
                methods.magic_link.ttl,
                methods.magic_link.ttl_display_unit,
            ),
        };
        Self {
            allowed_identifier: settings.allowed_identifier,
            auth_fallback_method: settings.auth_fallback_method,
            auth_fallback_method_ttl: settings.auth_fallback_method_ttl,
            auth_methods,
            auth_origin: settings.auth_origin,
            default_language: settings.default_language,
            element_customization: settings.element_customization,
            element_customization_dark: settings.element_customization_dark,
            ephemeral: settings.ephemeral,
            id: app.id,
            layouts: settings.layouts,
            login_url: settings.login_url,
            name: settings.name,
            passage_branding: settings.passage_branding,
            profile_management: settings.profile_management,
            public_signup: settings.public_signup,
            redirect_url: settings.redirect_url,
            require_email_verification: settings.require_email_verification,
            require_identifier_verification: settings.require_identifier_verification,
            required_identifier: settings.required_identifier,
            rsa_public_key: app.rsa_public_key,
            session_timeout_length: settings.session_timeout_length,
            social_connections,
            user_metadata_schema: app.user_metadata_schema,
        }
    }
}

/// Passage: `GetAppResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GetAppResponse {
    pub app: App,
}

/// Passage: `JWKResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JwkResponse {
    pub keys: Vec<Jwk>,
}

/// Passage: `OpenIdConfiguration` (`authorization_endpoint`, `issuer`, `jwks_uri`), plus what
/// OpenID Connect Discovery 1.0 lets clients find the hosted login's other endpoints with.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OpenIdConfiguration {
    pub authorization_endpoint: String,
    pub issuer: String,
    pub jwks_uri: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: String,
    pub end_session_endpoint: String,
    pub response_types_supported: [&'static str; 1],
    pub response_modes_supported: [&'static str; 1],
    pub grant_types_supported: [&'static str; 2],
    pub subject_types_supported: [&'static str; 1],
    pub id_token_signing_alg_values_supported: [&'static str; 1],
    pub scopes_supported: [&'static str; 3],
    pub token_endpoint_auth_methods_supported: [&'static str; 3],
    pub code_challenge_methods_supported: [&'static str; 1],
    pub claims_supported: [&'static str; 14],
}

impl OpenIdConfiguration {
    /// The configuration of the app whose issuer (`{auth base}/apps/{app_id}`) is `issuer`.
    pub fn new(issuer: String) -> Self {
        Self {
            authorization_endpoint: format!("{issuer}/authorize"),
            jwks_uri: format!("{issuer}/.well-known/jwks.json"),
            token_endpoint: format!("{issuer}/token"),
            userinfo_endpoint: format!("{issuer}/userinfo"),
            end_session_endpoint: format!("{issuer}/logout"),
            issuer,
            response_types_supported: ["code"],
            response_modes_supported: ["query"],
            grant_types_supported: ["authorization_code", "refresh_token"],
            subject_types_supported: ["public"],
            id_token_signing_alg_values_supported: ["RS256"],
            scopes_supported: ["openid", "email", "phone"],
            token_endpoint_auth_methods_supported: [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            code_challenge_methods_supported: ["S256"],
            claims_supported: [
                "iss",
                "sub",
                "aud",
                "azp",
                "client_id",
                "exp",
                "iat",
                "auth_time",
                "nonce",
                "at_hash",
                "email",
                "email_verified",
                "phone_number",
                "phone_number_verified",
            ],
        }
    }
}

/// Passage: `User` (Auth API).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct User {
    pub email: String,
    pub email_verified: bool,
    pub id: String,
    pub phone: String,
    pub phone_verified: bool,
    pub status: UserStatus,
    pub user_metadata: Option<Map<String, Value>>,
    pub webauthn: bool,
    /// Left out of WebAuthn start responses, as Passage sent them (the mobile SDKs patch
    /// their models for that); always present elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webauthn_types: Option<Vec<WebAuthnType>>,
}

impl User {
    /// The `user` of a WebAuthn start response: no `webauthn_types`.
    pub fn in_handshake(user: UserRecord, webauthn: bool) -> Self {
        Self {
            email: user.email,
            email_verified: user.email_verified,
            id: user.id,
            phone: user.phone,
            phone_verified: user.phone_verified,
            status: user.status,
            user_metadata: user.user_metadata,
            webauthn,
            webauthn_types: None,
        }
    }
}

impl From<UserWithDevices> for User {
    fn from(full: UserWithDevices) -> Self {
        let webauthn_types = full.webauthn_types();
        let UserWithDevices { user, devices, .. } = full;
        Self {
            email: user.email,
            email_verified: user.email_verified,
            id: user.id,
            phone: user.phone,
            phone_verified: user.phone_verified,
            status: user.status,
            user_metadata: user.user_metadata,
            webauthn: !devices.is_empty(),
            webauthn_types: Some(webauthn_types),
        }
    }
}

/// Passage: `UserResponse` (`user` is `null` for an unknown identifier).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = auth::UserResponse)]
pub struct UserResponse {
    pub user: Option<User>,
}

/// Passage: `CreateUserResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreateUserResponse {
    pub user: User,
}

/// Passage: `OneTimePasscodeResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OneTimePasscodeResponse {
    pub otp_id: String,
}

/// Passage: `AuthResult`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuthResult {
    pub auth_token: String,
    pub redirect_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Emulator: when the refresh token's family ends, in Unix seconds (no client reads it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_expiration: Option<i64>,
}

/// Passage: `AuthResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuthResponse {
    pub auth_result: AuthResult,
}

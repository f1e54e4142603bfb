//! Current-user DTOs (Auth API), named after Passage's schemas.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::api::models::{UserSocialConnections, WebAuthnIcons};
use crate::domain::device::{Device, WebAuthnType};
use crate::domain::timestamp::Timestamp;
use crate::domain::user::{UserStatus, UserWithDevices};

/// Passage: `Credential`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Credential {
    pub created_at: Timestamp,
    pub cred_id: String,
    pub friendly_name: String,
    pub id: String,
    pub last_login_at: Timestamp,
    #[serde(rename = "type")]
    pub device_type: WebAuthnType,
    pub updated_at: Timestamp,
    pub usage_count: i64,
    pub user_id: String,
    pub icons: WebAuthnIcons,
}

impl From<Device> for Credential {
    fn from(device: Device) -> Self {
        Self {
            created_at: device.created_at,
            cred_id: device.cred_id,
            friendly_name: device.friendly_name,
            id: device.id,
            last_login_at: device.last_login_at,
            device_type: device.device_type,
            updated_at: device.updated_at,
            usage_count: device.usage_count,
            user_id: device.user_id,
            icons: WebAuthnIcons::default(),
        }
    }
}

/// Passage: `CurrentUser`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CurrentUser {
    pub created_at: Timestamp,
    pub email: String,
    pub email_verified: bool,
    pub id: String,
    pub last_login_at: Timestamp,
    pub login_count: i64,
    pub phone: String,
    pub phone_verified: bool,
    pub social_connections: UserSocialConnections,
    pub status: UserStatus,
    pub updated_at: Timestamp,
    pub user_metadata: Option<Map<String, Value>>,
    pub webauthn: bool,
    pub webauthn_devices: Vec<Credential>,
    pub webauthn_types: Vec<WebAuthnType>,
}

impl From<UserWithDevices> for CurrentUser {
    fn from(full: UserWithDevices) -> Self {
        let webauthn_types = full.webauthn_types();
        let UserWithDevices {
            user,
            devices,
            social_connections,
            ..
        } = full;
        Self {
            created_at: user.created_at,
            email: user.email,
            email_verified: user.email_verified,
            id: user.id,
            last_login_at: user.last_login_at,
            login_count: user.login_count,
            phone: user.phone,
            phone_verified: user.phone_verified,
            social_connections: social_connections.into(),
            status: user.status,
            updated_at: user.updated_at,
            user_metadata: user.user_metadata,
            webauthn: !devices.is_empty(),
            webauthn_devices: devices.into_iter().map(Credential::from).collect(),
            webauthn_types,
        }
    }
}

/// Passage: `CurrentUserResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CurrentUserResponse {
    pub user: CurrentUser,
}

/// Passage: `CurrentUserDevices`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CurrentUserDevices {
    pub devices: Vec<Credential>,
}

/// Passage: `CurrentUserDevice`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CurrentUserDevice {
    pub device: Credential,
}

/// Passage: `UserMetadataResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserMetadataResponse {
    pub user_metadata: Option<Map<String, Value>>,
}

/// Passage: `SocialConnectionsResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SocialConnectionsResponse {
    pub social_connections: UserSocialConnections,
}

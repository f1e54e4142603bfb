//! Management API DTOs, named after Passage's schemas (passage-go `openapi.json`, 2024-11).
//! Every member the schema marks required is always written, so the strict clients
//! (pydantic, serde, Go) can read them.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::domain::app::{App, AppSettings};
use crate::domain::device::{Device, WebAuthnType};
use crate::domain::events::UserEvent;
use crate::domain::metadata::UserMetadataField;
use crate::domain::timestamp::Timestamp;
use crate::domain::user::{User, UserStatus, UserWithDevices};

pub use crate::api::models::{UserSocialConnections, WebAuthnIcons};

/// Passage: `AppInfo`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AppInfo {
    pub id: String,
    pub created_at: Timestamp,
    #[serde(flatten)]
    pub settings: AppSettings,
    pub rsa_public_key: String,
    pub user_metadata_schema: Vec<UserMetadataField>,
}

impl From<App> for AppInfo {
    fn from(app: App) -> Self {
        Self {
            id: app.id,
            created_at: app.created_at,
            settings: app.settings,
            rsa_public_key: app.rsa_public_key,
            user_metadata_schema: app.user_metadata_schema,
        }
    }
}

/// Passage: `AppResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AppResponse {
    pub app: AppInfo,
}

/// Passage: `WebAuthnDevices`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebAuthnDevices {
    pub created_at: Timestamp,
    pub cred_id: String,
    pub friendly_name: String,
    pub id: String,
    pub last_login_at: Timestamp,
    #[serde(rename = "type")]
    pub device_type: WebAuthnType,
    pub updated_at: Timestamp,
    pub usage_count: i64,
    pub icons: WebAuthnIcons,
}

impl From<Device> for WebAuthnDevices {
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
            icons: WebAuthnIcons::default(),
        }
    }
}

/// Passage: `ListDevicesResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListDevicesResponse {
    pub devices: Vec<WebAuthnDevices>,
}

/// Passage: `UserRecentEvent`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserRecentEvent {
    pub created_at: Timestamp,
    pub completed_at: Option<Timestamp>,
    pub id: String,
    pub ip_addr: String,
    pub status: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub user_agent: String,
    pub user_agent_display: String,
    pub action: String,
    pub social_login_type: Option<String>,
}

impl From<UserEvent> for UserRecentEvent {
    fn from(event: UserEvent) -> Self {
        Self {
            status: event.status().to_owned(),
            user_agent_display: event.user_agent_display(),
            created_at: event.created_at,
            completed_at: event.completed_at,
            id: event.id,
            ip_addr: event.client.ip_addr,
            event_type: event.event_type,
            user_agent: event.client.user_agent,
            action: event.action.as_str().to_owned(),
            social_login_type: event.social_login_type.map(|p| p.as_str().to_owned()),
        }
    }
}

/// Passage: `UserInfo` (`PassageUser` in the 3.x SDKs): a `ListPaginatedUsersItem` with the
/// user's events, social connections and devices.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserInfo {
    #[serde(flatten)]
    pub item: ListPaginatedUsersItem,
    /// The newest first, at most ten (domain::events::RECENT_EVENTS).
    pub recent_events: Vec<UserRecentEvent>,
    pub social_connections: UserSocialConnections,
    pub webauthn: bool,
    pub webauthn_devices: Vec<WebAuthnDevices>,
    pub webauthn_types: Vec<WebAuthnType>,
}

impl From<UserWithDevices> for UserInfo {
    fn from(full: UserWithDevices) -> Self {
        let webauthn_types = full.webauthn_types();
        let UserWithDevices {
            user,
            devices,
            social_connections,
            recent_events,
        } = full;
        Self {
            item: ListPaginatedUsersItem::from(user),
            recent_events: recent_events
                .into_iter()
                .map(UserRecentEvent::from)
                .collect(),
            social_connections: social_connections.into(),
            webauthn: !devices.is_empty(),
            webauthn_devices: devices.into_iter().map(WebAuthnDevices::from).collect(),
            webauthn_types,
        }
    }
}

/// Passage: `UserResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserResponse {
    pub user: UserInfo,
}

/// Passage: `ListPaginatedUsersItem` (`UserInfo` without events, socials and devices).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListPaginatedUsersItem {
    pub created_at: Timestamp,
    pub email: String,
    pub email_verified: bool,
    pub external_id: String,
    pub id: String,
    pub last_login_at: Timestamp,
    pub login_count: i64,
    pub phone: String,
    pub phone_verified: bool,
    pub status: UserStatus,
    pub updated_at: Timestamp,
    pub user_metadata: Option<Map<String, Value>>,
}

impl From<User> for ListPaginatedUsersItem {
    fn from(user: User) -> Self {
        Self {
            created_at: user.created_at,
            email: user.email,
            email_verified: user.email_verified,
            external_id: user.external_id,
            id: user.id,
            last_login_at: user.last_login_at,
            login_count: user.login_count,
            phone: user.phone,
            phone_verified: user.phone_verified,
            status: user.status,
            updated_at: user.updated_at,
            user_metadata: user.user_metadata,
        }
    }
}

/// Passage: `Link`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Link {
    pub href: String,
}

/// Passage: `PaginatedLinks`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PaginatedLinks {
    pub first: Link,
    pub last: Link,
    pub next: Link,
    pub previous: Link,
    #[serde(rename = "self")]
    pub this: Link,
}

/// Passage: `ListPaginatedUsersResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListPaginatedUsersResponse {
    #[serde(rename = "_links")]
    pub links: PaginatedLinks,
    pub created_before: i64,
    pub limit: i64,
    pub page: i64,
    pub total_users: i64,
    pub users: Vec<ListPaginatedUsersItem>,
}

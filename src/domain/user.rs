//! Users as the store returns them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::device::{Device, WebAuthnType};
use super::social::SocialConnection;
use super::timestamp::Timestamp;

/// Passage: `UserStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    Active,
    Inactive,
    Pending,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Pending => "pending",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "active" => Some(Self::Active),
            "inactive" => Some(Self::Inactive),
            "pending" => Some(Self::Pending),
            _ => None,
        }
    }
}

/// A stored user. `email`, `phone` and `external_id` are `""` when unset, as Passage sent them.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub app_id: String,
    pub email: String,
    pub phone: String,
    pub external_id: String,
    pub status: UserStatus,
    pub email_verified: bool,
    pub phone_verified: bool,
    /// `None` until metadata was first written: Passage sent `null` then.
    pub user_metadata: Option<Map<String, Value>>,
    pub login_count: i64,
    pub last_login_at: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A user with the devices that Management `UserInfo` embeds.
#[derive(Debug, Clone)]
pub struct UserWithDevices {
    pub user: User,
    pub devices: Vec<Device>,
    pub social_connections: Vec<SocialConnection>,
    /// The most recent sign-in and registration events, newest first.
    pub recent_events: Vec<super::events::UserEvent>,
}

impl UserWithDevices {
    /// Passage: `webauthn_types`, the kinds of credential the user has, each once, in the
    /// order the devices were registered.
    pub fn webauthn_types(&self) -> Vec<WebAuthnType> {
        let mut types: Vec<WebAuthnType> = Vec::new();
        for device in &self.devices {
            if !types.contains(&device.device_type) {
                types.push(device.device_type);
            }
        }
        types
    }
}

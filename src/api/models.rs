//! DTOs both Passage APIs answer with, named after Passage's schemas: the Auth API's current
//! user shows the same social connections and authenticator icons as the Management API's
//! user. Kept here so neither face imports the other.

use serde::Serialize;

use crate::domain::social::{Provider, SocialConnection};
use crate::domain::timestamp::Timestamp;

/// Passage: `WebAuthnIcons` (`null` or a `data:image/svg+xml;base64,...` URL).
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct WebAuthnIcons {
    pub light: Option<String>,
    pub dark: Option<String>,
}

/// Passage: `AppleUserSocialConnection` and its GitHub and Google twins.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserSocialConnection {
    pub provider_id: String,
    pub created_at: Timestamp,
    pub last_login_at: Timestamp,
    pub provider_identifier: String,
}

/// Passage: `UserSocialConnections`; a member is present only when linked.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct UserSocialConnections {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apple: Option<UserSocialConnection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub github: Option<UserSocialConnection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google: Option<UserSocialConnection>,
}

impl From<Vec<SocialConnection>> for UserSocialConnections {
    fn from(connections: Vec<SocialConnection>) -> Self {
        let mut linked = Self::default();
        for connection in connections {
            let slot = match connection.provider {
                Provider::Apple => &mut linked.apple,
                Provider::Github => &mut linked.github,
                Provider::Google => &mut linked.google,
            };
            *slot = Some(UserSocialConnection {
                provider_id: connection.provider_id,
                created_at: connection.created_at,
                last_login_at: connection.last_login_at,
                provider_identifier: connection.provider_identifier,
            });
        }
        linked
    }
}

//! WebAuthn devices (passkeys) as the store returns them.

use serde::{Deserialize, Serialize};

use super::timestamp::Timestamp;

/// Passage: `WebAuthnType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebAuthnType {
    Passkey,
    SecurityKey,
    Platform,
}

impl WebAuthnType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passkey => "passkey",
            Self::SecurityKey => "security_key",
            Self::Platform => "platform",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "passkey" => Some(Self::Passkey),
            "security_key" => Some(Self::SecurityKey),
            "platform" => Some(Self::Platform),
            _ => None,
        }
    }
}

/// A registered credential. `cred_id` is base64url without padding, as WebAuthn JSON writes it;
/// `public_key` is the COSE_Key from the attested credential data.
#[derive(Debug, Clone)]
pub struct Device {
    pub id: String,
    pub app_id: String,
    pub user_id: String,
    pub cred_id: String,
    pub public_key: Vec<u8>,
    pub sign_count: i64,
    pub aaguid: String,
    pub transports: Vec<String>,
    pub backup_eligible: bool,
    pub backup_state: bool,
    pub friendly_name: String,
    pub device_type: WebAuthnType,
    pub usage_count: i64,
    pub last_login_at: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

//! WebAuthn devices (passkeys) as the store returns them.

use serde::{Deserialize, Serialize};

use super::timestamp::Timestamp;

/// Passage: `WebAuthnType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
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

/// The AAGUID of the emulator's virtual authenticators (unless one is given another).
pub const EMULATOR_AAGUID: &str = "0e7b2a5c-5e00-4d9e-a7e0-9a55a9e5e000";

/// Well-known AAGUIDs (from the passkey provider list the FIDO community keeps) and names.
const KNOWN_AUTHENTICATORS: &[(&str, &str)] = &[
    ("fbfc3007-154e-4ecc-8c0b-6e020557d7bd", "iCloud Keychain"),
    (
        "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4",
        "Google Password Manager",
    ),
    ("adce0002-35bc-c60a-648b-0b25f1f05503", "Chrome on Mac"),
    ("08987058-cadc-4b81-b6e1-30de50dcbe96", "Windows Hello"),
    ("9ddd1817-af5a-4672-a2b9-3e3dd95000a9", "Windows Hello"),
    ("6028b017-b1d4-4c02-b4b3-afcdafc96bb2", "Windows Hello"),
    ("bada5566-a7aa-401f-bd96-45619a55120d", "1Password"),
    ("d548826e-79b4-db40-a3d8-11116f7e8349", "Bitwarden"),
    ("531126d6-e717-415c-9320-3d9aa6981239", "Dashlane"),
    (
        "01020304-0506-0708-0102-030405060708",
        "Chromium virtual authenticator",
    ),
    (EMULATOR_AAGUID, "Emulator virtual authenticator"),
];

/// The authenticator's name when its AAGUID is well known.
pub fn authenticator_name(aaguid: &str) -> Option<&'static str> {
    KNOWN_AUTHENTICATORS
        .iter()
        .find(|(id, _)| *id == aaguid)
        .map(|(_, name)| *name)
}

/// The name a new device gets: the authenticator's when its AAGUID is well known, else the
/// browser and system the user agent names, else "Passkey".
// Emulator: Passage's own naming rules are unknown; this is what its console showed in spirit.
pub fn default_friendly_name(aaguid: &str, user_agent: Option<&str>) -> String {
    if let Some(name) = authenticator_name(aaguid) {
        return name.to_owned();
    }
    user_agent
        .and_then(agent_summary)
        .unwrap_or_else(|| "Passkey".to_owned())
}

/// The browser and system a user agent names ("Chrome on macOS"), or either alone.
pub fn agent_summary(agent: &str) -> Option<String> {
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(marker, _)| agent.contains(marker))
    .map(|(_, name)| *name);
    let system = [
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Android", "Android"),
        ("Mac OS X", "macOS"),
        ("Windows", "Windows"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(marker, _)| agent.contains(marker))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(browser), Some(system)) => Some(format!("{browser} on {system}")),
        (Some(name), None) | (None, Some(name)) => Some(name.to_owned()),
        (None, None) => None,
    }
}

/// Passage's device `type`: synced credentials are passkeys, device-bound ones on the platform
/// authenticator are `platform`, and roaming ones (USB, NFC, BLE) are security keys.
pub fn device_type(
    backup_eligible: bool,
    platform: Option<bool>,
    transports: &[String],
) -> WebAuthnType {
    let roaming = transports
        .iter()
        .any(|t| matches!(t.as_str(), "usb" | "nfc" | "ble" | "smart-card"));
    if backup_eligible {
        WebAuthnType::Passkey
    } else if platform == Some(false) || (platform.is_none() && roaming) {
        WebAuthnType::SecurityKey
    } else if platform == Some(true) || transports.iter().any(|t| t == "internal") {
        WebAuthnType::Platform
    } else {
        WebAuthnType::Passkey
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_aaguid_then_the_user_agent() {
        let chrome_mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 \
                          (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        assert_eq!(
            default_friendly_name("fbfc3007-154e-4ecc-8c0b-6e020557d7bd", Some(chrome_mac)),
            "iCloud Keychain"
        );
        assert_eq!(
            default_friendly_name("00000000-0000-0000-0000-000000000000", Some(chrome_mac)),
            "Chrome on macOS"
        );
        assert_eq!(default_friendly_name("x", Some("curl/8.5.0")), "Passkey");
        assert_eq!(default_friendly_name("x", None), "Passkey");
    }

    #[test]
    fn types_follow_backup_and_attachment() {
        let usb = vec!["usb".to_owned()];
        assert_eq!(device_type(true, Some(true), &[]), WebAuthnType::Passkey);
        assert_eq!(device_type(false, Some(true), &[]), WebAuthnType::Platform);
        assert_eq!(
            device_type(false, Some(false), &[]),
            WebAuthnType::SecurityKey
        );
        assert_eq!(device_type(false, None, &usb), WebAuthnType::SecurityKey);
        assert_eq!(device_type(false, None, &[]), WebAuthnType::Passkey);
    }
}

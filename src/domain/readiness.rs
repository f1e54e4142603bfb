//! Passkey readiness reports (Passage's "Passkey Ready"): what a device said it supports, as
//! Authentikit (passage-android) and the generated mobile clients send it.

use serde::{Deserialize, Serialize};

use super::timestamp::Timestamp;

/// Passage: `CreatePasskeyReadinessRequest`. Authentikit names two members differently
/// (`cloud_synced`, `cross_platform`); both spellings are read.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePasskeyReadinessRequest {
    pub device_id: String,
    #[serde(default)]
    pub security_key: bool,
    #[serde(default)]
    pub platform: bool,
    #[serde(default, alias = "cloud_synced")]
    pub synced_credential: bool,
    #[serde(default, alias = "cross_platform")]
    pub cross_device_credential: bool,
    #[serde(default)]
    pub conditional_ui: bool,
}

/// A report as the emulator keeps it: the request, its headers and when it came.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PasskeyReadinessReport {
    pub id: String,
    /// The app of the app-scoped path; `null` for `/analytics/passkey-readiness`.
    pub app_id: Option<String>,
    /// The `X-API-KEY` header (Authentikit's client-side key), `""` without one.
    pub client_key: String,
    pub device_id: String,
    pub security_key: bool,
    pub platform: bool,
    pub synced_credential: bool,
    pub cross_device_credential: bool,
    pub conditional_ui: bool,
    /// The `Origin` header (Authentikit sends the app's package name).
    pub origin: String,
    /// `App-Identifier` (or Authentikit's `app_identifier`).
    pub app_identifier: String,
    /// `Device-OS` (or `device_os`).
    pub device_os: String,
    /// `Device-OS-Version` (or `device_os_version`).
    pub device_os_version: String,
    pub user_agent: String,
    pub ip_addr: String,
    pub created_at: Timestamp,
}

//! `GET /_emulator/export?format=passkeys`: what a team moving off Passage hands its next
//! provider, per user: identifiers with their verification, and each passkey's credential id
//! and public key (COSE and SPKI PEM) with the facts a relying party keeps about it.
//! docs/MIGRATION.md shows a rehearsal: verify an assertion against the exported key.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use crate::domain::app::App;
use crate::domain::device::Device;
use crate::domain::timestamp::Timestamp;
use crate::domain::user::UserWithDevices;
use crate::webauthn::keys::ParsedKey;
use crate::webauthn::{RelyingParty, user_handle};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PasskeyExport {
    /// Always `passkeys`.
    pub format: &'static str,
    pub exported_at: Timestamp,
    pub apps: Vec<PasskeyExportApp>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PasskeyExportApp {
    pub id: String,
    pub name: String,
    /// The relying party id the passkeys are bound to (the host of `auth_origin`).
    pub rp_id: String,
    /// The origins assertions come from: `auth_origin`, then `additional_auth_origins`.
    pub origins: Vec<String>,
    pub users: Vec<PasskeyExportUser>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PasskeyExportUser {
    pub id: String,
    /// The WebAuthn user handle the passkeys carry (base64url): a usernameless login's
    /// `userHandle` names the user by it.
    pub user_handle: String,
    pub email: String,
    pub email_verified: bool,
    pub phone: String,
    pub phone_verified: bool,
    pub external_id: String,
    pub status: String,
    pub created_at: Timestamp,
    pub passkeys: Vec<ExportedPasskey>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExportedPasskey {
    /// The emulator's (Passage's) device id.
    pub id: String,
    /// base64url, as WebAuthn JSON writes `rawId`.
    pub credential_id: String,
    /// The COSE_Key the authenticator attested, base64url.
    pub public_key_cose: String,
    /// SubjectPublicKeyInfo PEM; `null` with `public_key_error` set if the stored key cannot
    /// be converted.
    pub public_key_spki_pem: Option<String>,
    /// COSE algorithm identifier (-7 ES256, -35 ES384, -8 EdDSA, -257 RS256).
    pub algorithm: Option<i64>,
    pub algorithm_name: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key_error: Option<String>,
    pub aaguid: String,
    pub sign_count: i64,
    pub backup_eligible: bool,
    pub backup_state: bool,
    pub transports: Vec<String>,
    pub friendly_name: String,
    /// `passkey`, `security_key` or `platform`.
    #[serde(rename = "type")]
    pub device_type: String,
    pub created_at: Timestamp,
    /// `null` before the first login with it.
    pub last_used_at: Option<Timestamp>,
}

impl PasskeyExportApp {
    pub fn new(app: &App, users: Vec<UserWithDevices>) -> Self {
        let party = RelyingParty::for_app(&app.settings);
        let mut origins = vec![app.settings.auth_origin.clone()];
        origins.extend(app.settings.additional_auth_origins.iter().cloned());
        Self {
            id: app.id.clone(),
            name: app.settings.name.clone(),
            rp_id: party.map(|party| party.id().to_owned()).unwrap_or_default(),
            origins,
            users: users.into_iter().map(PasskeyExportUser::from).collect(),
        }
    }
}

impl From<UserWithDevices> for PasskeyExportUser {
    fn from(found: UserWithDevices) -> Self {
        let user = found.user;
        Self {
            user_handle: URL_SAFE_NO_PAD.encode(user_handle(&user.id).as_ref()),
            id: user.id,
            email: user.email,
            email_verified: user.email_verified,
            phone: user.phone,
            phone_verified: user.phone_verified,
            external_id: user.external_id,
            status: user.status.as_str().to_owned(),
            created_at: user.created_at,
            passkeys: found
                .devices
                .into_iter()
                .map(ExportedPasskey::from)
                .collect(),
        }
    }
}

impl From<Device> for ExportedPasskey {
    fn from(device: Device) -> Self {
        let portable = ParsedKey::parse(&device.public_key).and_then(|key| key.portable());
        let (pem, algorithm, name, error) = match portable {
            Ok(key) => (
                Some(key.spki_pem),
                Some(key.algorithm),
                Some(key.algorithm_name),
                None,
            ),
            Err(error) => (None, None, None, Some(error)),
        };
        Self {
            id: device.id,
            credential_id: device.cred_id,
            public_key_cose: URL_SAFE_NO_PAD.encode(&device.public_key),
            public_key_spki_pem: pem,
            algorithm,
            algorithm_name: name,
            public_key_error: error,
            aaguid: device.aaguid,
            sign_count: device.sign_count,
            backup_eligible: device.backup_eligible,
            backup_state: device.backup_state,
            transports: device.transports,
            friendly_name: device.friendly_name,
            device_type: device.device_type.as_str().to_owned(),
            created_at: device.created_at,
            last_used_at: (device.last_login_at != Timestamp::NEVER)
                .then_some(device.last_login_at),
        }
    }
}

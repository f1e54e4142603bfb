//! Starting and finishing ceremonies. Server states are the crate's own binary encoding
//! (`serializable_server_state`), so a handshake fits in a database row and a finish call on
//! any connection can verify it.

use serde_json::Value;
use webauthn_rp::bin::{Decode, Encode};
use webauthn_rp::request::auth::{
    AllowedCredentials, AuthenticationVerificationOptions, DiscoverableCredentialRequestOptions,
    NonDiscoverableCredentialRequestOptions, SignatureCounterEnforcement,
};
use webauthn_rp::request::register::{
    AuthenticatorAttachmentReq, CoseAlgorithmIdentifier, CoseAlgorithmIdentifiers, CredProtect,
    CrossPlatformHint, PlatformHint, PublicKeyCredentialCreationOptions,
    PublicKeyCredentialUserEntity, RegistrationVerificationOptions,
};
use webauthn_rp::request::{
    BackupReq, Credentials, PublicKeyCredentialDescriptor, UserVerificationRequirement,
};
use webauthn_rp::response::register::{
    AuthenticatorExtensionOutputStaticState, CredentialProtectionPolicy, DynamicState, StaticState,
};
use webauthn_rp::response::{
    AuthTransports, AuthenticatorAttachment, AuthenticatorTransport, Backup, CredentialId,
};
use webauthn_rp::{
    AuthenticatedCredential, DiscoverableAuthentication, DiscoverableAuthenticationServerState,
    NonDiscoverableAuthentication, NonDiscoverableAuthenticationServerState, Registration,
    RegistrationServerState,
};

use super::keys::{ParsedKey, to_cose};
use super::{CeremonyError, Handle, RelyingParty, USER_HANDLE_LEN, user_handle};

/// Passage's `authenticator_attachment` (clients default to `platform`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attachment {
    Platform,
    CrossPlatform,
    Any,
}

impl Attachment {
    pub fn parse(text: Option<&str>) -> Result<Self, String> {
        match text.unwrap_or("any") {
            "platform" => Ok(Self::Platform),
            "cross-platform" => Ok(Self::CrossPlatform),
            "any" | "" => Ok(Self::Any),
            other => Err(format!(
                "authenticator_attachment: {other:?} is not platform, cross-platform or any"
            )),
        }
    }
}

/// A started ceremony: the options for `handshake.challenge.publicKey`, and the state to keep.
pub struct Started {
    pub public_key: Value,
    pub state: Vec<u8>,
}

/// A credential a registration created, ready to become a device.
#[derive(Debug, Clone)]
pub struct NewCredential {
    pub cred_id: Vec<u8>,
    pub public_key: Vec<u8>,
    pub sign_count: u32,
    pub aaguid: String,
    pub transports: Vec<String>,
    pub backup_eligible: bool,
    pub backup_state: bool,
    pub platform: Option<bool>,
}

/// What a device holds that a login checks against.
pub struct StoredCredential<'a> {
    pub cred_id: &'a [u8],
    pub user_id: &'a str,
    pub public_key: &'a [u8],
    pub sign_count: u32,
    pub backup_eligible: bool,
    pub backup_state: bool,
}

/// What a login changes on the device.
#[derive(Debug, Clone, Copy)]
pub struct LoginCheck {
    pub sign_count: u32,
    pub backup_eligible: bool,
    pub backup_state: bool,
}

fn failed(what: &str, error: impl std::fmt::Display) -> CeremonyError {
    CeremonyError(format!("{what}: {error}"))
}

pub fn start_registration(
    rp: &RelyingParty,
    user_id: &str,
    name: &str,
    exclude: &[Vec<u8>],
    attachment: Attachment,
) -> Result<Started, String> {
    let handle = user_handle(user_id);
    let exclude = exclude
        .iter()
        .filter_map(|id| CredentialId::try_from(id.clone()).ok())
        .map(|id| PublicKeyCredentialDescriptor {
            id,
            transports: AuthTransports::NONE,
        })
        .collect();
    let mut options = PublicKeyCredentialCreationOptions::passkey(
        &rp.rp_id,
        PublicKeyCredentialUserEntity::from(&handle),
        exclude,
    );
    options.pub_key_cred_params =
        CoseAlgorithmIdentifiers::default().remove(CoseAlgorithmIdentifier::Es384);
    // Chromium refuses an enforced credProtect (NotAllowedError); Passage asked for none.
    options.extensions.cred_protect = CredProtect::None;
    options.authenticator_selection.authenticator_attachment = match attachment {
        Attachment::Platform => AuthenticatorAttachmentReq::Platform(PlatformHint::None),
        Attachment::CrossPlatform => {
            AuthenticatorAttachmentReq::CrossPlatform(CrossPlatformHint::None)
        }
        Attachment::Any => AuthenticatorAttachmentReq::default(),
    };
    let (server, client) = options.start_ceremony().map_err(|e| e.to_string())?;
    let mut public_key = serde_json::to_value(&client).map_err(|e| e.to_string())?;
    // The crate writes the user as "blank" and the rp name as its id; say who it is.
    public_key["user"]["name"] = name.into();
    public_key["user"]["displayName"] = name.into();
    public_key["rp"]["name"] = rp.name.clone().into();
    // Browsers take the first algorithm they support: ES256 first, as Passage offered it.
    if let Some(params) = public_key["pubKeyCredParams"].as_array_mut() {
        params.sort_by_key(|p| match p["alg"].as_i64() {
            Some(-7) => 0,
            Some(-8) => 1,
            _ => 2,
        });
    }
    let state = server.encode().map_err(|e| e.to_string())?;
    Ok(Started { public_key, state })
}

pub fn finish_registration(
    rp: &RelyingParty,
    state: &[u8],
    response: &[u8],
) -> Result<NewCredential, CeremonyError> {
    let server = RegistrationServerState::<USER_HANDLE_LEN>::decode(state)
        .map_err(|e| failed("handshake", e))?;
    let registration = Registration::from_json_relaxed(response)
        .map_err(|e| failed("handshake_response is not a WebAuthn registration", e))?;
    let origins: Vec<&str> = rp.origins.iter().map(String::as_str).collect();
    let options = RegistrationVerificationOptions::<&str, &str> {
        allowed_origins: &origins,
        backup_requirement: BackupReq::None,
        error_on_unsolicited_extensions: false,
        ..RegistrationVerificationOptions::default()
    };
    let credential = server
        .verify(&rp.rp_id, &registration, &options)
        .map_err(|e| failed("registration failed", e))?;
    let dynamic = credential.dynamic_state();
    let (backup_eligible, backup_state) = backup_flags(dynamic.backup);
    Ok(NewCredential {
        cred_id: credential.id().as_ref().to_vec(),
        public_key: to_cose(credential.static_state().credential_public_key)
            .map_err(|e| failed("credential public key", e))?,
        sign_count: dynamic.sign_count,
        aaguid: format_aaguid(credential.metadata().aaguid.data()),
        transports: credential
            .transports()
            .into_iter()
            .map(transport_name)
            .map(str::to_owned)
            .collect(),
        backup_eligible,
        backup_state,
        platform: match dynamic.authenticator_attachment {
            AuthenticatorAttachment::Platform => Some(true),
            AuthenticatorAttachment::CrossPlatform => Some(false),
            AuthenticatorAttachment::None => None,
        },
    })
}

/// Starts a login: for the user's own credentials (`allow`), or discoverable when `None`.
pub fn start_login(rp: &RelyingParty, allow: Option<&[Vec<u8>]>) -> Result<Started, String> {
    let (public_key, state) = match allow {
        None => {
            let (server, client) = DiscoverableCredentialRequestOptions::passkey(&rp.rp_id)
                .start_ceremony()
                .map_err(|e| e.to_string())?;
            let json = serde_json::to_value(&client).map_err(|e| e.to_string())?;
            (json, server.encode().map_err(|e| e.to_string())?)
        }
        Some(ids) => {
            let mut credentials = AllowedCredentials::with_capacity(ids.len());
            for id in ids {
                let id = CredentialId::try_from(id.clone()).map_err(|e| e.to_string())?;
                credentials.push(
                    PublicKeyCredentialDescriptor {
                        id,
                        transports: AuthTransports::NONE,
                    }
                    .into(),
                );
            }
            let mut options =
                NonDiscoverableCredentialRequestOptions::second_factor(&rp.rp_id, credentials)
                    .map_err(|e| e.to_string())?;
            options.options().user_verification = UserVerificationRequirement::Required;
            let (server, client) = options.start_ceremony().map_err(|e| e.to_string())?;
            let json = serde_json::to_value(&client).map_err(|e| e.to_string())?;
            (json, server.encode().map_err(|e| e.to_string())?)
        }
    };
    Ok(Started { public_key, state })
}

/// A login response, parsed before its credential is looked up.
pub enum Assertion {
    Discoverable(DiscoverableAuthentication<USER_HANDLE_LEN>),
    NonDiscoverable(NonDiscoverableAuthentication<USER_HANDLE_LEN>),
}

impl Assertion {
    pub fn cred_id(&self) -> &[u8] {
        match self {
            Self::Discoverable(a) => a.raw_id().into_inner(),
            Self::NonDiscoverable(a) => a.raw_id().into_inner(),
        }
    }
}

pub fn parse_assertion(response: &[u8], discoverable: bool) -> Result<Assertion, CeremonyError> {
    let context = "handshake_response is not a WebAuthn assertion";
    if discoverable {
        // webauthn_rp's relaxed parser lets a discoverable answer through without a user
        // handle, and the crate then panics reading it (`unreachable!`): refuse it here.
        if !has_user_handle(response) {
            return Err(CeremonyError(format!(
                "{context}: a usernameless answer needs response.userHandle"
            )));
        }
        DiscoverableAuthentication::from_json_relaxed(response)
            .map(Assertion::Discoverable)
            .map_err(|e| failed(context, e))
    } else {
        NonDiscoverableAuthentication::from_json_relaxed(response)
            .map(Assertion::NonDiscoverable)
            .map_err(|e| failed(context, e))
    }
}

/// Whether `response.userHandle` of an assertion's JSON is a non-empty string.
fn has_user_handle(response: &[u8]) -> bool {
    serde_json::from_slice::<Value>(response).is_ok_and(|value| {
        value
            .pointer("/response/userHandle")
            .and_then(Value::as_str)
            .is_some_and(|handle| !handle.is_empty())
    })
}

pub fn finish_login(
    rp: &RelyingParty,
    state: &[u8],
    assertion: &Assertion,
    stored: &StoredCredential<'_>,
) -> Result<LoginCheck, CeremonyError> {
    let key = ParsedKey::parse(stored.public_key).map_err(|e| failed("stored key", e))?;
    let handle: Handle = user_handle(stored.user_id);
    let id = CredentialId::try_from(stored.cred_id).map_err(|e| failed("stored credential", e))?;
    let static_state = StaticState {
        credential_public_key: key.compressed().map_err(|e| failed("stored key", e))?,
        extensions: AuthenticatorExtensionOutputStaticState {
            cred_protect: CredentialProtectionPolicy::None,
            hmac_secret: None,
        },
    };
    let dynamic_state = DynamicState {
        user_verified: true,
        backup: match (stored.backup_eligible, stored.backup_state) {
            (_, true) => Backup::Exists,
            (true, false) => Backup::Eligible,
            (false, false) => Backup::NotEligible,
        },
        sign_count: stored.sign_count,
        authenticator_attachment: AuthenticatorAttachment::None,
    };
    let mut credential = AuthenticatedCredential::new(id, &handle, static_state, dynamic_state)
        .map_err(|e| failed("stored credential", e))?;
    let origins: Vec<&str> = rp.origins.iter().map(String::as_str).collect();
    let options = AuthenticationVerificationOptions::<&str, &str> {
        allowed_origins: &origins,
        // Synced passkeys change their backup state; Passage did not pin it.
        backup_requirement: Some(BackupReq::None),
        error_on_unsolicited_extensions: false,
        sig_counter_enforcement: SignatureCounterEnforcement::Fail,
        ..AuthenticationVerificationOptions::default()
    };
    let verified = match assertion {
        Assertion::Discoverable(response) => DiscoverableAuthenticationServerState::decode(state)
            .map_err(|e| failed("handshake", e))?
            .verify(&rp.rp_id, response, &mut credential, &options),
        Assertion::NonDiscoverable(response) => {
            NonDiscoverableAuthenticationServerState::decode(state)
                .map_err(|e| failed("handshake", e))?
                .verify(&rp.rp_id, response, &mut credential, &options)
        }
    };
    verified.map_err(|e| failed("login failed", e))?;
    let dynamic = credential.dynamic_state();
    let (backup_eligible, backup_state) = backup_flags(dynamic.backup);
    Ok(LoginCheck {
        sign_count: dynamic.sign_count,
        backup_eligible,
        backup_state,
    })
}

fn backup_flags(backup: Backup) -> (bool, bool) {
    match backup {
        Backup::NotEligible => (false, false),
        Backup::Eligible => (true, false),
        Backup::Exists => (true, true),
    }
}

fn transport_name(transport: AuthenticatorTransport) -> &'static str {
    match transport {
        AuthenticatorTransport::Ble => "ble",
        AuthenticatorTransport::Hybrid => "hybrid",
        AuthenticatorTransport::Internal => "internal",
        AuthenticatorTransport::Nfc => "nfc",
        AuthenticatorTransport::SmartCard => "smart-card",
        AuthenticatorTransport::Usb => "usb",
    }
}

/// 16 bytes as a UUID string, the way `AAGUID`s are written.
fn format_aaguid(bytes: &[u8]) -> String {
    uuid::Uuid::from_slice(bytes).map_or_else(
        |_| bytes.iter().map(|b| format!("{b:02x}")).collect(),
        |id| id.hyphenated().to_string(),
    )
}

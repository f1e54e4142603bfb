//! What every passkey ceremony shares, whichever API starts it (register, login, add a device,
//! Passkey Flex): handshakes kept until their finish call, credentials becoming devices, and
//! assertions checked against the device they name.

use crate::domain::events::{Action, Client, Method};
use crate::store::EventFlow;
use axum::http::HeaderMap;
use axum::http::header::USER_AGENT;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use time::Duration;

use crate::api::auth::passkey_models::{Handshake, HandshakeChallenge};
use crate::domain::app::App;
use crate::domain::device::{Device, default_friendly_name, device_type};
use crate::domain::ids::new_id;
use crate::domain::timestamp::Timestamp;
use crate::domain::user::UserStatus;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::store::{DeviceLogin, NewDevice, NewHandshake};
use crate::webauthn::{
    self, NewCredential, RelyingParty, StoredCredential, finish_login, parse_assertion,
};

/// How long a started ceremony may be finished: the 5 minutes its options give the browser.
pub const HANDSHAKE_TTL: Duration = Duration::minutes(5);

/// Which ceremony a handshake belongs to; a finish call of another kind cannot take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Register,
    Login,
    AddDevice,
    FlexRegister,
    FlexAuthenticate,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Login => "login",
            Self::AddDevice => "add_device",
            Self::FlexRegister => "flex_register",
            Self::FlexAuthenticate => "flex_authenticate",
        }
    }
}

/// A handshake as finish calls get it back.
pub struct TakenHandshake {
    pub user_id: Option<String>,
    pub transaction_id: Option<String>,
    pub state: Vec<u8>,
}

pub fn relying_party(app: &App) -> ApiResult<RelyingParty> {
    RelyingParty::for_app(&app.settings).map_err(ApiError::internal)
}

/// Passkeys must be on for the app (Complete apps; Flex apps always use them).
pub fn check_enabled(app: &App) -> ApiResult<()> {
    if app.settings.auth_methods.passkeys.enabled {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            ErrorCode::OperationNotAllowed,
            "Passkeys are disabled for this app.",
        ))
    }
}

pub fn user_agent(headers: &HeaderMap) -> Option<&str> {
    headers.get(USER_AGENT).and_then(|v| v.to_str().ok())
}

pub fn encode_cred_id(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The registered credential ids of a user, to exclude or to allow.
pub async fn credential_ids(
    state: &AppState,
    app_id: &str,
    user_id: &str,
) -> ApiResult<Vec<Vec<u8>>> {
    let devices = state.store.devices(app_id, user_id).await?;
    Ok(devices
        .iter()
        .filter_map(|d| URL_SAFE_NO_PAD.decode(d.cred_id.trim_end_matches('=')).ok())
        .collect())
}

/// Keeps a started ceremony and returns the handshake to send.
pub async fn begin(
    state: &AppState,
    app: &App,
    purpose: Purpose,
    user_id: Option<&str>,
    transaction_id: Option<&str>,
    started: webauthn::Started,
) -> ApiResult<Handshake> {
    keep(state, app, purpose, user_id, transaction_id, started, None).await
}

/// [`begin`] for a known user, recording the ceremony's start event (`action`, from
/// `client`) with the handshake.
pub async fn begin_for(
    state: &AppState,
    app: &App,
    purpose: Purpose,
    user_id: &str,
    started: webauthn::Started,
    event: (Action, &Client),
) -> ApiResult<Handshake> {
    keep(
        state,
        app,
        purpose,
        Some(user_id),
        None,
        started,
        Some(event),
    )
    .await
}

async fn keep(
    state: &AppState,
    app: &App,
    purpose: Purpose,
    user_id: Option<&str>,
    transaction_id: Option<&str>,
    started: webauthn::Started,
    event: Option<(Action, &Client)>,
) -> ApiResult<Handshake> {
    let id = new_id();
    let now = state.clock.timestamp();
    let event = event
        .zip(user_id)
        .map(|((action, client), user_id)| EventFlow {
            app_id: &app.id,
            user_id,
            flow_id: Some(&id),
            method: Method::Webauthn,
            action,
            client,
            social_login_type: None,
        });
    let handshake = NewHandshake {
        id: &id,
        app_id: &app.id,
        purpose: purpose.as_str(),
        user_id,
        transaction_id,
        state: &started.state,
        created_at: now,
        expires_at: now.plus(HANDSHAKE_TTL),
        event,
    };
    state.store.insert_handshake(&handshake).await?;
    Ok(Handshake {
        id,
        challenge: HandshakeChallenge {
            public_key: started.public_key,
        },
    })
}

/// Takes a handshake for its finish call; it is gone afterwards, whatever the outcome.
pub async fn take(
    state: &AppState,
    app: &App,
    id: &str,
    purpose: Purpose,
    code: ErrorCode,
) -> ApiResult<TakenHandshake> {
    let handshake = state
        .store
        .take_handshake(&app.id, id)
        .await?
        .ok_or_else(|| {
            ApiError::unauthorized(
                code,
                format!("handshake {id} not found: never started, already finished or expired"),
            )
        })?;
    if handshake.purpose != purpose.as_str() {
        return Err(ApiError::unauthorized(
            code,
            format!(
                "handshake {id} belongs to a {} ceremony, not {}",
                handshake.purpose,
                purpose.as_str()
            ),
        ));
    }
    if state.clock.timestamp().0 >= handshake.expires_at {
        return Err(ApiError::unauthorized(
            code,
            format!("handshake {id} expired"),
        ));
    }
    Ok(TakenHandshake {
        user_id: handshake.user_id,
        transaction_id: handshake.transaction_id,
        state: handshake.state,
    })
}

/// Takes a login handshake, with the 401 code its failures carry: `webauthn_login_failed` for
/// a login with an identifier (or a Flex transaction), `discoverable_login_failed` without.
/// Until the handshake is found, `identified` (what the request says) decides the code.
pub async fn take_login(
    state: &AppState,
    app: &App,
    id: &str,
    purpose: Purpose,
    identified: bool,
) -> ApiResult<(TakenHandshake, ErrorCode)> {
    let handshake = take(state, app, id, purpose, login_code(identified)).await?;
    let code = login_code(handshake.user_id.is_some());
    Ok((handshake, code))
}

fn login_code(identified: bool) -> ErrorCode {
    if identified {
        ErrorCode::WebauthnLoginFailed
    } else {
        ErrorCode::DiscoverableLoginFailed
    }
}

/// Verifies a registration response and stores the credential as a device of `user_id`.
pub async fn register_device(
    state: &AppState,
    app: &App,
    user_id: &str,
    handshake: &TakenHandshake,
    response: &Value,
    headers: &HeaderMap,
) -> ApiResult<Device> {
    let rp = relying_party(app)?;
    let body = serde_json::to_vec(response).map_err(ApiError::internal)?;
    let credential: NewCredential = webauthn::finish_registration(&rp, &handshake.state, &body)
        .map_err(|e| ApiError::unauthorized(ErrorCode::WebauthnLoginFailed, e.0))?;
    let id = new_id();
    let cred_id = encode_cred_id(&credential.cred_id);
    let friendly_name = default_friendly_name(&credential.aaguid, user_agent(headers));
    let device = NewDevice {
        id: &id,
        app_id: &app.id,
        user_id,
        cred_id: &cred_id,
        public_key: &credential.public_key,
        sign_count: i64::from(credential.sign_count),
        aaguid: &credential.aaguid,
        transports: &credential.transports,
        backup_eligible: credential.backup_eligible,
        backup_state: credential.backup_state,
        friendly_name: &friendly_name,
        device_type: device_type(
            credential.backup_eligible,
            credential.platform,
            &credential.transports,
        ),
        now: state.clock.timestamp(),
    };
    state.store.insert_device(&device).await?;
    let (sign_count, device_type, now) = (device.sign_count, device.device_type, device.now);
    Ok(Device {
        id,
        user_id: user_id.to_owned(),
        cred_id,
        public_key: credential.public_key,
        sign_count,
        aaguid: credential.aaguid,
        transports: credential.transports,
        backup_eligible: credential.backup_eligible,
        backup_state: credential.backup_state,
        friendly_name,
        device_type,
        usage_count: 0,
        last_login_at: Timestamp::NEVER,
        created_at: now,
        updated_at: now,
    })
}

/// Verifies an assertion against the device it names; the device's counter and usage move.
/// `code` is the 401 code of the ceremony (identifier or discoverable login).
pub async fn verify_assertion(
    state: &AppState,
    app: &App,
    handshake: &TakenHandshake,
    response: &Value,
    code: ErrorCode,
) -> ApiResult<Device> {
    let rp = relying_party(app)?;
    let body = serde_json::to_vec(response).map_err(ApiError::internal)?;
    let assertion = parse_assertion(&body, handshake.user_id.is_none())
        .map_err(|e| ApiError::unauthorized(code, e.0))?;
    let cred_id = encode_cred_id(assertion.cred_id());
    let (device, status) = state
        .store
        .device_by_cred_id(&app.id, &cred_id)
        .await?
        .ok_or_else(|| {
            ApiError::unauthorized(
                code,
                format!("credential {cred_id} is not registered with this app (was it revoked?)"),
            )
        })?;
    if let Some(user_id) = &handshake.user_id
        && *user_id != device.user_id
    {
        return Err(ApiError::unauthorized(
            code,
            format!("credential {cred_id} belongs to another user"),
        ));
    }
    if status == UserStatus::Inactive {
        return Err(ApiError::user_not_active());
    }
    let stored = StoredCredential {
        cred_id: assertion.cred_id(),
        user_id: &device.user_id,
        public_key: &device.public_key,
        sign_count: u32::try_from(device.sign_count).unwrap_or(u32::MAX),
        backup_eligible: device.backup_eligible,
        backup_state: device.backup_state,
    };
    let check = finish_login(&rp, &handshake.state, &assertion, &stored)
        .map_err(|e| ApiError::unauthorized(code, e.0))?;
    let login = DeviceLogin {
        sign_count: i64::from(check.sign_count),
        backup_eligible: check.backup_eligible,
        backup_state: check.backup_state,
        now: state.clock.timestamp(),
    };
    if !state.store.record_device_login(&device.id, login).await? {
        return Err(ApiError::unauthorized(
            code,
            "login failed: the signature counter did not move past the stored one",
        ));
    }
    Ok(device)
}

//! One-time passcodes: register, login, activate.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rand::Rng;
use serde::Deserialize;
use time::Duration;

use super::models::{AuthResponse, OneTimePasscodeResponse};
use super::session::{Finished, log_in};
use crate::api::common::{
    active_user, deliver, destination, identifier, load_app, login_user, registering_user,
};
use crate::domain::app::App;
use crate::domain::events::{Action, Client, Method};
use crate::domain::identifiers::Identifier;
use crate::domain::ids::{hash_secret, new_id};
use crate::domain::messages::{self, Envelope, MessageKind};
use crate::domain::user::User;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::client::RequestClient;
use crate::http::extract::{ApiJson, PathApp};
use crate::store::{EventFlow, NewOtp, OtpOutcome};

/// Wrong codes allowed before a passcode dies.
const MAX_WRONG_CODES: i64 = 5;

/// Passage: `RegisterOneTimePasscodeRequest` and `LoginOneTimePasscodeRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct OtpRequest {
    pub identifier: String,
    #[serde(default)]
    pub language: Option<String>,
}

/// Passage: `ActivateOneTimePasscodeRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ActivateOtpRequest {
    pub otp: String,
    pub otp_id: String,
}

fn check_enabled(app: &App) -> ApiResult<()> {
    if app.settings.auth_methods.otp.enabled {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            ErrorCode::OperationNotAllowed,
            "One-time passcodes are disabled for this app.",
        ))
    }
}

/// The passcode's hash is bound to its id, so equal codes of two passcodes differ at rest.
fn code_hash(otp_id: &str, code: &str) -> String {
    hash_secret(&format!("{otp_id}:{code}"))
}

/// Passage: `register-one-time-passcode`, 201. Creates the user (`pending`) or reuses a
/// pending one; an active or inactive user already has the identifier.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/register/otp",
    tag = "auth",
    request_body = OtpRequest,
    responses(
        (status = 201, description = "The passcode was sent.", body = OneTimePasscodeResponse),
        crate::openapi::Forbidden,
    ),
)]
pub async fn register_otp(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RequestClient(client): RequestClient,
    ApiJson(request): ApiJson<OtpRequest>,
) -> ApiResult<(StatusCode, Json<OneTimePasscodeResponse>)> {
    let app = load_app(&state, &app_id).await?;
    check_enabled(&app)?;
    let identifier = identifier(&app, &request.identifier)?;
    let user = registering_user(&state, &app, &identifier).await?;
    let kind = MessageKind::RegisterOtp;
    send_otp(
        &state,
        &app,
        &user,
        &identifier,
        kind,
        request.language,
        &client,
    )
    .await
}

/// Passage: `login-one-time-passcode`, 201.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/login/otp",
    tag = "auth",
    request_body = OtpRequest,
    responses(
        (status = 201, description = "The passcode was sent.", body = OneTimePasscodeResponse),
        crate::openapi::Forbidden,
    ),
)]
pub async fn login_otp(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RequestClient(client): RequestClient,
    ApiJson(request): ApiJson<OtpRequest>,
) -> ApiResult<(StatusCode, Json<OneTimePasscodeResponse>)> {
    let app = load_app(&state, &app_id).await?;
    check_enabled(&app)?;
    let identifier = identifier(&app, &request.identifier)?;
    let user = login_user(&state, &app, &identifier).await?;
    let kind = MessageKind::LoginOtp;
    send_otp(
        &state,
        &app,
        &user,
        &identifier,
        kind,
        request.language,
        &client,
    )
    .await
}

async fn send_otp(
    state: &AppState,
    app: &App,
    user: &User,
    identifier: &Identifier,
    kind: MessageKind,
    language: Option<String>,
    client: &Client,
) -> ApiResult<(StatusCode, Json<OneTimePasscodeResponse>)> {
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
    let otp_id = new_id();
    let now = state.clock.timestamp();
    let ttl = app.settings.auth_methods.otp.ttl;
    let (channel, recipient) = destination(identifier);
    let (purpose, action) = if kind == MessageKind::RegisterOtp {
        ("register", Action::Register)
    } else {
        ("login", Action::Login)
    };
    let event = EventFlow {
        app_id: &app.id,
        user_id: &user.id,
        flow_id: Some(&otp_id),
        method: Method::OneTimePasscode,
        action,
        client,
        social_login_type: None,
    };
    state
        .store
        .insert_otp(&NewOtp {
            id: &otp_id,
            app_id: &app.id,
            user_id: &user.id,
            code_hash: &code_hash(&otp_id, &code),
            purpose,
            channel,
            created_at: now,
            expires_at: now.plus(Duration::seconds(ttl)),
            event: Some(event),
        })
        .await?;

    let language = messages::language(language.as_deref(), &app.settings.default_language);
    let envelope = Envelope {
        app_name: &app.settings.name,
        channel,
        recipient,
        kind,
        language,
        ttl_seconds: ttl,
    };
    let message = messages::otp_message(envelope, &code);
    deliver(state, app, user, ttl, message).await?;
    Ok((
        StatusCode::CREATED,
        Json(OneTimePasscodeResponse { otp_id }),
    ))
}

/// Passage: `activate-one-time-passcode`. Single use; after five wrong codes the passcode is
/// dead and every further try is 401 `exceeded_attempts`.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/otp/activate",
    tag = "auth",
    request_body = ActivateOtpRequest,
    responses(
        (status = 200, description = "A session.", body = AuthResponse),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn activate_otp(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RequestClient(client): RequestClient,
    ApiJson(request): ApiJson<ActivateOtpRequest>,
) -> ApiResult<Json<AuthResponse>> {
    let app = load_app(&state, &app_id).await?;
    let now = state.clock.timestamp();
    let outcome = state
        .store
        .redeem_otp(
            &app.id,
            &request.otp_id,
            &code_hash(&request.otp_id, request.otp.trim()),
            now,
            MAX_WRONG_CODES,
        )
        .await?;
    let (user_id, channel) = match outcome {
        OtpOutcome::Redeemed { user_id, channel } => (user_id, channel),
        OtpOutcome::WrongCode => {
            return Err(ApiError::invalid_request(
                "otp: the one-time passcode is wrong.",
            ));
        }
        OtpOutcome::Invalid => {
            return Err(ApiError::invalid_request(
                "otp_id: no such one-time passcode, or it was used or has expired.",
            ));
        }
        OtpOutcome::Exhausted => {
            return Err(ApiError::unauthorized(
                ErrorCode::ExceededAttempts,
                "Too many wrong one-time passcodes: request a new one.",
            ));
        }
    };
    active_user(&state, &app.id, &user_id).await?;
    // The passcode's start recorded the event and its action; a login is the fallback only.
    let finished = Finished::new(
        Some(&request.otp_id),
        Method::OneTimePasscode,
        Action::Login,
        &client,
    );
    let auth_result = log_in(&state, &app, &user_id, Some(channel), finished).await?;
    Ok(Json(AuthResponse { auth_result }))
}

#[cfg(test)]
mod tests {
    /// Salted by the passcode's id: the same code of two passcodes is stored differently, and
    /// neither is the hash of the bare code.
    #[test]
    fn equal_codes_hash_differently() {
        let first = super::code_hash("otpAAAAAAAAAAAAAAAAAAAAA", "123456");
        let second = super::code_hash("otpBBBBBBBBBBBBBBBBBBBBB", "123456");
        assert_ne!(first, second);
        assert_ne!(first, crate::domain::ids::hash_secret("123456"));
    }
}

//! Passkey registration and login (Auth API rows 6, 7, 10, 11) and adding a passkey to the
//! current user (rows 21, 22).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

use super::current_user_models::{Credential, CurrentUserDevice};
use super::models::{self, AuthResponse};
use super::passkey_models::{
    CurrentUserDevicesStartRequest, LoginWebAuthnStartRequest, RegisterWebAuthnStartRequest,
    WebAuthnFinishRequest, WebAuthnStartResponse,
};
use super::session::{Finished, log_in};
use crate::api::common::{active_user, identifier, load_app, login_user, registering_user};
use crate::api::passkeys::{
    Purpose, begin, begin_for, check_enabled, credential_ids, register_device, relying_party, take,
    take_login, verify_assertion,
};
use crate::domain::events::{Action, Method};
use crate::domain::user::User;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::client::RequestClient;
use crate::http::extract::{ApiJson, PathApp, UserAuth};
use crate::webauthn::{Attachment, start_login, start_registration};

fn attachment(text: Option<&str>) -> ApiResult<Attachment> {
    Attachment::parse(text).map_err(ApiError::invalid_request)
}

/// The name an authenticator shows for the account: its email, else its phone.
fn account_name(user: &User) -> &str {
    if user.email.is_empty() {
        &user.phone
    } else {
        &user.email
    }
}

/// The finish body must name the user the handshake was started for.
fn check_user_id(claimed: Option<&str>, expected: &str) -> ApiResult<()> {
    match claimed {
        Some(id) if id == expected => Ok(()),
        Some(id) => Err(ApiError::invalid_request(format!(
            "user_id: {id} is not the user this handshake was started for"
        ))),
        None => Err(ApiError::invalid_request("user_id: required")),
    }
}

/// Passage: `register-webauthn-start`, 200. Creates the user (`pending`) as Passage did.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/register/webauthn/start",
    tag = "auth",
    request_body = RegisterWebAuthnStartRequest,
    responses(
        (status = 200, description = "Creation options and a handshake.", body = WebAuthnStartResponse),
        crate::openapi::Forbidden,
    ),
)]
pub async fn register_webauthn_start(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RequestClient(client): RequestClient,
    ApiJson(request): ApiJson<RegisterWebAuthnStartRequest>,
) -> ApiResult<Json<WebAuthnStartResponse>> {
    let app = load_app(&state, &app_id).await?;
    check_enabled(&app)?;
    let attachment = attachment(request.authenticator_attachment.as_deref())?;
    let identifier = identifier(&app, &request.identifier)?;
    let user = registering_user(&state, &app, &identifier).await?;
    let rp = relying_party(&app)?;
    let started = start_registration(&rp, &user.id, account_name(&user), &[], attachment)
        .map_err(ApiError::internal)?;
    let event = (Action::Register, &client);
    let handshake = begin_for(&state, &app, Purpose::Register, &user.id, started, event).await?;
    Ok(Json(WebAuthnStartResponse {
        handshake,
        user: Some(models::User::in_handshake(user, false)),
    }))
}

/// Passage: `register-webauthn-finish`, 201 `AuthResponse`: the user is active and logged in.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/register/webauthn/finish",
    tag = "auth",
    request_body = WebAuthnFinishRequest,
    responses(
        (status = 201, description = "The passkey is registered; a session.", body = AuthResponse),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn register_webauthn_finish(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RequestClient(client): RequestClient,
    headers: HeaderMap,
    ApiJson(request): ApiJson<WebAuthnFinishRequest>,
) -> ApiResult<(StatusCode, Json<AuthResponse>)> {
    let app = load_app(&state, &app_id).await?;
    let code = ErrorCode::WebauthnLoginFailed;
    let handshake = take(&state, &app, &request.handshake_id, Purpose::Register, code).await?;
    let user_id = handshake.user_id.clone().unwrap_or_default();
    check_user_id(request.user_id.as_deref(), &user_id)?;
    let user = active_user(&state, &app.id, &user_id).await?;
    register_device(
        &state,
        &app,
        &user.id,
        &handshake,
        &request.handshake_response,
        &headers,
    )
    .await?;
    let finished = Finished::new(
        Some(&request.handshake_id),
        Method::Webauthn,
        Action::Register,
        &client,
    );
    let auth_result = log_in(&state, &app, &user.id, None, finished).await?;
    Ok((StatusCode::CREATED, Json(AuthResponse { auth_result })))
}

/// Passage: `login-webauthn-start`, 200. With an identifier the user's passkeys are allowed;
/// without one the login is discoverable (usernameless).
#[utoipa::path(
    post,
    path = "/apps/{app_id}/login/webauthn/start",
    tag = "auth",
    request_body = LoginWebAuthnStartRequest,
    responses(
        (status = 200, description = "Request options and a handshake.", body = WebAuthnStartResponse),
        crate::openapi::Forbidden,
        crate::openapi::Conflict,
    ),
)]
pub async fn login_webauthn_start(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RequestClient(client): RequestClient,
    ApiJson(request): ApiJson<LoginWebAuthnStartRequest>,
) -> ApiResult<Json<WebAuthnStartResponse>> {
    let app = load_app(&state, &app_id).await?;
    check_enabled(&app)?;
    let rp = relying_party(&app)?;
    let raw = request.identifier.as_deref().unwrap_or("").trim();
    if raw.is_empty() {
        let started = start_login(&rp, None).map_err(ApiError::internal)?;
        let handshake = begin(&state, &app, Purpose::Login, None, None, started).await?;
        return Ok(Json(WebAuthnStartResponse {
            handshake,
            user: None,
        }));
    }
    let identifier = identifier(&app, raw)?;
    let user = login_user(&state, &app, &identifier).await?;
    let allowed = credential_ids(&state, &app.id, &user.id).await?;
    if allowed.is_empty() {
        return Err(ApiError::user_has_no_passkeys());
    }
    let started = start_login(&rp, Some(&allowed)).map_err(ApiError::internal)?;
    let event = (Action::Login, &client);
    let handshake = begin_for(&state, &app, Purpose::Login, &user.id, started, event).await?;
    Ok(Json(WebAuthnStartResponse {
        handshake,
        user: Some(models::User::in_handshake(user, true)),
    }))
}

/// Passage: `login-webauthn-finish`, 200 `AuthResponse`.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/login/webauthn/finish",
    tag = "auth",
    request_body = WebAuthnFinishRequest,
    responses(
        (status = 200, description = "A session.", body = AuthResponse),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn login_webauthn_finish(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RequestClient(client): RequestClient,
    ApiJson(request): ApiJson<WebAuthnFinishRequest>,
) -> ApiResult<Json<AuthResponse>> {
    let app = load_app(&state, &app_id).await?;
    // passage-js sends `user_id` exactly when the login had an identifier.
    let identified = request.user_id.is_some();
    let (handshake, code) = take_login(
        &state,
        &app,
        &request.handshake_id,
        Purpose::Login,
        identified,
    )
    .await?;
    let device =
        verify_assertion(&state, &app, &handshake, &request.handshake_response, code).await?;
    let finished = Finished::new(
        Some(&request.handshake_id),
        Method::Webauthn,
        Action::Login,
        &client,
    );
    let auth_result = log_in(&state, &app, &device.user_id, None, finished).await?;
    Ok(Json(AuthResponse { auth_result }))
}

/// Passage: `add-device-start`, 200: a registration for the signed-in user, excluding the
/// passkeys they already have.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/currentuser/devices/start",
    tag = "auth",
    security(("auth_token" = [])),
    request_body = CurrentUserDevicesStartRequest,
    responses(
        (status = 200, description = "Creation options for another passkey.", body = WebAuthnStartResponse),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn add_device_start(
    State(state): State<AppState>,
    auth: UserAuth,
    ApiJson(request): ApiJson<CurrentUserDevicesStartRequest>,
) -> ApiResult<Json<WebAuthnStartResponse>> {
    let attachment = attachment(request.authenticator_attachment.as_deref())?;
    let user = active_user(&state, &auth.app.id, &auth.user_id).await?;
    let existing = credential_ids(&state, &auth.app.id, &user.id).await?;
    let rp = relying_party(&auth.app)?;
    let started = start_registration(&rp, &user.id, account_name(&user), &existing, attachment)
        .map_err(ApiError::internal)?;
    let handshake = begin(
        &state,
        &auth.app,
        Purpose::AddDevice,
        Some(&user.id),
        None,
        started,
    )
    .await?;
    let webauthn = !existing.is_empty();
    Ok(Json(WebAuthnStartResponse {
        handshake,
        user: Some(models::User::in_handshake(user, webauthn)),
    }))
}

/// Passage: `add-device-finish`, 201 `CurrentUserDevice`.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/currentuser/devices/finish",
    tag = "auth",
    security(("auth_token" = [])),
    request_body = WebAuthnFinishRequest,
    responses(
        (status = 201, description = "The new passkey.", body = CurrentUserDevice),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn add_device_finish(
    State(state): State<AppState>,
    auth: UserAuth,
    headers: HeaderMap,
    ApiJson(request): ApiJson<WebAuthnFinishRequest>,
) -> ApiResult<(StatusCode, Json<CurrentUserDevice>)> {
    let code = ErrorCode::WebauthnLoginFailed;
    let handshake = take(
        &state,
        &auth.app,
        &request.handshake_id,
        Purpose::AddDevice,
        code,
    )
    .await?;
    if handshake.user_id.as_deref() != Some(auth.user_id.as_str()) {
        return Err(ApiError::unauthorized(
            code,
            "this handshake was started for another user",
        ));
    }
    check_user_id(request.user_id.as_deref(), &auth.user_id)?;
    active_user(&state, &auth.app.id, &auth.user_id).await?;
    let device = register_device(
        &state,
        &auth.app,
        &auth.user_id,
        &handshake,
        &request.handshake_response,
        &headers,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CurrentUserDevice {
            device: Credential::from(device),
        }),
    ))
}

//! The signed-in user (`/currentuser`, bearer auth token): profile, email and phone changes,
//! devices, metadata (social connections: `current_user_social`).

use crate::domain::events::Client;
use crate::http::client::RequestClient;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::current_user_models::{
    Credential, CurrentUser, CurrentUserDevice, CurrentUserDevices, CurrentUserResponse,
    UserMetadataResponse,
};
use super::magic_link::{MagicLinkId, MagicLinkResponse};
use crate::api::links::{LinkOrder, Purpose, issue_link};
use crate::domain::identifiers::{Identifier, normalize_email, normalize_phone};
use crate::domain::ids::is_plausible_id;
use crate::domain::metadata;
use crate::domain::user::UserWithDevices;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, UserAuth};
use crate::store::UserChanges;

async fn current(state: &AppState, auth: &UserAuth) -> ApiResult<UserWithDevices> {
    state
        .store
        .user_with_devices(&auth.app.id, &auth.user_id)
        .await?
        .ok_or_else(ApiError::user_not_found)
}

/// Emulator: the Auth API's 404 list has no `device_not_found` (only the Management API's
/// does), and the mobile SDKs parse codes against that list; a device the current user does
/// not have answers `user_not_found`, the nearest code there, with a message that says so.
fn device_not_found() -> ApiError {
    ApiError::not_found(
        ErrorCode::UserNotFound,
        "Device not found: the current user has no such device.",
    )
}

/// Passage: `get-current-user`.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/currentuser",
    tag = "auth",
    security(("auth_token" = [])),
    responses(
        (status = 200, description = "The signed-in user.", body = CurrentUserResponse),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn get_current_user(
    State(state): State<AppState>,
    auth: UserAuth,
) -> ApiResult<Json<CurrentUserResponse>> {
    let user = CurrentUser::from(current(&state, &auth).await?);
    Ok(Json(CurrentUserResponse { user }))
}

/// Passage: `get-current-user-devices`.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/currentuser/devices",
    tag = "auth",
    security(("auth_token" = [])),
    responses(
        (status = 200, description = "The user's passkeys.", body = CurrentUserDevices),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn get_current_user_devices(
    State(state): State<AppState>,
    auth: UserAuth,
) -> ApiResult<Json<CurrentUserDevices>> {
    let devices = current(&state, &auth).await?.devices;
    Ok(Json(CurrentUserDevices {
        devices: devices.into_iter().map(Credential::from).collect(),
    }))
}

/// Passage: `UpdateDeviceRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct UpdateDeviceRequest {
    pub friendly_name: String,
}

/// Passage: `update-current-user-device` (renames it).
#[utoipa::path(
    patch,
    path = "/apps/{app_id}/currentuser/devices/{device_id}",
    tag = "auth",
    security(("auth_token" = [])),
    request_body = UpdateDeviceRequest,
    responses(
        (status = 200, description = "The passkey renamed.", body = CurrentUserDevice),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn update_current_user_device(
    State(state): State<AppState>,
    auth: UserAuth,
    ApiPath((_app_id, device_id)): ApiPath<(String, String)>,
    ApiJson(request): ApiJson<UpdateDeviceRequest>,
) -> ApiResult<Json<CurrentUserDevice>> {
    let name = request.friendly_name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid_request(
            "friendly_name: must not be empty",
        ));
    }
    let now = state.clock.timestamp();
    let renamed = is_plausible_id(&device_id)
        && state
            .store
            .rename_device(&auth.app.id, &auth.user_id, &device_id, name, now)
            .await?;
    if !renamed {
        return Err(device_not_found());
    }
    let device = current(&state, &auth)
        .await?
        .devices
        .into_iter()
        .find(|device| device.id == device_id)
        .ok_or_else(device_not_found)?;
    Ok(Json(CurrentUserDevice {
        device: Credential::from(device),
    }))
}

/// Passage: `delete-current-user-device`: 200 with an empty body.
#[utoipa::path(
    delete,
    path = "/apps/{app_id}/currentuser/devices/{device_id}",
    tag = "auth",
    security(("auth_token" = [])),
    responses(
        (status = 200, description = "The passkey is gone."),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn delete_current_user_device(
    State(state): State<AppState>,
    auth: UserAuth,
    ApiPath((_app_id, device_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    let deleted = is_plausible_id(&device_id)
        && state
            .store
            .delete_device(&auth.app.id, &auth.user_id, &device_id)
            .await?;
    if deleted {
        Ok(StatusCode::OK)
    } else {
        Err(device_not_found())
    }
}

/// Passage: `get-current-user-metadata`.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/currentuser/user-metadata",
    tag = "auth",
    security(("auth_token" = [])),
    responses(
        (status = 200, description = "The user's metadata.", body = UserMetadataResponse),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn get_current_user_metadata(
    State(state): State<AppState>,
    auth: UserAuth,
) -> ApiResult<Json<UserMetadataResponse>> {
    let user_metadata = current(&state, &auth).await?.user.user_metadata;
    Ok(Json(UserMetadataResponse { user_metadata }))
}

/// Passage: `UpdateMetadataRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct UpdateMetadataRequest {
    #[serde(default)]
    pub user_metadata: Option<Map<String, Value>>,
}

/// Passage: `update-current-user-metadata`: only fields of the app's schema; one unknown or
/// mistyped field rejects the whole update.
#[utoipa::path(
    patch,
    path = "/apps/{app_id}/currentuser/user-metadata",
    tag = "auth",
    security(("auth_token" = [])),
    request_body = UpdateMetadataRequest,
    responses(
        (status = 200, description = "The user with the metadata changed.", body = CurrentUserResponse),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn update_current_user_metadata(
    State(state): State<AppState>,
    auth: UserAuth,
    ApiJson(request): ApiJson<UpdateMetadataRequest>,
) -> ApiResult<Json<CurrentUserResponse>> {
    let metadata = request.user_metadata.unwrap_or_default();
    let checked = metadata::validate(&auth.app.user_metadata_schema, metadata)
        .map_err(ApiError::invalid_request)?;
    let changes = UserChanges {
        user_metadata: Some(checked),
        ..UserChanges::default()
    };
    let now = state.clock.timestamp();
    state
        .store
        .update_user(&auth.app.id, &auth.user_id, &changes, now)
        .await?;
    let user = CurrentUser::from(current(&state, &auth).await?);
    Ok(Json(CurrentUserResponse { user }))
}

/// Passage: `UpdateUserEmailRequest` and `UpdateUserPhoneRequest` (one of the two `new_*`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct UpdateIdentifierRequest {
    #[serde(default)]
    pub new_email: Option<String>,
    #[serde(default)]
    pub new_phone: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub magic_link_path: Option<String>,
    #[serde(default)]
    pub redirect_url: Option<String>,
}

/// Passage: `update-email-current-user`: sends a verify link (`psg_verify_link`) to the new
/// address; the email changes only when it is activated.
#[utoipa::path(
    patch,
    path = "/apps/{app_id}/currentuser/email",
    tag = "auth",
    security(("auth_token" = [])),
    request_body = UpdateIdentifierRequest,
    responses(
        (status = 200, description = "A link to confirm the new address was sent.", body = MagicLinkResponse),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn update_current_user_email(
    State(state): State<AppState>,
    auth: UserAuth,
    RequestClient(client): RequestClient,
    ApiJson(request): ApiJson<UpdateIdentifierRequest>,
) -> ApiResult<Json<MagicLinkResponse>> {
    let raw = request.new_email.clone().unwrap_or_default();
    let email =
        normalize_email(&raw).map_err(|e| ApiError::invalid_request(format!("new_email: {e}")))?;
    change_identifier(
        &state,
        &auth,
        Identifier::Email(email),
        Purpose::ChangeEmail,
        request,
        &client,
    )
    .await
}

/// Passage: `update-phone-current-user`: the same for a new phone number.
#[utoipa::path(
    patch,
    path = "/apps/{app_id}/currentuser/phone",
    tag = "auth",
    security(("auth_token" = [])),
    request_body = UpdateIdentifierRequest,
    responses(
        (status = 200, description = "A link to confirm the new number was sent.", body = MagicLinkResponse),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn update_current_user_phone(
    State(state): State<AppState>,
    auth: UserAuth,
    RequestClient(client): RequestClient,
    ApiJson(request): ApiJson<UpdateIdentifierRequest>,
) -> ApiResult<Json<MagicLinkResponse>> {
    let raw = request.new_phone.clone().unwrap_or_default();
    let phone =
        normalize_phone(&raw).map_err(|e| ApiError::invalid_request(format!("new_phone: {e}")))?;
    change_identifier(
        &state,
        &auth,
        Identifier::Phone(phone),
        Purpose::ChangePhone,
        request,
        &client,
    )
    .await
}

async fn change_identifier(
    state: &AppState,
    auth: &UserAuth,
    identifier: Identifier,
    purpose: Purpose,
    request: UpdateIdentifierRequest,
    client: &Client,
) -> ApiResult<Json<MagicLinkResponse>> {
    if state
        .store
        .user_by_identifier(&auth.app.id, &identifier)
        .await?
        .is_some()
    {
        return Err(ApiError::invalid_request("user: already exists."));
    }
    let user = current(state, auth).await?.user;
    let link = issue_link(
        state,
        LinkOrder {
            app: &auth.app,
            user: &user,
            identifier: &identifier,
            purpose,
            magic_link_path: request.magic_link_path.as_deref(),
            redirect_url: request
                .redirect_url
                .as_deref()
                .filter(|url| !url.is_empty()),
            ttl_seconds: auth.app.settings.auth_methods.magic_link.ttl,
            language: request.language.as_deref(),
            send: true,
            client,
        },
    )
    .await?;
    Ok(Json(MagicLinkResponse {
        magic_link: MagicLinkId { id: link.id },
    }))
}

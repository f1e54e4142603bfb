//! Management users: create, get, update, delete, activate, deactivate.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::models::{UserInfo, UserResponse};
use crate::domain::identifiers::{normalize_email, normalize_phone};
use crate::domain::ids::{is_plausible_id, new_id};
use crate::domain::metadata;
use crate::domain::timestamp::Timestamp;
use crate::domain::user::UserStatus;
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ManagementAuth};
use crate::store::{NewUser, UserChanges, WriteError};

/// Passage: `CreateUserRequest`. Go's client sends `""` for unset strings, so empty means absent.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateUserRequest {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub user_metadata: Option<Map<String, Value>>,
}

/// Passage: `UpdateUserRequest`.
pub type UpdateUserRequest = CreateUserRequest;

/// The `{user_id}` of a path; a malformed one cannot exist.
pub(super) fn checked_user_id(user_id: String) -> ApiResult<String> {
    if is_plausible_id(&user_id) {
        Ok(user_id)
    } else {
        Err(ApiError::user_not_found())
    }
}

/// Go's client sends `""` for unset strings: empty means absent.
pub(super) fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|text| !text.trim().is_empty())
}

/// An optional `email` member, validated and normalised.
pub(super) fn email(value: Option<String>) -> ApiResult<Option<String>> {
    non_empty(value)
        .map(|raw| {
            normalize_email(&raw).map_err(|e| ApiError::invalid_request(format!("email: {e}")))
        })
        .transpose()
}

/// An optional `phone` member, validated and normalised to E.164.
pub(super) fn phone(value: Option<String>) -> ApiResult<Option<String>> {
    non_empty(value)
        .map(|raw| {
            normalize_phone(&raw).map_err(|e| ApiError::invalid_request(format!("phone: {e}")))
        })
        .transpose()
}

async fn checked_metadata(
    state: &AppState,
    app_id: &str,
    metadata: Option<Map<String, Value>>,
) -> ApiResult<Option<Map<String, Value>>> {
    let Some(metadata) = metadata else {
        return Ok(None);
    };
    let schema = state.store.metadata_schema(app_id).await?;
    metadata::validate(&schema, metadata)
        .map(Some)
        .map_err(ApiError::invalid_request)
}

fn already_exists(error: WriteError) -> ApiError {
    match error {
        WriteError::Conflict(_) => ApiError::invalid_request("user: already exists."),
        WriteError::Database(error) => ApiError::internal(error),
    }
}

async fn user_response(
    state: &AppState,
    app_id: &str,
    user_id: &str,
) -> ApiResult<Json<UserResponse>> {
    let user = state
        .store
        .user_with_devices(app_id, user_id)
        .await?
        .ok_or_else(ApiError::user_not_found)?;
    Ok(Json(UserResponse {
        user: UserInfo::from(user),
    }))
}

/// Passage: `create-user`, 201.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/users",
    tag = "management",
    request_body = CreateUserRequest,
    responses((status = 201, description = "The new user.", body = UserResponse)),
)]
pub async fn create_user(
    State(state): State<AppState>,
    auth: ManagementAuth,
    ApiJson(request): ApiJson<CreateUserRequest>,
) -> ApiResult<(StatusCode, Json<UserResponse>)> {
    let email = email(request.email)?;
    let phone = phone(request.phone)?;
    if email.is_none() && phone.is_none() {
        return Err(ApiError::invalid_request("email or phone is required."));
    }
    let metadata = checked_metadata(&state, &auth.app_id, request.user_metadata).await?;
    let id = new_id();
    let now = state.clock.timestamp();
    let user = NewUser {
        id: &id,
        app_id: &auth.app_id,
        email: email.as_deref().unwrap_or(""),
        phone: phone.as_deref().unwrap_or(""),
        external_id: "",
        // Emulator: users created through the Management API are active at once.
        status: UserStatus::Active,
        email_verified: false,
        phone_verified: false,
        user_metadata: metadata.as_ref(),
        login_count: 0,
        last_login_at: Timestamp::NEVER,
        created_at: now,
    };
    state
        .store
        .insert_user(&user)
        .await
        .map_err(already_exists)?;
    let response = user_response(&state, &auth.app_id, &id).await?;
    Ok((StatusCode::CREATED, response))
}

/// Passage: `get-user`.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/users/{user_id}",
    tag = "management",
    responses((status = 200, description = "The user.", body = UserResponse)),
)]
pub async fn get_user(
    State(state): State<AppState>,
    auth: ManagementAuth,
    ApiPath((_app_id, user_id)): ApiPath<(String, String)>,
) -> ApiResult<Json<UserResponse>> {
    let user_id = checked_user_id(user_id)?;
    user_response(&state, &auth.app_id, &user_id).await
}

/// Passage: `update-user`. Metadata is merged: given fields replace, `null` removes.
#[utoipa::path(
    patch,
    path = "/apps/{app_id}/users/{user_id}",
    tag = "management",
    request_body = CreateUserRequest,
    responses((status = 200, description = "The user as changed.", body = UserResponse)),
)]
pub async fn update_user(
    State(state): State<AppState>,
    auth: ManagementAuth,
    ApiPath((_app_id, user_id)): ApiPath<(String, String)>,
    ApiJson(request): ApiJson<UpdateUserRequest>,
) -> ApiResult<Json<UserResponse>> {
    let user_id = checked_user_id(user_id)?;
    let changes = UserChanges {
        email: email(request.email)?,
        phone: phone(request.phone)?,
        status: None,
        user_metadata: checked_metadata(&state, &auth.app_id, request.user_metadata).await?,
    };
    change_user(&state, &auth.app_id, &user_id, &changes).await
}

async fn change_user(
    state: &AppState,
    app_id: &str,
    user_id: &str,
    changes: &UserChanges,
) -> ApiResult<Json<UserResponse>> {
    let now = state.clock.timestamp();
    let found = state
        .store
        .update_user(app_id, user_id, changes, now)
        .await
        .map_err(already_exists)?;
    if !found {
        return Err(ApiError::user_not_found());
    }
    user_response(state, app_id, user_id).await
}

/// Passage: `delete-user`: 200 with an empty body.
#[utoipa::path(
    delete,
    path = "/apps/{app_id}/users/{user_id}",
    tag = "management",
    responses((status = 200, description = "The user, their devices and sessions are gone.")),
)]
pub async fn delete_user(
    State(state): State<AppState>,
    auth: ManagementAuth,
    ApiPath((_app_id, user_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    let user_id = checked_user_id(user_id)?;
    if state.store.delete_user(&auth.app_id, &user_id).await? {
        Ok(StatusCode::OK)
    } else {
        Err(ApiError::user_not_found())
    }
}

/// Passage: `activate-user` (no body).
#[utoipa::path(
    patch,
    path = "/apps/{app_id}/users/{user_id}/activate",
    tag = "management",
    responses((status = 200, description = "The user, active.", body = UserResponse)),
)]
pub async fn activate_user(
    State(state): State<AppState>,
    auth: ManagementAuth,
    ApiPath((_app_id, user_id)): ApiPath<(String, String)>,
) -> ApiResult<Json<UserResponse>> {
    set_status(&state, &auth.app_id, user_id, UserStatus::Active).await
}

/// Passage: `deactivate-user` (no body).
#[utoipa::path(
    patch,
    path = "/apps/{app_id}/users/{user_id}/deactivate",
    tag = "management",
    responses((status = 200, description = "The user, inactive.", body = UserResponse)),
)]
pub async fn deactivate_user(
    State(state): State<AppState>,
    auth: ManagementAuth,
    ApiPath((_app_id, user_id)): ApiPath<(String, String)>,
) -> ApiResult<Json<UserResponse>> {
    set_status(&state, &auth.app_id, user_id, UserStatus::Inactive).await
}

async fn set_status(
    state: &AppState,
    app_id: &str,
    user_id: String,
    status: UserStatus,
) -> ApiResult<Json<UserResponse>> {
    let user_id = checked_user_id(user_id)?;
    let changes = UserChanges {
        status: Some(status),
        ..UserChanges::default()
    };
    change_user(state, app_id, &user_id, &changes).await
}

/// Passage: `revoke-user-refresh-tokens`: 200 with an empty body; every refresh token the user
/// holds stops working (auth tokens already issued stay valid until they expire).
#[utoipa::path(
    delete,
    path = "/apps/{app_id}/users/{user_id}/tokens",
    tag = "management",
    responses((status = 200, description = "Every refresh token of the user revoked.")),
)]
pub async fn revoke_user_refresh_tokens(
    State(state): State<AppState>,
    auth: ManagementAuth,
    ApiPath((_app_id, user_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    let user_id = checked_user_id(user_id)?;
    if state.store.user(&auth.app_id, &user_id).await?.is_none() {
        return Err(ApiError::user_not_found());
    }
    let now = state.clock.timestamp();
    state
        .store
        .revoke_user_refresh_tokens(&auth.app_id, &user_id, now)
        .await?;
    Ok(StatusCode::OK)
}

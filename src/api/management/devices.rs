//! Management devices: list a user's passkeys, revoke one.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::models::{ListDevicesResponse, WebAuthnDevices};
use super::users::checked_user_id;
use crate::domain::ids::is_plausible_id;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::{ApiPath, ManagementAuth};

/// Passage: `list-user-devices`.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/users/{user_id}/devices",
    tag = "management",
    responses((status = 200, description = "The user's passkeys.", body = ListDevicesResponse)),
)]
pub async fn list_user_devices(
    State(state): State<AppState>,
    auth: ManagementAuth,
    ApiPath((_app_id, user_id)): ApiPath<(String, String)>,
) -> ApiResult<Json<ListDevicesResponse>> {
    let user_id = checked_user_id(user_id)?;
    let user = state
        .store
        .user_with_devices(&auth.app_id, &user_id)
        .await?
        .ok_or_else(ApiError::user_not_found)?;
    let devices = user
        .devices
        .into_iter()
        .map(WebAuthnDevices::from)
        .collect();
    Ok(Json(ListDevicesResponse { devices }))
}

/// Passage: `delete-user-devices`: 200 with an empty body.
#[utoipa::path(
    delete,
    path = "/apps/{app_id}/users/{user_id}/devices/{device_id}",
    tag = "management",
    responses((status = 200, description = "The passkey is gone.")),
)]
pub async fn delete_user_device(
    State(state): State<AppState>,
    auth: ManagementAuth,
    ApiPath((_app_id, user_id, device_id)): ApiPath<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let user_id = checked_user_id(user_id)?;
    if state.store.user(&auth.app_id, &user_id).await?.is_none() {
        return Err(ApiError::user_not_found());
    }
    let deleted = is_plausible_id(&device_id)
        && state
            .store
            .delete_device(&auth.app_id, &user_id, &device_id)
            .await?;
    if deleted {
        Ok(StatusCode::OK)
    } else {
        Err(ApiError::not_found(
            ErrorCode::DeviceNotFound,
            "Device not found.",
        ))
    }
}

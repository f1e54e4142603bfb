//! The 2023 spec's last app console operations: `get-app-stats`, `update-app-layouts` and
//! `claim-app`. Behind the admin key (or the app's key), like the other console operations.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use time::Duration;

use super::apps::app_response;
use super::models::AppResponse;
use crate::api::common::load_app;
use crate::domain::app::Layouts;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ConsoleAuth};

/// Passage: `AppStatsResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AppStatsResponse {
    /// Users without a passkey (who sign in by link or passcode), as a percentage of all.
    pub percent_magiclink_users: f64,
    /// Users with at least one passkey, as a percentage of all.
    pub percent_webauthn_users: f64,
    pub total_users: i64,
    /// Monthly active users: users who signed in within the last 30 days (emulator clock).
    pub mau_count: i64,
}

/// Passage: `get-app-stats`.
// Emulator: Passage computed these in its analytics; the emulator counts from the store, with
// a "WebAuthn user" being a user with a passkey and every other user a "magic link" user.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/stats",
    tag = "management",
    security(("admin_key" = [])),
    responses((status = 200, description = "Counts of the app's users.", body = AppStatsResponse)),
)]
pub async fn get_app_stats(
    State(state): State<AppState>,
    auth: ConsoleAuth,
) -> ApiResult<Json<AppStatsResponse>> {
    let month_ago = state.clock.timestamp().plus(Duration::days(-30));
    let stats = state.store.app_stats(&auth.app_id, month_ago).await?;
    let percent = |part: i64| {
        if stats.total_users == 0 {
            0.0
        } else {
            part as f64 * 100.0 / stats.total_users as f64
        }
    };
    Ok(Json(AppStatsResponse {
        percent_magiclink_users: percent(stats.total_users - stats.webauthn_users),
        percent_webauthn_users: percent(stats.webauthn_users),
        total_users: stats.total_users,
        mau_count: stats.active_users,
    }))
}

/// Passage: `LayoutsResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LayoutsResponse {
    pub layouts: Layouts,
}

/// Passage: `update-app-layouts`: the whole `Layouts` (profile and registration) replaces the
/// app's; `AppInfo.layouts` shows it.
#[utoipa::path(
    patch,
    path = "/apps/{app_id}/layouts",
    tag = "management",
    security(("admin_key" = [])),
    request_body = Layouts,
    responses(
        (status = 200, description = "The app's layouts as stored.", body = LayoutsResponse),
        crate::openapi::BadRequest,
    ),
)]
pub async fn update_app_layouts(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiJson(layouts): ApiJson<LayoutsRequest>,
) -> ApiResult<Json<LayoutsResponse>> {
    let mut app = load_app(&state, &auth.app_id).await?;
    app.settings.layouts = Layouts {
        profile: layouts.profile,
        registration: layouts.registration,
    };
    state
        .store
        .update_app_settings(&auth.app_id, &app.settings)
        .await?;
    Ok(Json(LayoutsResponse {
        layouts: app.settings.layouts,
    }))
}

/// Passage: `Layouts`, both members required.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LayoutsRequest {
    pub profile: Vec<crate::domain::app::LayoutConfig>,
    pub registration: Vec<crate::domain::app::LayoutConfig>,
}

/// Passage: `ClaimAppRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimAppRequest {
    pub name: String,
}

/// Passage: `claim-app`: a test-mode app (`ephemeral`, made when passage-elements ran without
/// an app id) becomes a regular app with the given name. 409 `cannot_claim_app` otherwise.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/claim",
    tag = "management",
    security(("admin_key" = [])),
    request_body = ClaimAppRequest,
    responses(
        (status = 200, description = "The app, claimed.", body = AppResponse),
        crate::openapi::BadRequest,
        crate::openapi::Conflict,
    ),
)]
pub async fn claim_app(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiJson(request): ApiJson<ClaimAppRequest>,
) -> ApiResult<Json<AppResponse>> {
    let name = request.name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid_request("name: required"));
    }
    let mut app = load_app(&state, &auth.app_id).await?;
    if !app.settings.ephemeral {
        return Err(ApiError::conflict(
            ErrorCode::CannotClaimApp,
            "The app is not a test-mode app: it cannot be claimed.",
        ));
    }
    app.settings.ephemeral = false;
    app.settings.name = name.to_owned();
    app.settings.validate().map_err(ApiError::invalid_request)?;
    state
        .store
        .update_app_settings(&auth.app_id, &app.settings)
        .await?;
    app_response(&state, &auth.app_id).await
}

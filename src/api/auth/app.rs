//! `GET /apps/{app_id}`: the public app settings the browser SDKs load first.

use axum::Json;
use axum::extract::State;

use super::models::{App, GetAppResponse};
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::http::extract::PathApp;

/// Passage: `get-app` (Auth API).
#[utoipa::path(
    get,
    path = "/apps/{app_id}",
    tag = "auth",
    responses((status = 200, description = "The app's public settings.", body = GetAppResponse)),
)]
pub async fn get_app(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
) -> ApiResult<Json<GetAppResponse>> {
    let app = state
        .store
        .app(&app_id)
        .await?
        .ok_or_else(ApiError::app_not_found)?;
    Ok(Json(GetAppResponse {
        app: App::from(app),
    }))
}

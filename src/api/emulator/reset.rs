//! `POST /_emulator/reset`: forget what tests did (users and their devices, and everything
//! issued to them) but keep apps, their settings and keys. `?app_id=` limits it to one app.
//! The built-in default app (no --fixtures) is restored as it started.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};
use crate::http::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResetQuery {
    #[serde(default)]
    pub app_id: Option<String>,
    /// `true` also clears the request journal, which otherwise survives a reset so that a test
    /// can read what led up to it.
    #[serde(default)]
    pub journal: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResetResponse {
    /// Users removed (their devices went with them).
    pub users: u64,
}

#[utoipa::path(
    post,
    path = "/reset",
    tag = "emulator",
    params(ResetQuery),
    responses(
        (status = 200, description = "Users, messages and sessions removed; fixtures loaded again.", body = ResetResponse),
        crate::openapi::NotFound,
    ),
)]
pub async fn reset(
    State(state): State<AppState>,
    query: Result<Query<ResetQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<ResetResponse>> {
    let Query(query) = query.map_err(|error| ApiError::invalid_request(error.body_text()))?;
    if let Some(app_id) = &query.app_id {
        super::check_app_id(&state, app_id).await?;
    }
    let users = state.store.reset(query.app_id.as_deref()).await?;
    if let Some(file) = &state.builtin_fixtures {
        // The built-in default app comes back as it started: settings, keys, schema (and the
        // app itself, if a test deleted it).
        crate::seed::load_fixtures(&state.store, &state.clock, file)
            .await
            .map_err(ApiError::internal)?;
    }
    if query.journal {
        state.journal.clear();
    }
    state.faults.clear();
    crate::domain::jwt_provider::forget_parsed_keys();
    Ok(Json(ResetResponse { users }))
}

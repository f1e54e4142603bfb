//! `/_emulator/passkey-readiness`: the passkey readiness reports devices sent (newest first),
//! which Passage showed in its console's analytics.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};

use super::Deleted;
use crate::domain::readiness::PasskeyReadinessReport;
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReadinessQuery {
    /// Only the reports sent to this app's scoped path.
    #[serde(default)]
    pub app_id: Option<String>,
    /// 1 to 1,000 (default 100).
    #[serde(default)]
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReadinessList {
    pub reports: Vec<PasskeyReadinessReport>,
}

#[utoipa::path(
    get,
    path = "/passkey-readiness",
    tag = "emulator",
    params(ReadinessQuery),
    responses(
        (status = 200, description = "Reports, newest first (the newest 10,000 are kept).", body = ReadinessList),
        crate::openapi::BadRequest,
    ),
)]
pub async fn list_reports(
    State(state): State<AppState>,
    query: Result<Query<ReadinessQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<ReadinessList>> {
    let Query(query) = query.map_err(|error| ApiError::invalid_request(error.body_text()))?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid_request("limit: 1 to 1000"));
    }
    let reports = state
        .store
        .readiness_reports(query.app_id.as_deref(), limit)
        .await?;
    Ok(Json(ReadinessList { reports }))
}

#[utoipa::path(
    delete,
    path = "/passkey-readiness",
    tag = "emulator",
    responses((status = 200, description = "How many reports were removed.", body = Deleted)),
)]
pub async fn delete_reports(State(state): State<AppState>) -> ApiResult<Json<Deleted>> {
    let deleted = state.store.delete_readiness_reports().await?;
    Ok(Json(Deleted { deleted }))
}

//! `POST /_emulator/fixtures`: load a fixture document (the same format as `--fixtures`).

use axum::Json;
use axum::body::Bytes;
use serde::Serialize;

use crate::domain::fixtures::FixtureFile;
use crate::domain::timestamp::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::store::{FixtureSummary, WriteError};

#[derive(Debug, Serialize)]
pub struct LoadFixturesResponse {
    pub apps: usize,
    pub users: usize,
    pub devices: usize,
}

pub async fn load_fixtures(
    axum::extract::State(state): axum::extract::State<AppState>,
    body: Bytes,
) -> ApiResult<Json<LoadFixturesResponse>> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::invalid_request("The fixture document is not UTF-8."))?;
    let file = FixtureFile::parse("fixtures", text).map_err(ApiError::invalid_request)?;
    let now = Timestamp::from_datetime(state.clock.now());
    let FixtureSummary {
        apps,
        users,
        devices,
    } = state
        .store
        .load_fixtures(&file, now)
        .await
        .map_err(|error| match error {
            WriteError::Conflict(message) => {
                ApiError::invalid_request(format!("fixtures: {message}"))
            }
            WriteError::Database(error) => ApiError::internal(error),
        })?;
    Ok(Json(LoadFixturesResponse {
        apps,
        users,
        devices,
    }))
}

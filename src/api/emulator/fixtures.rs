//! `POST /_emulator/fixtures`: load a fixture document (the same format as `--fixtures`).

use axum::Json;
use axum::body::Bytes;
use serde::Serialize;

use crate::domain::fixtures::FixtureFile;
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::seed::{self, SeedError};
use crate::store::FixtureSummary;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoadFixturesResponse {
    pub apps: usize,
    pub users: usize,
    pub devices: usize,
}

#[utoipa::path(
    post,
    path = "/fixtures",
    tag = "emulator",
    request_body(content = FixtureFile, description = "A fixture document (JSON; TOML and YAML are read too).", content_type = "application/json"),
    responses(
        (status = 200, description = "What was loaded.", body = LoadFixturesResponse),
        crate::openapi::BadRequest,
    ),
)]
pub async fn load_fixtures(
    axum::extract::State(state): axum::extract::State<AppState>,
    body: Bytes,
) -> ApiResult<Json<LoadFixturesResponse>> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::invalid_request("The fixture document is not UTF-8."))?;
    let file = FixtureFile::parse("fixtures", text)
        .map_err(|error| ApiError::invalid_request(error.to_string()))?;
    let FixtureSummary {
        apps,
        users,
        devices,
    } = seed::load_fixtures(&state.store, &state.clock, &file)
        .await
        .map_err(|error| match error {
            SeedError::Invalid(message) => {
                ApiError::invalid_request(format!("fixtures: {message}"))
            }
            SeedError::Internal(message) => ApiError::internal(message),
        })?;
    Ok(Json(LoadFixturesResponse {
        apps,
        users,
        devices,
    }))
}

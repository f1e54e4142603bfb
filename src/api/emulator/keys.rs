//! `POST /_emulator/apps/{app_id}/keys/rotate`: a new signing key for the app. The retired key
//! stays in the JWKS for the app's session length, so tokens it signed still verify.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::domain::ids::new_id;
use crate::domain::tokens::SigningKey;
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::http::extract::PathApp;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RotateKeyResponse {
    /// The kid that signs tokens from now on.
    pub kid: String,
    /// The kid it replaced, if the app had one.
    pub retired_kid: Option<String>,
}

#[utoipa::path(
    post,
    path = "/apps/{app_id}/keys/rotate",
    tag = "emulator",
    responses(
        (status = 200, description = "A new signing key; the old one stays in the JWKS.", body = RotateKeyResponse),
        crate::openapi::NotFound,
    ),
)]
pub async fn rotate_key(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
) -> ApiResult<Json<RotateKeyResponse>> {
    if !state.store.app_exists(&app_id).await? {
        return Err(ApiError::app_not_found());
    }
    let retired = state.store.active_signing_key(&app_id).await?;
    let key = SigningKey::generate_blocking(new_id())
        .await
        .map_err(ApiError::internal)?;
    let now = state.clock.timestamp();
    state.store.activate_signing_key(&app_id, &key, now).await?;
    Ok(Json(RotateKeyResponse {
        kid: key.kid,
        retired_kid: retired.map(|key| key.kid),
    }))
}

//! The app's JWKS and OpenID configuration: what backends fetch to verify auth tokens.

use axum::Json;
use axum::extract::State;

use super::models::{JwkResponse, OpenIdConfiguration};
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::http::extract::{AuthBase, PathApp};

/// Passage: `GET /apps/{app_id}/.well-known/jwks.json`.
///
/// Emulator: after a rotation the retired key stays published for the app's
/// `session_timeout_length`, so every token it signed can still be verified until it expires.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/.well-known/jwks.json",
    tag = "auth",
    responses((status = 200, description = "The app's signing keys.", body = JwkResponse)),
)]
pub async fn jwks(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
) -> ApiResult<Json<JwkResponse>> {
    let app = state
        .store
        .app(&app_id)
        .await?
        .ok_or_else(ApiError::app_not_found)?;
    let keys = state.published_keys(&app).await?;
    Ok(Json(JwkResponse {
        keys: keys.iter().map(|key| key.jwk()).collect(),
    }))
}

/// Passage: `GET /apps/{app_id}/.well-known/openid-configuration`.
///
/// Emulator: the URLs are the emulator's own, as the request reached it (under
/// `Host: auth.passage.id` they are Passage's production URLs, and `issuer` equals the auth
/// tokens' `iss`). The hosted login's ID tokens carry this `issuer`, so OpenID Connect
/// clients that discover it from here accept them.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/.well-known/openid-configuration",
    tag = "auth",
    responses(
        (status = 200, description = "The app's OpenID Connect discovery document.", body = OpenIdConfiguration),
    ),
)]
pub async fn openid_configuration(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    AuthBase(base): AuthBase,
) -> ApiResult<Json<OpenIdConfiguration>> {
    if !state.store.app_exists(&app_id).await? {
        return Err(ApiError::app_not_found());
    }
    Ok(Json(OpenIdConfiguration::new(format!(
        "{base}/apps/{app_id}"
    ))))
}

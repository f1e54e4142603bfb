//! Refresh and revoke (Auth API), and Management `revoke-user-refresh-tokens`.

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::models::AuthResponse;
use super::session::{Family, issue};
use crate::api::common::{active_user, load_app};
use crate::domain::app::App;
use crate::domain::ids::hash_secret;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::{ApiJson, PathApp};
use crate::http::query::query_pairs;
use crate::store::RefreshOutcome;

/// Passage: `RefreshAuthTokenRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RefreshAuthTokenRequest {
    pub refresh_token: String,
}

fn invalid_refresh_token(message: &str) -> ApiError {
    ApiError::unauthorized(ErrorCode::InvalidRefreshToken, message)
}

/// Passage: `refresh-auth-token`, 201: a new auth token and the next refresh token; the
/// presented one is spent. Presenting a spent token revokes its whole family.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/tokens",
    tag = "auth",
    request_body = RefreshAuthTokenRequest,
    responses(
        (status = 201, description = "A new session (the refresh token rotated).", body = AuthResponse),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn refresh_auth_token(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    ApiJson(request): ApiJson<RefreshAuthTokenRequest>,
) -> ApiResult<(StatusCode, Json<AuthResponse>)> {
    let app = load_app(&state, &app_id).await?;
    let (user_id, family) = rotate(&state, &app, &request.refresh_token).await?;
    let auth_result = issue(&state, &app, &user_id, family).await?;
    Ok((StatusCode::CREATED, Json(AuthResponse { auth_result })))
}

/// Spends a refresh token of an active user: whose it was, and the family the next one
/// continues. Also the hosted login's `refresh_token` grant.
pub(super) async fn rotate(
    state: &AppState,
    app: &App,
    refresh_token: &str,
) -> ApiResult<(String, Family)> {
    let now = state.clock.timestamp();
    let inactivity = app
        .settings
        .refresh_inactivity_lifetime
        .saturating_mul(1_000_000);
    let outcome = state
        .store
        .spend_refresh_token(&app.id, &hash_secret(refresh_token), now, inactivity)
        .await?;
    let (user_id, family) = match outcome {
        RefreshOutcome::Rotated {
            user_id,
            family_id,
            expires_at,
        } => (
            user_id,
            Family::Continue {
                id: family_id,
                expires_at,
            },
        ),
        RefreshOutcome::Reused => {
            return Err(invalid_refresh_token(
                "The refresh token was already used: every token of its session is revoked.",
            ));
        }
        RefreshOutcome::Invalid => {
            return Err(invalid_refresh_token(
                "The refresh token is unknown, revoked or expired.",
            ));
        }
    };
    active_user(state, &app.id, &user_id).await?;
    Ok((user_id, family))
}

/// Passage: `revoke-refresh-token` (sign out): 200 with the JSON body `null`, which the
/// passage-auth crate parses. Unknown tokens are answered the same way: signing out twice is
/// not an error.
#[utoipa::path(
    delete,
    path = "/apps/{app_id}/tokens",
    tag = "auth",
    params(("refresh_token" = String, Query)),
    responses((status = 200, description = "Signed out: the JSON body `null`.", body = Option<()>)),
)]
pub async fn revoke_refresh_token(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<Option<()>>> {
    let app = load_app(&state, &app_id).await?;
    let token = query_pairs(query.as_deref())
        .into_iter()
        .find(|(name, _)| name == "refresh_token")
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| ApiError::invalid_request("refresh_token: required"))?;
    let now = state.clock.timestamp();
    state
        .store
        .revoke_refresh_token(&app.id, &hash_secret(&token), now)
        .await?;
    Ok(Json(None))
}

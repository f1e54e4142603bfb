//! The signed-in user's social connections: list, unlink, and link a provider sign-in.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::current_user_models::SocialConnectionsResponse;
use super::social::{CodeQuery, KIND, provider};
use super::social_users::link;
use crate::api::oauth;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::{ApiPath, UserAuth};
use crate::http::query::ApiQuery;

/// Passage: `get-current-user-social-connections`.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/currentuser/social-connections",
    tag = "auth",
    security(("auth_token" = [])),
    responses(
        (status = 200, description = "The user's linked providers.", body = SocialConnectionsResponse),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn social_connections(
    State(state): State<AppState>,
    auth: UserAuth,
) -> ApiResult<Json<SocialConnectionsResponse>> {
    let connections = state.store.social_connections(&auth.user_id).await?;
    Ok(Json(SocialConnectionsResponse {
        social_connections: connections.into(),
    }))
}

/// Passage: `delete-current-user-social-connection` (`apple`, `github` or `google`): 200,
/// empty.
#[utoipa::path(
    delete,
    path = "/apps/{app_id}/currentuser/social-connections/{social_connection_type}",
    tag = "auth",
    security(("auth_token" = [])),
    params(("social_connection_type" = crate::domain::social::Provider, Path)),
    responses(
        (status = 200, description = "The provider is unlinked."),
        crate::openapi::BadRequest,
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn delete_social_connection(
    State(state): State<AppState>,
    auth: UserAuth,
    ApiPath((_app_id, connection)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    let provider = provider("social_connection_type", &connection)?;
    if state
        .store
        .delete_social_connection(&auth.app.id, &auth.user_id, provider)
        .await?
    {
        Ok(StatusCode::OK)
    } else {
        Err(ApiError::not_found(
            ErrorCode::SocialConnectionNotFound,
            format!("No {connection} connection is linked to this user."),
        ))
    }
}

/// Passage: `GET /apps/{app_id}/currentuser/social/link_account?code=&verifier=`: links the
/// provider account a social sign-in came back with (typically `link_account=true`) to the
/// signed-in user. 201, no body.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/currentuser/social/link_account",
    tag = "auth",
    security(("auth_token" = [])),
    params(CodeQuery),
    responses(
        (status = 201, description = "The provider of the code is linked."),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn link_account(
    State(state): State<AppState>,
    auth: UserAuth,
    ApiQuery(query): ApiQuery<CodeQuery>,
) -> ApiResult<StatusCode> {
    let code = oauth::redeem_code(&state, &auth.app.id, KIND, &query.code, &query.verifier).await?;
    let identity = code
        .identity()
        .ok_or_else(|| ApiError::internal("a social code without an identity"))?;
    let owner = state
        .store
        .social_connection_owner(&auth.app.id, &identity)
        .await?;
    // Linked to this user already: nothing to do.
    if owner.as_deref() != Some(auth.user_id.as_str()) {
        link(&state, &auth.app.id, &auth.user_id, &identity).await?;
    }
    Ok(StatusCode::CREATED)
}

//! Pre-login user lookups and creation (Auth API).

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::models::{CreateUserResponse, User, UserResponse};
use crate::api::common::{check_public_signup, create_pending_user, identifier, load_app};
use crate::domain::metadata;
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::http::extract::{ApiJson, PathApp};
use crate::http::query::query_pairs;

/// Passage: `get-user` (Auth API): `{"user": null}` for an unknown identifier, which is how
/// passage-elements decides between login and registration.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/users",
    tag = "auth",
    params(("identifier" = String, Query, description = "An email address or phone number.")),
    responses(
        (status = 200, description = "The user, or `{\"user\": null}`.", body = UserResponse),
    ),
)]
pub async fn get_user(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<UserResponse>> {
    let app = load_app(&state, &app_id).await?;
    let raw = query_pairs(query.as_deref())
        .into_iter()
        .find(|(name, _)| name == "identifier")
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| ApiError::invalid_request("identifier: required"))?;
    let identifier = identifier(&app, &raw)?;
    let Some(found) = state.store.user_by_identifier(&app.id, &identifier).await? else {
        return Ok(Json(UserResponse { user: None }));
    };
    let user = state.store.user_with_devices(&app.id, &found.id).await?;
    Ok(Json(UserResponse {
        user: user.map(User::from),
    }))
}

/// Passage: `CreateUserParams`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateUserParams {
    pub identifier: String,
    #[serde(default)]
    pub user_metadata: Option<Map<String, Value>>,
}

/// Passage: `create-user` (Auth API), 201. The user is `pending` until their first login.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/users",
    tag = "auth",
    request_body = CreateUserParams,
    responses(
        (status = 201, description = "The new user.", body = CreateUserResponse),
        crate::openapi::Forbidden,
    ),
)]
pub async fn create_user(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    ApiJson(request): ApiJson<CreateUserParams>,
) -> ApiResult<(StatusCode, Json<CreateUserResponse>)> {
    let app = load_app(&state, &app_id).await?;
    check_public_signup(&app)?;
    let identifier = identifier(&app, &request.identifier)?;
    let metadata = request
        .user_metadata
        .map(|metadata| metadata::validate(&app.user_metadata_schema, metadata))
        .transpose()
        .map_err(ApiError::invalid_request)?;
    let user = create_pending_user(&state, &app.id, &identifier, metadata.as_ref()).await?;
    let created = state
        .store
        .user_with_devices(&app.id, &user.id)
        .await?
        .ok_or_else(ApiError::user_not_found)?;
    Ok((
        StatusCode::CREATED,
        Json(CreateUserResponse {
            user: User::from(created),
        }),
    ))
}

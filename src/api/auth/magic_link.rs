//! Magic links: register, login, activate, and the status that a waiting device polls.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::models::AuthResponse;
use super::session::{self, Family, Finished};
use crate::api::common::{active_user, identifier, load_app, login_user, registering_user};
use crate::api::links::{LinkOrder, Purpose, issue_link};
use crate::domain::app::App;
use crate::domain::events::{Action, Client, Method};
use crate::domain::ids::hash_secret;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::client::RequestClient;
use crate::http::extract::{ApiJson, PathApp};
use crate::store::{MagicLinkRecord, UserChanges, WriteError};

/// Passage: `RegisterMagicLinkRequest` and `LoginMagicLinkRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MagicLinkRequest {
    pub identifier: String,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub magic_link_path: Option<String>,
}

/// Passage: `MagicLink` of the Auth API: only its id.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MagicLinkId {
    pub id: String,
}

/// Passage: `RegisterMagicLinkResponse` / `LoginMagicLinkResponse` / `MagicLinkResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = auth::MagicLinkResponse)]
pub struct MagicLinkResponse {
    pub magic_link: MagicLinkId,
}

/// Passage: `ActivateMagicLinkRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ActivateMagicLinkRequest {
    pub magic_link: String,
}

/// Passage: `GetMagicLinkStatusRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct GetMagicLinkStatusRequest {
    pub id: String,
}

fn check_enabled(app: &App) -> ApiResult<()> {
    if app.settings.auth_methods.magic_link.enabled {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            ErrorCode::OperationNotAllowed,
            "Magic links are disabled for this app.",
        ))
    }
}

async fn start(
    state: &AppState,
    app_id: &str,
    request: MagicLinkRequest,
    purpose: Purpose,
    client: &Client,
) -> ApiResult<Json<MagicLinkResponse>> {
    let app = load_app(state, app_id).await?;
    check_enabled(&app)?;
    let identifier = identifier(&app, &request.identifier)?;
    let user = match purpose {
        Purpose::Register => registering_user(state, &app, &identifier).await?,
        _ => login_user(state, &app, &identifier).await?,
    };
    let link = issue_link(
        state,
        LinkOrder {
            app: &app,
            user: &user,
            identifier: &identifier,
            purpose,
            magic_link_path: request.magic_link_path.as_deref(),
            redirect_url: None,
            ttl_seconds: app.settings.auth_methods.magic_link.ttl,
            language: request.language.as_deref(),
            send: true,
            client,
        },
    )
    .await?;
    Ok(Json(MagicLinkResponse {
        magic_link: MagicLinkId { id: link.id },
    }))
}

/// Passage: `register-magic-link`, 201.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/register/magic-link",
    tag = "auth",
    request_body = MagicLinkRequest,
    responses(
        (status = 201, description = "The link was sent.", body = MagicLinkResponse),
        crate::openapi::Forbidden,
    ),
)]
pub async fn register_magic_link(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RequestClient(client): RequestClient,
    ApiJson(request): ApiJson<MagicLinkRequest>,
) -> ApiResult<(StatusCode, Json<MagicLinkResponse>)> {
    let response = start(&state, &app_id, request, Purpose::Register, &client).await?;
    Ok((StatusCode::CREATED, response))
}

/// Passage: `login-magic-link`, 200.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/login/magic-link",
    tag = "auth",
    request_body = MagicLinkRequest,
    responses(
        (status = 200, description = "The link was sent.", body = MagicLinkResponse),
        crate::openapi::Forbidden,
    ),
)]
pub async fn login_magic_link(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RequestClient(client): RequestClient,
    ApiJson(request): ApiJson<MagicLinkRequest>,
) -> ApiResult<Json<MagicLinkResponse>> {
    start(&state, &app_id, request, Purpose::Login, &client).await
}

fn invalid_link() -> ApiError {
    ApiError::unauthorized(
        ErrorCode::InvalidMagicLink,
        "The magic link is unknown, used or expired.",
    )
}

/// Passage: `activate-magic-link` (PATCH): single use; the identifier it was sent to is
/// verified and the user logged in.
#[utoipa::path(
    patch,
    path = "/apps/{app_id}/magic-link/activate",
    tag = "auth",
    request_body = ActivateMagicLinkRequest,
    responses(
        (status = 200, description = "A session.", body = AuthResponse),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn activate_magic_link(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RequestClient(client): RequestClient,
    ApiJson(request): ApiJson<ActivateMagicLinkRequest>,
) -> ApiResult<Json<AuthResponse>> {
    let app = load_app(&state, &app_id).await?;
    let now = state.clock.timestamp();
    let secret = request.magic_link.trim();
    let link = state
        .store
        .activate_magic_link(&app.id, &hash_secret(secret), now)
        .await?
        .ok_or_else(invalid_link)?;
    session_for(&state, &app, &link, Some(&client)).await
}

/// A session for the user of an activated link; the activation (with its client) records
/// the login, the status poll (none) only gets a session.
async fn session_for(
    state: &AppState,
    app: &App,
    link: &MagicLinkRecord,
    activation: Option<&Client>,
) -> ApiResult<Json<AuthResponse>> {
    let first = activation.is_some();
    let user = active_user(state, &app.id, &link.user_id).await?;
    if first {
        let now = state.clock.timestamp();
        if let Some(new_identifier) = &link.new_identifier {
            let changes = match link.purpose.as_str() {
                "change_phone" => UserChanges {
                    phone: Some(new_identifier.clone()),
                    ..UserChanges::default()
                },
                _ => UserChanges {
                    email: Some(new_identifier.clone()),
                    ..UserChanges::default()
                },
            };
            state
                .store
                .update_user(&app.id, &user.id, &changes, now)
                .await
                .map_err(|error| match error {
                    WriteError::Conflict(_) => ApiError::invalid_request("user: already exists."),
                    WriteError::Database(error) => ApiError::internal(error),
                })?;
        }
    }
    // The activation is the login; the device that polls the link's status gets a session of
    // its own without counting a second one.
    let mut auth_result = match activation {
        Some(client) => {
            let action = match link.purpose.as_str() {
                "register" => Action::Register,
                "login" => Action::Login,
                _ => Action::Other,
            };
            let finished = Finished::new(Some(&link.id), Method::MagicLink, action, client);
            session::log_in(state, app, &user.id, Some(link.channel), finished).await?
        }
        None => session::issue(state, app, &user.id, Family::New).await?,
    };
    auth_result.redirect_url = link.redirect_url.clone();
    Ok(Json(AuthResponse { auth_result }))
}

/// Passage: `magic-link-status`: the device that asked for a link polls until it was
/// activated (anywhere), then gets a session of its own.
///
/// Emulator: before activation it answers 404 `magic_link_not_found` ("not activated yet");
/// Passage's exact answer then is unknown.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/magic-link/status",
    tag = "auth",
    request_body = GetMagicLinkStatusRequest,
    responses(
        (status = 200, description = "The session, once the link was activated elsewhere.", body = AuthResponse),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn magic_link_status(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    ApiJson(request): ApiJson<GetMagicLinkStatusRequest>,
) -> ApiResult<Json<AuthResponse>> {
    let app = load_app(&state, &app_id).await?;
    let link = state
        .store
        .magic_link(&app.id, &request.id)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(ErrorCode::MagicLinkNotFound, "Magic link not found.")
        })?;
    if link.activated_at.is_none() {
        return Err(ApiError::not_found(
            ErrorCode::MagicLinkNotFound,
            "The magic link has not been activated yet.",
        ));
    }
    session_for(&state, &app, &link, None).await
}

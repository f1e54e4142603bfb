//! Which user a provider identity signs in: a linked user, a new one on a first sign-in, or
//! none yet (the email belongs to someone who has not linked the provider). Also the native
//! flow, `social/id_token`, which links such a user at once.

use crate::domain::messages::Channel;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::models::AuthResponse;
use super::session;
use super::social::provider;
use crate::api::common::{self, load_app};
use crate::domain::app::App;
use crate::domain::events::{Action, Client, Method};
use crate::domain::identifiers::Identifier;
use crate::domain::provider_tokens;
use crate::domain::social::{Provider, ProviderIdentity};
use crate::domain::user::{User, UserStatus};
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::http::client::RequestClient;
use crate::http::extract::{ApiJson, PathApp};
use crate::store::WriteError;

/// Issues the session of a social sign-in: 201 `AuthResponse`.
pub(super) async fn respond(
    state: &AppState,
    app: &App,
    user_id: &str,
    provider: Provider,
    client: &Client,
) -> ApiResult<(StatusCode, Json<AuthResponse>)> {
    let finished = session::Finished {
        social_login_type: Some(provider),
        ..session::Finished::new(None, Method::Social, Action::Login, client)
    };
    let auth_result = session::log_in(state, app, user_id, Some(Channel::Email), finished).await?;
    Ok((StatusCode::CREATED, Json(AuthResponse { auth_result })))
}

pub(super) enum SignIn {
    /// The user this identity signs in (found by link, or just created and linked).
    User(String),
    /// The email belongs to this user, who has not linked this provider.
    Unlinked(Box<User>),
}

/// The user a provider identity signs in, creating and linking a new one on a first sign-in.
pub(super) async fn sign_in(
    state: &AppState,
    app: &App,
    identity: &ProviderIdentity,
) -> ApiResult<SignIn> {
    let now = state.clock.timestamp();
    if let Some(user_id) = state
        .store
        .social_connection_owner(&app.id, identity)
        .await?
    {
        common::active_user(state, &app.id, &user_id).await?;
        state
            .store
            .record_social_login(&app.id, identity, now)
            .await?;
        return Ok(SignIn::User(user_id));
    }
    let email = Identifier::Email(identity.email.clone());
    match state.store.user_by_identifier(&app.id, &email).await? {
        // A registration never finished: the provider's word finishes it.
        Some(user) if user.status == UserStatus::Pending => {
            link(state, &app.id, &user.id, identity).await?;
            return Ok(SignIn::User(user.id));
        }
        Some(user) => return Ok(SignIn::Unlinked(Box::new(user))),
        None => {}
    }
    common::check_public_signup(app)?;
    let user = common::create_pending_user(state, &app.id, &email, None).await?;
    link(state, &app.id, &user.id, identity).await?;
    Ok(SignIn::User(user.id))
}

/// Links an identity to a user; a conflict (the user has this provider already, or the
/// identity went to someone else meanwhile) is 400 `invalid_request`.
pub(super) async fn link(
    state: &AppState,
    app_id: &str,
    user_id: &str,
    identity: &ProviderIdentity,
) -> ApiResult<()> {
    let now = state.clock.timestamp();
    state
        .store
        .link_social_connection(app_id, user_id, identity, now)
        .await
        .map_err(|error| match error {
            WriteError::Conflict(_) => ApiError::invalid_request(format!(
                "social_connection: the user already has a {} connection, or this {} account \
                 is linked to another user",
                identity.provider.as_str(),
                identity.provider.display_name()
            )),
            WriteError::Database(error) => ApiError::internal(error),
        })
}

/// Passage: `IdTokenRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct IdTokenRequest {
    pub code: String,
    pub id_token: String,
    pub connection_type: String,
}

/// Passage: `POST /apps/{app_id}/social/id_token` (native Apple and Google sign-in): 201
/// `AuthResponse`.
///
/// Emulator: the ID token must come from the emulator's stand-in (`POST
/// /_emulator/social/id_token` mints one) for the app's client id; `code` must be present
/// but is not checked (Passage exchanged it with the provider). Unlike the browser flow, an
/// existing user with the token's (provider-verified) email is linked at once: the native
/// flow has no `link_account` step.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/social/id_token",
    tag = "auth",
    request_body = IdTokenRequest,
    responses(
        (status = 201, description = "A session for the native sign-in.", body = AuthResponse),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn id_token(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RequestClient(client): RequestClient,
    ApiJson(request): ApiJson<IdTokenRequest>,
) -> ApiResult<(StatusCode, Json<AuthResponse>)> {
    let app = load_app(&state, &app_id).await?;
    let provider = match provider("connection_type", &request.connection_type)? {
        Provider::Github => {
            return Err(ApiError::invalid_request(
                "connection_type: must be apple or google",
            ));
        }
        other => other,
    };
    if request.code.is_empty() {
        return Err(ApiError::invalid_request("code: must not be empty"));
    }
    let client_id = app.settings.social_connections.client_id(&app_id, provider);
    let now = state.clock.timestamp();
    let identity = provider_tokens::verify(
        &state.provider_keys,
        provider,
        &request.id_token,
        &client_id,
        now.unix_seconds(),
    )
    .map_err(|why| ApiError::invalid_request(format!("id_token: {why}")))?;
    let user_id = match sign_in(&state, &app, &identity).await? {
        SignIn::User(user_id) => user_id,
        SignIn::Unlinked(user) => {
            if user.status == UserStatus::Inactive {
                return Err(ApiError::user_not_active());
            }
            link(&state, &app_id, &user.id, &identity).await?;
            user.id
        }
    };
    respond(&state, &app, &user_id, provider, &client).await
}

//! Magic links: register, login, activate, and the status that a waiting device polls.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::common::{
    active_user, deliver, destination, identifier, load_app, login_user, registering_user,
};
use super::models::AuthResponse;
use super::session::{Family, issue};
use crate::domain::app::App;
use crate::domain::identifiers::Identifier;
use crate::domain::ids::{hash_secret, new_id, random_alphanumeric};
use crate::domain::messages::{self, Channel, Envelope, MessageKind};
use crate::domain::timestamp::Timestamp;
use crate::domain::user::User;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::{ApiJson, PathApp};
use crate::store::{MagicLinkRecord, NewMagicLink, UserChanges, WriteError};

const SECRET_LEN: usize = 24;

/// Passage: `RegisterMagicLinkRequest` and `LoginMagicLinkRequest`.
#[derive(Debug, Deserialize)]
pub struct MagicLinkRequest {
    pub identifier: String,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub magic_link_path: Option<String>,
}

/// Passage: `MagicLink` of the Auth API: only its id.
#[derive(Debug, Serialize)]
pub struct MagicLinkId {
    pub id: String,
}

/// Passage: `RegisterMagicLinkResponse` / `LoginMagicLinkResponse` / `MagicLinkResponse`.
#[derive(Debug, Serialize)]
pub struct MagicLinkResponse {
    pub magic_link: MagicLinkId,
}

/// Passage: `ActivateMagicLinkRequest`.
#[derive(Debug, Deserialize)]
pub struct ActivateMagicLinkRequest {
    pub magic_link: String,
}

/// Passage: `GetMagicLinkStatusRequest`.
#[derive(Debug, Deserialize)]
pub struct GetMagicLinkStatusRequest {
    pub id: String,
}

/// What a link is for; stored as its `purpose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Login,
    Register,
    VerifyIdentifier,
    /// Verifies a new email and, once activated, makes it the user's.
    ChangeEmail,
    /// The same for a new phone number.
    ChangePhone,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Register => "register",
            Self::VerifyIdentifier => "verify_identifier",
            Self::ChangeEmail => "change_email",
            Self::ChangePhone => "change_phone",
        }
    }

    fn kind(self) -> MessageKind {
        match self {
            Self::Login => MessageKind::LoginMagicLink,
            Self::Register => MessageKind::RegisterMagicLink,
            Self::VerifyIdentifier => MessageKind::VerifyIdentifier,
            Self::ChangeEmail => MessageKind::ChangeEmail,
            Self::ChangePhone => MessageKind::ChangePhone,
        }
    }

    /// Verification links carry `psg_verify_link`, the others `psg_magic_link`.
    fn parameter(self) -> &'static str {
        match self {
            Self::Login | Self::Register => "psg_magic_link",
            _ => "psg_verify_link",
        }
    }
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

/// A link to issue: who for, where to, for how long.
pub struct LinkOrder<'a> {
    pub app: &'a App,
    pub user: &'a User,
    pub identifier: &'a Identifier,
    pub purpose: Purpose,
    pub magic_link_path: Option<&'a str>,
    pub redirect_url: Option<&'a str>,
    pub ttl_seconds: i64,
    pub language: Option<&'a str>,
    /// Deliver it to the inbox; the Management API may ask for the link only.
    pub send: bool,
}

/// A link just issued: its record and its URL (which holds the secret).
pub struct IssuedLink {
    pub id: String,
    pub url: String,
    pub secret: String,
}

/// `{auth_origin}{magic_link_path or login_url}?psg_magic_link=SECRET`.
fn link_url(app: &App, path: Option<&str>, parameter: &str, secret: &str) -> ApiResult<String> {
    let path = path
        .filter(|path| !path.is_empty())
        .unwrap_or(&app.settings.login_url);
    if path.contains("://") || path.starts_with("//") {
        return Err(ApiError::invalid_request(
            "magic_link_path: must be a relative URL such as /login",
        ));
    }
    let separator = if path.contains('?') { '&' } else { '?' };
    let slash = if path.starts_with('/') { "" } else { "/" };
    Ok(format!(
        "{}{slash}{path}{separator}{parameter}={secret}",
        app.settings.auth_origin
    ))
}

/// Stores a link and, when asked, sends it.
pub async fn issue_link(state: &AppState, order: LinkOrder<'_>) -> ApiResult<IssuedLink> {
    let secret = random_alphanumeric(SECRET_LEN);
    let url = link_url(
        order.app,
        order.magic_link_path,
        order.purpose.parameter(),
        &secret,
    )?;
    let id = new_id();
    let (channel, recipient) = destination(order.identifier);
    let settings = &order.app.settings;
    state
        .store
        .insert_magic_link(&NewMagicLink {
            id: &id,
            app_id: &order.app.id,
            user_id: &order.user.id,
            secret_hash: &hash_secret(&secret),
            purpose: order.purpose.as_str(),
            channel: if channel == Channel::Email {
                "email"
            } else {
                "phone"
            },
            identifier: recipient,
            new_identifier: matches!(order.purpose, Purpose::ChangeEmail | Purpose::ChangePhone)
                .then_some(recipient),
            redirect_url: order.redirect_url.unwrap_or(&settings.redirect_url),
            ttl_seconds: order.ttl_seconds,
            created_at: Timestamp::from_datetime(state.clock.now()),
        })
        .await?;
    if order.send {
        let envelope = Envelope {
            app_name: &settings.name,
            channel,
            recipient,
            kind: order.purpose.kind(),
            language: messages::language(order.language, &settings.default_language),
            ttl_seconds: order.ttl_seconds,
        };
        deliver(
            state,
            order.app,
            &messages::magic_link_message(envelope, &url),
        )
        .await?;
    }
    Ok(IssuedLink { id, url, secret })
}

async fn start(
    state: &AppState,
    app_id: &str,
    request: MagicLinkRequest,
    purpose: Purpose,
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
        },
    )
    .await?;
    Ok(Json(MagicLinkResponse {
        magic_link: MagicLinkId { id: link.id },
    }))
}

/// Passage: `register-magic-link`, 201.
pub async fn register_magic_link(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    ApiJson(request): ApiJson<MagicLinkRequest>,
) -> ApiResult<(StatusCode, Json<MagicLinkResponse>)> {
    let response = start(&state, &app_id, request, Purpose::Register).await?;
    Ok((StatusCode::CREATED, response))
}

/// Passage: `login-magic-link`, 200.
pub async fn login_magic_link(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    ApiJson(request): ApiJson<MagicLinkRequest>,
) -> ApiResult<Json<MagicLinkResponse>> {
    start(&state, &app_id, request, Purpose::Login).await
}

fn invalid_link() -> ApiError {
    ApiError::unauthorized(
        ErrorCode::InvalidMagicLink,
        "The magic link is unknown, used or expired.",
    )
}

/// Passage: `activate-magic-link` (PATCH): single use; the identifier it was sent to is
/// verified and the user logged in.
pub async fn activate_magic_link(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    ApiJson(request): ApiJson<ActivateMagicLinkRequest>,
) -> ApiResult<Json<AuthResponse>> {
    let app = load_app(&state, &app_id).await?;
    let now = Timestamp::from_datetime(state.clock.now());
    let secret = request.magic_link.trim();
    let link = state
        .store
        .activate_magic_link(&app.id, &hash_secret(secret), now)
        .await?
        .ok_or_else(invalid_link)?;
    session_for(&state, &app, &link, true).await
}

/// A session for the user of an activated link; `first` records the login.
async fn session_for(
    state: &AppState,
    app: &App,
    link: &MagicLinkRecord,
    first: bool,
) -> ApiResult<Json<AuthResponse>> {
    let user = active_user(state, &app.id, &link.user_id).await?;
    if first {
        let now = Timestamp::from_datetime(state.clock.now());
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
        state
            .store
            .record_login(&app.id, &user.id, Some(&link.channel), now)
            .await?;
    }
    let mut auth_result = issue(state, app, &user.id, Family::New).await?;
    auth_result.redirect_url = link.redirect_url.clone();
    Ok(Json(AuthResponse { auth_result }))
}

/// Passage: `magic-link-status`: the device that asked for a link polls until it was
/// activated (anywhere), then gets a session of its own.
///
/// Emulator: before activation it answers 404 `magic_link_not_found` ("not activated yet");
/// Passage's exact answer then is unknown.
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
    session_for(&state, &app, &link, false).await
}

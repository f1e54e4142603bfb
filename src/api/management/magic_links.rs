//! Passage: `create-magic-link` (`POST /apps/{app_id}/magic-links`): a backend asks for a login
//! or verification link, sent to the user or handed back only.

use crate::http::client::RequestClient;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::users::{email, non_empty, phone};
use crate::api::common::{create_pending_user, destination};
use crate::api::links::{LinkOrder, Purpose, issue_link};
use crate::domain::app::MAX_DURATION_SECONDS;
use crate::domain::identifiers::Identifier;
use crate::domain::messages::Channel;
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ManagementAuth};

/// Passage: `MagicLinkChannel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MagicLinkChannel {
    Email,
    Phone,
}

/// Passage's name for the channel at the edge; the emulator's one `Channel` inside.
impl From<MagicLinkChannel> for Channel {
    fn from(channel: MagicLinkChannel) -> Self {
        match channel {
            MagicLinkChannel::Email => Self::Email,
            MagicLinkChannel::Phone => Self::Sms,
        }
    }
}

/// Passage: `MagicLinkType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MagicLinkType {
    Login,
    VerifyIdentifier,
}

/// Passage: `CreateMagicLinkRequest`. One of `user_id`, `email`, `phone` is needed.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateMagicLinkRequest {
    #[serde(default)]
    pub channel: Option<MagicLinkChannel>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(rename = "type", default)]
    pub link_type: Option<MagicLinkType>,
    /// Emulator: absent means `false` (the link is returned, nothing is sent).
    #[serde(default)]
    pub send: bool,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub magic_link_path: Option<String>,
    #[serde(default)]
    pub redirect_url: Option<String>,
    /// Minutes, as passage-ruby's client documents it.
    #[serde(default)]
    pub ttl: Option<i64>,
}

/// Passage: `MagicLink` (Management): the whole link, secret included.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MagicLink {
    pub activated: bool,
    pub app_id: String,
    pub id: String,
    pub identifier: String,
    pub redirect_url: String,
    pub secret: String,
    /// Minutes.
    pub ttl: i64,
    #[serde(rename = "type")]
    pub link_type: MagicLinkType,
    pub url: String,
    pub user_id: String,
}

/// Passage: `MagicLinkResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MagicLinkResponse {
    pub magic_link: MagicLink,
}

/// Passage: `create-magic-link`, 201. An unknown email or phone gets a new (pending) user.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/magic-links",
    tag = "management",
    request_body = CreateMagicLinkRequest,
    responses(
        (status = 201, description = "The link; sent too when `send` is true.", body = MagicLinkResponse),
        crate::openapi::Forbidden,
    ),
)]
pub async fn create_magic_link(
    State(state): State<AppState>,
    auth: ManagementAuth,
    RequestClient(client): RequestClient,
    ApiJson(request): ApiJson<CreateMagicLinkRequest>,
) -> ApiResult<(StatusCode, Json<MagicLinkResponse>)> {
    let app = state
        .store
        .app(&auth.app_id)
        .await?
        .ok_or_else(ApiError::app_not_found)?;
    let email = email(request.email)?;
    let phone = phone(request.phone)?;
    let channel =
        request
            .channel
            .map(Channel::from)
            .unwrap_or(if email.is_none() && phone.is_some() {
                Channel::Sms
            } else {
                Channel::Email
            });
    let (user, identifier) = if let Some(user_id) = non_empty(request.user_id) {
        let user = state
            .store
            .user(&app.id, &user_id)
            .await?
            .ok_or_else(ApiError::user_not_found)?;
        let identifier = match channel {
            Channel::Email if !user.email.is_empty() => Identifier::Email(user.email.clone()),
            Channel::Sms if !user.phone.is_empty() => Identifier::Phone(user.phone.clone()),
            _ => {
                return Err(ApiError::invalid_request(format!(
                    "channel: the user has no {} to send to",
                    channel.identifier_kind()
                )));
            }
        };
        (user, identifier)
    } else {
        let identifier = match (channel, email, phone) {
            (Channel::Email, Some(email), _) => Identifier::Email(email),
            (Channel::Sms, _, Some(phone)) => Identifier::Phone(phone),
            _ => {
                return Err(ApiError::invalid_request(
                    "user_id, or an email or phone matching the channel, is required.",
                ));
            }
        };
        let user = match state.store.user_by_identifier(&app.id, &identifier).await? {
            Some(user) => user,
            None => create_pending_user(&state, &app.id, &identifier, None).await?,
        };
        (user, identifier)
    };
    let link_type = request.link_type.unwrap_or(MagicLinkType::Login);
    let ttl_minutes = match request.ttl {
        Some(minutes) if minutes < 1 => {
            return Err(ApiError::invalid_request(
                "ttl: must be at least 1 (minute)",
            ));
        }
        Some(minutes) if minutes > MAX_DURATION_SECONDS / 60 => {
            return Err(ApiError::invalid_request(format!(
                "ttl: must be at most {} (minutes, ten years)",
                MAX_DURATION_SECONDS / 60
            )));
        }
        Some(minutes) => minutes,
        None => (app.settings.auth_methods.magic_link.ttl + 59) / 60,
    };
    let redirect_url = non_empty(request.redirect_url);
    let link = issue_link(
        &state,
        LinkOrder {
            app: &app,
            user: &user,
            identifier: &identifier,
            purpose: match link_type {
                MagicLinkType::Login => Purpose::Login,
                MagicLinkType::VerifyIdentifier => Purpose::VerifyIdentifier,
            },
            magic_link_path: request.magic_link_path.as_deref(),
            redirect_url: redirect_url.as_deref(),
            ttl_seconds: ttl_minutes.saturating_mul(60),
            language: request.language.as_deref(),
            send: request.send,
            client: &client,
        },
    )
    .await?;
    let (_, recipient) = destination(&identifier);
    let magic_link = MagicLink {
        activated: false,
        app_id: app.id.clone(),
        id: link.id,
        identifier: recipient.to_owned(),
        redirect_url: redirect_url.unwrap_or(app.settings.redirect_url),
        secret: link.secret,
        ttl: ttl_minutes,
        link_type,
        url: link.url,
        user_id: user.id,
    };
    Ok((StatusCode::CREATED, Json(MagicLinkResponse { magic_link })))
}

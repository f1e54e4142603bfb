//! Issuing magic links: used by the Auth API (login, registration, email and phone change) and
//! by the Management API's `create-magic-link`.

use super::common::{deliver, destination};
use crate::domain::app::App;
use crate::domain::events::{Action, Client, Method};
use crate::domain::identifiers::Identifier;
use crate::domain::ids::{hash_secret, new_id, random_alphanumeric};
use crate::domain::messages::{self, Envelope, MessageKind};
use crate::domain::user::User;
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::store::{EventFlow, NewMagicLink};

const SECRET_LEN: usize = 24;

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
    /// Who asked for the link, for the user's event.
    pub client: &'a Client,
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
    let action = match order.purpose {
        Purpose::Register => Action::Register,
        Purpose::Login => Action::Login,
        _ => Action::Other,
    };
    let event = EventFlow {
        app_id: &order.app.id,
        user_id: &order.user.id,
        flow_id: Some(&id),
        method: Method::MagicLink,
        action,
        client: order.client,
        social_login_type: None,
    };
    state
        .store
        .insert_magic_link(&NewMagicLink {
            id: &id,
            app_id: &order.app.id,
            user_id: &order.user.id,
            secret_hash: &hash_secret(&secret),
            purpose: order.purpose.as_str(),
            channel,
            identifier: recipient,
            new_identifier: matches!(order.purpose, Purpose::ChangeEmail | Purpose::ChangePhone)
                .then_some(recipient),
            redirect_url: order.redirect_url.unwrap_or(&settings.redirect_url),
            ttl_seconds: order.ttl_seconds,
            created_at: state.clock.timestamp(),
            event: Some(event),
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
            order.user,
            order.ttl_seconds,
            messages::magic_link_message(envelope, &url),
        )
        .await?;
    }
    Ok(IssuedLink { id, url, secret })
}

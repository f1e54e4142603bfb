//! What handlers of both Passage APIs share: the app, identifier rules, the user a login or
//! registration is for, delivery to the inbox.

use serde_json::{Map, Value};

use crate::domain::app::App;
use crate::domain::email_templates::{self, EmailTemplateType, Variables};
use crate::domain::identifiers::Identifier;
use crate::domain::ids::new_id;
use crate::domain::messages::{Channel, Message};
use crate::domain::timestamp::Timestamp;
use crate::domain::user::{User, UserStatus};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::store::{NewUser, WriteError};

pub async fn load_app(state: &AppState, app_id: &str) -> ApiResult<App> {
    state
        .store
        .app(app_id)
        .await?
        .ok_or_else(ApiError::app_not_found)
}

/// Parses an identifier and checks the app accepts its kind (`allowed_identifier`).
pub fn identifier(app: &App, raw: &str) -> ApiResult<Identifier> {
    let identifier = Identifier::parse(raw)
        .map_err(|problem| ApiError::invalid_request(format!("identifier: {problem}")))?;
    let allowed = app.settings.allowed_identifier.as_str();
    let accepted = match identifier {
        Identifier::Email(_) => allowed != "phone",
        Identifier::Phone(_) => allowed != "email",
    };
    if accepted {
        Ok(identifier)
    } else {
        Err(ApiError::invalid_request(format!(
            "identifier: this app accepts only {allowed} identifiers"
        )))
    }
}

/// Registration is refused when the app has closed public sign-up.
pub fn check_public_signup(app: &App) -> ApiResult<()> {
    if app.settings.public_signup {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            ErrorCode::OperationNotAllowed,
            "Public sign-up is disabled for this app.",
        ))
    }
}

/// "Sends" a message to `user`: it lands in the inbox (and, with `--smtp-relay`, in a real
/// mailbox). An email whose type has an enabled template of the app is rendered from it.
pub async fn deliver(
    state: &AppState,
    app: &App,
    user: &User,
    ttl_seconds: i64,
    message: Message,
) -> ApiResult<()> {
    let message = with_template(app, user, ttl_seconds, message);
    send(state, app, &message).await
}

/// Puts a rendered message in the inbox, which keeps the last --inbox-size, copies it to the
/// relays and logs it.
async fn send(state: &AppState, app: &App, message: &Message) -> ApiResult<()> {
    let now = state.clock.timestamp();
    let stored = state
        .store
        .insert_message(&new_id(), &app.id, message, now)
        .await?;
    state
        .store
        .trim_messages(state.inbox_size, stored.seq)
        .await?;
    relay(state, app, message);
    log_delivery(&app.id, message);
    Ok(())
}

/// Copies an email to `--smtp-relay` and to the app's own `smtp` provider (as `--smtp-relay`
/// for this app only; its URL was checked when set).
fn relay(state: &AppState, app: &App, message: &Message) {
    if let Some(relay) = &state.relay {
        relay.forward(&app.settings.name, None, message);
    }
    if let Some(provider) = &app.email_provider
        && let Some(url) = provider.smtp_url()
        && let Ok(relay) = crate::relay::SmtpRelay::from_url(url)
    {
        relay.forward(&app.settings.name, Some(&provider.from_address), message);
    }
}

/// The console's test email: into the inbox and out through the relays, as any email.
pub async fn deliver_test_email(
    state: &AppState,
    app: &App,
    recipient: &str,
    subject: String,
    html: String,
) -> ApiResult<()> {
    let message = Message {
        channel: Channel::Email,
        recipient: recipient.to_owned(),
        kind: crate::domain::messages::MessageKind::EmailTest,
        language: "en",
        text: format!("{subject}\n\n(This test email has an HTML body only.)\n"),
        subject,
        html,
        magic_link: None,
        otp: None,
    };
    send(state, app, &message).await
}

/// The message with the subject and HTML of the app's enabled template for its type, if any
/// (emails only; the plain text stays the emulator's). A template that fails to render (it was
/// checked when saved) leaves the built-in message, with a warning.
fn with_template(app: &App, user: &User, ttl_seconds: i64, mut message: Message) -> Message {
    if message.channel != Channel::Email {
        return message;
    }
    let Some(kind) = EmailTemplateType::for_message(message.kind) else {
        return message;
    };
    let Some(template) = app
        .email_templates
        .iter()
        .find(|t| t.enabled && t.template_type == kind)
    else {
        return message;
    };
    let variables = Variables {
        app,
        user,
        magic_link: message.magic_link.as_deref(),
        otp: message.otp.as_deref(),
        ttl_seconds,
        language: message.language,
    };
    match email_templates::render(&template.subject, &template.html, &variables) {
        Ok((subject, html)) => {
            message.subject = subject;
            message.html = html;
        }
        Err(error) => tracing::warn!(app_id = %app.id, %error, "email template not used"),
    }
    message
}

/// Every captured message at info with what a developer needs from it, as Firebase prints its
/// sign-in links: the recipient and the passcode or magic link.
fn log_delivery(app_id: &str, message: &Message) {
    let channel = message.channel.as_str();
    let kind = message.kind.as_str();
    let to = message.recipient.as_str();
    let what = match (&message.otp, &message.magic_link) {
        (Some(otp), _) => format!("passcode {otp}"),
        (None, Some(link)) => format!("magic link {link}"),
        (None, None) => format!("\"{}\"", message.subject),
    };
    let line = format!("{channel} to {to} ({kind}): {what}");
    if crate::telemetry::json_logs() {
        tracing::info!(
            target: "passage_emulator::inbox",
            app_id,
            channel,
            kind,
            to,
            otp = message.otp.as_deref(),
            magic_link = message.magic_link.as_deref(),
            "{line}"
        );
    } else {
        tracing::info!(target: "passage_emulator::inbox", "{line}");
    }
}

/// Where a message for this identifier goes.
pub fn destination(identifier: &Identifier) -> (Channel, &str) {
    match identifier {
        Identifier::Email(email) => (Channel::Email, email),
        Identifier::Phone(phone) => (Channel::Sms, phone),
    }
}

/// The user a registration is for: a new `pending` user, or one whose registration was never
/// finished; anyone else already has the identifier.
pub async fn registering_user(
    state: &AppState,
    app: &App,
    identifier: &Identifier,
) -> ApiResult<User> {
    check_public_signup(app)?;
    // Most registrations are of new identifiers: insert first, look only when it is taken.
    match create_pending_user(state, &app.id, identifier, None).await {
        Err(taken) if taken.code == ErrorCode::InvalidRequest => {
            match state.store.user_by_identifier(&app.id, identifier).await? {
                Some(user) if user.status == UserStatus::Pending => Ok(user),
                _ => Err(taken),
            }
        }
        created => created,
    }
}

/// The user a login is for: 404 when unknown, 403 when deactivated.
pub async fn login_user(state: &AppState, app: &App, identifier: &Identifier) -> ApiResult<User> {
    let user = state
        .store
        .user_by_identifier(&app.id, identifier)
        .await?
        .ok_or_else(ApiError::user_not_found)?;
    if user.status == UserStatus::Inactive {
        return Err(ApiError::user_not_active());
    }
    Ok(user)
}

/// The user a session is about to be issued to: 404 when gone, 403 when deactivated.
pub async fn active_user(state: &AppState, app_id: &str, user_id: &str) -> ApiResult<User> {
    let user = state
        .store
        .user(app_id, user_id)
        .await?
        .ok_or_else(ApiError::user_not_found)?;
    if user.status == UserStatus::Inactive {
        return Err(ApiError::user_not_active());
    }
    Ok(user)
}

/// Creates a `pending` user with this identifier; 400 `user: already exists.` when taken.
pub async fn create_pending_user(
    state: &AppState,
    app_id: &str,
    identifier: &Identifier,
    metadata: Option<&Map<String, Value>>,
) -> ApiResult<User> {
    let (email, phone) = match identifier {
        Identifier::Email(email) => (email.as_str(), ""),
        Identifier::Phone(phone) => ("", phone.as_str()),
    };
    let id = new_id();
    let now = state.clock.timestamp();
    let user = NewUser {
        id: &id,
        app_id,
        email,
        phone,
        external_id: "",
        status: UserStatus::Pending,
        email_verified: false,
        phone_verified: false,
        user_metadata: metadata,
        login_count: 0,
        last_login_at: Timestamp::NEVER,
        created_at: now,
    };
    state
        .store
        .insert_user(&user)
        .await
        .map_err(|error| match error {
            WriteError::Conflict(_) => ApiError::invalid_request("user: already exists."),
            WriteError::Database(error) => ApiError::internal(error),
        })?;
    // As written: reading it back would cost a query on every registration.
    Ok(User {
        id,
        app_id: app_id.to_owned(),
        email: email.to_owned(),
        phone: phone.to_owned(),
        external_id: String::new(),
        status: UserStatus::Pending,
        email_verified: false,
        phone_verified: false,
        user_metadata: metadata.cloned(),
        login_count: 0,
        last_login_at: Timestamp::NEVER,
        created_at: now,
        updated_at: now,
    })
}

//! `/_emulator/inbox`: every email and SMS the emulator "sent", with the magic link or passcode
//! already extracted, for tests and people to read.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;

use super::Deleted;
use crate::domain::identifiers::Identifier;
use crate::domain::messages::{Channel, MessageKind};
use crate::domain::timestamp::Timestamp;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::ApiPath;
use crate::http::query::query_pairs;
use crate::http::sse;
use crate::store::{MessageFilter, StoredMessage};
use crate::ui::console;

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 500;

/// A captured message.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InboxMessage {
    pub id: String,
    pub app_id: String,
    pub channel: Channel,
    pub to: String,
    pub kind: MessageKind,
    pub language: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub magic_link: Option<String>,
    pub otp: Option<String>,
    pub created_at: Timestamp,
}

impl From<StoredMessage> for InboxMessage {
    fn from(message: StoredMessage) -> Self {
        Self {
            id: message.id,
            app_id: message.app_id,
            channel: message.channel,
            to: message.recipient,
            kind: message.kind,
            language: message.language,
            subject: message.subject,
            text: message.text,
            html: message.html,
            magic_link: message.magic_link,
            otp: message.otp,
            created_at: message.created_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InboxPage {
    pub messages: Vec<InboxMessage>,
    pub total: i64,
    pub page: i64,
    pub limit: i64,
}

/// The filters and paging of a query string. `to` is matched after normalising it as an
/// identifier, so `ADA@example.com` and `+1 415 555 2671` find what was sent.
fn filter_of(query: Option<&str>) -> ApiResult<(MessageFilter, i64, i64)> {
    let mut filter = MessageFilter::default();
    let (mut page, mut limit) = (1, DEFAULT_LIMIT);
    for (name, value) in query_pairs(query) {
        let number = || {
            value.parse::<i64>().map_err(|_| {
                ApiError::invalid_request(format!("{name}: `{value}` is not an integer"))
            })
        };
        match name.as_str() {
            "to" => {
                filter.recipient = Some(match Identifier::parse(&value) {
                    Ok(Identifier::Email(email)) => email,
                    Ok(Identifier::Phone(phone)) => phone,
                    Err(_) => value.trim().to_lowercase(),
                });
            }
            "channel" => {
                filter.channel = Some(Channel::parse(&value).ok_or_else(|| {
                    ApiError::invalid_request(format!("channel: `{value}` is not email or sms"))
                })?);
            }
            "kind" => {
                filter.kind = Some(MessageKind::parse(&value).ok_or_else(|| {
                    ApiError::invalid_request(format!("kind: `{value}` is not a message kind"))
                })?);
            }
            "app_id" => filter.app_id = Some(value),
            "page" => page = number()?,
            "limit" => limit = number()?,
            _ => {}
        }
    }
    if page < 1 || !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid_request(format!(
            "page must be 1 or more and limit between 1 and {MAX_LIMIT}"
        )));
    }
    Ok((filter, page, limit))
}

/// The inbox's filters as the OpenAPI document states them (`filter_of` reads the raw query
/// itself, to normalise `to` as the sender did).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct InboxFilter {
    /// A recipient: an email address or a phone number, in any form the sender accepted.
    to: Option<String>,
    /// `email` or `sms`.
    channel: Option<String>,
    /// A message kind, e.g. `magic_link`, `one_time_passcode`.
    kind: Option<String>,
    app_id: Option<String>,
}

/// The inbox list's paging.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct InboxPaging {
    /// 1 or more.
    #[param(minimum = 1)]
    page: Option<i64>,
    /// Between 1 and 500.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// `latest`'s long poll.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct InboxWait {
    /// How long to wait for a message, e.g. `5s` or `500ms` (at most 60 s).
    wait: Option<String>,
    /// A message id: only a newer message answers.
    after: Option<String>,
}

fn not_found() -> ApiError {
    ApiError::not_found(ErrorCode::MessageNotFound, "Message not found.")
}

/// Newest first, filtered by `to`, `channel`, `kind`, `app_id`; paged by `page` and `limit`.
#[utoipa::path(
    get,
    path = "/inbox",
    tag = "emulator",
    params(InboxFilter, InboxPaging),
    responses((status = 200, description = "Messages, newest first.", body = InboxPage)),
)]
pub async fn list_messages(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<InboxPage>> {
    let (filter, page, limit) = filter_of(query.as_deref())?;
    let offset = (page - 1)
        .checked_mul(limit)
        .ok_or_else(|| ApiError::invalid_request(format!("page: `{page}` is too large")))?;
    let (messages, total) = state.store.list_messages(&filter, limit, offset).await?;
    Ok(Json(InboxPage {
        messages: messages.into_iter().map(InboxMessage::from).collect(),
        total,
        page,
        limit,
    }))
}

/// Longest `wait` a long poll may ask for.
const MAX_WAIT: Duration = Duration::from_secs(60);

/// `wait=5s`, `wait=500ms` or `wait=5` (seconds), at most a minute.
fn parse_wait(text: &str) -> ApiResult<Duration> {
    let invalid = || ApiError::invalid_request(format!("wait: `{text}` is not like 5s or 500ms"));
    let wait = if let Some(millis) = text.strip_suffix("ms") {
        Duration::from_millis(millis.parse().map_err(|_| invalid())?)
    } else {
        let seconds: f64 = text
            .strip_suffix('s')
            .unwrap_or(text)
            .parse()
            .map_err(|_| invalid())?;
        Duration::try_from_secs_f64(seconds).map_err(|_| invalid())?
    };
    Ok(wait.min(MAX_WAIT))
}

/// The newest message matching the filters (usually `to`); 404 when there is none.
///
/// `after=<message id>` asks for one newer than that message; `wait=5s` holds the request while
/// there is none, answering the moment one arrives (404 when the wait ends).
#[utoipa::path(
    get,
    path = "/inbox/latest",
    tag = "emulator",
    params(InboxFilter, InboxWait),
    responses(
        (status = 200, description = "The newest matching message.", body = InboxMessage),
        crate::openapi::NotFound,
    ),
)]
pub async fn latest_message(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<InboxMessage>> {
    let (filter, _, _) = filter_of(query.as_deref())?;
    let mut wait = Duration::ZERO;
    let mut after_seq = 0;
    for (name, value) in query_pairs(query.as_deref()) {
        match name.as_str() {
            "wait" => wait = parse_wait(&value)?,
            "after" => {
                let message = state.store.message(&value).await?.ok_or_else(|| {
                    ApiError::invalid_request(format!("after: no message `{value}` in the inbox"))
                })?;
                after_seq = message.seq;
            }
            _ => {}
        }
    }
    // Subscribe before looking, so a message arriving in between is not missed.
    let mut arrivals = state.store.subscribe_messages();
    if let Some(found) = state.store.latest_message(&filter, after_seq).await? {
        return Ok(Json(InboxMessage::from(found)));
    }
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let arrival = tokio::select! {
            arrival = tokio::time::timeout_at(deadline, arrivals.recv()) => arrival,
            () = state.stopping() => return Err(not_found()),
        };
        match arrival {
            Err(_) | Ok(Err(RecvError::Closed)) => return Err(not_found()),
            Ok(Ok(message)) if message.seq > after_seq && filter.matches(&message) => {
                return Ok(Json(InboxMessage::from(message)));
            }
            Ok(Ok(_)) => {}
            Ok(Err(RecvError::Lagged(_))) => {
                if let Some(found) = state.store.latest_message(&filter, after_seq).await? {
                    return Ok(Json(InboxMessage::from(found)));
                }
            }
        }
    }
}

/// `/_emulator/inbox/stream`: Server-Sent Events, one `message` event per new message matching
/// the filters, until the client or the server goes away.
#[utoipa::path(
    get,
    path = "/inbox/stream",
    tag = "emulator",
    params(InboxFilter),
    responses(
        (status = 200, description = "Server-Sent Events: one `message` event per new message.", body = String, content_type = "text/event-stream"),
    ),
)]
pub async fn stream_messages(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let (filter, _, _) = filter_of(query.as_deref())?;
    let arrivals = state.store.subscribe_messages();
    Ok(sse::events(&state, arrivals, move |message| {
        filter.matches(message).then(|| {
            sse::json_event(
                "message",
                message.id.clone(),
                InboxMessage::from(message.clone()),
            )
        })
    }))
}

#[utoipa::path(
    get,
    path = "/inbox/{message_id}",
    tag = "emulator",
    responses(
        (status = 200, description = "One message.", body = InboxMessage),
        crate::openapi::NotFound,
    ),
)]
pub async fn get_message(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<InboxMessage>> {
    let message = state.store.message(&id).await?.ok_or_else(not_found)?;
    Ok(Json(InboxMessage::from(message)))
}

/// `/_emulator/inbox/{id}/html`: the message's HTML as a page of its own, for the console's
/// sandboxed frame. Its content policy is a sandbox too, so captured HTML never runs script
/// or reaches the network, even when opened directly.
#[utoipa::path(
    get,
    path = "/inbox/{message_id}/html",
    tag = "emulator",
    responses(
        (status = 200, description = "The message's HTML, under a sandbox CSP.", body = String, content_type = "text/html"),
        crate::openapi::NotFound,
    ),
)]
pub async fn message_html(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Response> {
    let message = state.store.message(&id).await?.ok_or_else(not_found)?;
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (
            header::CONTENT_SECURITY_POLICY,
            console::MESSAGE_CONTENT_SECURITY_POLICY,
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    Ok((headers, message.html).into_response())
}

/// Deletes every message matching the filters (all of them without filters).
#[utoipa::path(
    delete,
    path = "/inbox",
    tag = "emulator",
    params(InboxFilter),
    responses((status = 200, description = "How many messages were deleted.", body = Deleted)),
)]
pub async fn delete_messages(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<Deleted>> {
    let (filter, _, _) = filter_of(query.as_deref())?;
    let deleted = state.store.delete_messages(&filter).await?;
    Ok(Json(Deleted { deleted }))
}

#[utoipa::path(
    delete,
    path = "/inbox/{message_id}",
    tag = "emulator",
    responses(
        (status = 200, description = "The message was deleted.", body = Deleted),
        crate::openapi::NotFound,
    ),
)]
pub async fn delete_message(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Deleted>> {
    if state.store.delete_message(&id).await? {
        Ok(Json(Deleted { deleted: 1 }))
    } else {
        Err(not_found())
    }
}

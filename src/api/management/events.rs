//! Passage: `list-paginated-events` and `get-event` (the 2023 Management specification), the
//! sign-in and registration events ceremonies record (domain::events).
//!
//! Filters: `id`, `identifier`, `user_id`, `type`, `ip_addr`, `user_agent` (text, every
//! operator) and `created_at` (a timestamp; `ne:`, `gt:`, `lt:`); `order_by` takes the same
//! fields. Paging as the user list.

use axum::Extension;
use axum::Json;
use axum::extract::{RawQuery, State};
use serde::Serialize;

use super::paging::{ListRequest, operator, parse_order};
use crate::domain::events::UserEvent;
use crate::domain::timestamp::Timestamp;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::extract::{ApiPath, ManagementAuth};
use crate::http::query::query_pairs;
use crate::http::{AppState, PublicPrefix};
use crate::store::{Comparison, EventField, EventFilter, EventListQuery, FilterValue};

/// Passage: `EventInfo`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventInfo {
    pub created_at: Timestamp,
    /// Emulator: what `UserRecentEvent` adds (`action`, `status`, `completed_at`,
    /// `user_agent_display`, `social_login_type`); Passage's `data` is not documented.
    #[schema(value_type = Object)]
    pub data: EventData,
    pub id: String,
    pub identifier: String,
    pub ip_addr: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub user_agent: String,
    pub user_id: String,
}

/// The rest of an event, in `EventInfo.data`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventData {
    pub action: String,
    pub status: String,
    pub completed_at: Option<Timestamp>,
    pub user_agent_display: String,
    pub social_login_type: Option<String>,
}

impl From<UserEvent> for EventInfo {
    fn from(event: UserEvent) -> Self {
        Self {
            data: EventData {
                action: event.action.as_str().to_owned(),
                status: event.status().to_owned(),
                completed_at: event.completed_at,
                user_agent_display: event.user_agent_display(),
                social_login_type: event.social_login_type.map(|p| p.as_str().to_owned()),
            },
            created_at: event.created_at,
            id: event.id,
            identifier: event.identifier,
            ip_addr: event.client.ip_addr,
            event_type: event.event_type,
            user_agent: event.client.user_agent,
            user_id: event.user_id,
        }
    }
}

/// Passage: `EventResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventResponse {
    pub event: EventInfo,
}

/// Passage: `ListPaginatedEventsResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListPaginatedEventsResponse {
    #[serde(rename = "_links")]
    pub links: super::models::PaginatedLinks,
    pub created_before: i64,
    pub events: Vec<EventInfo>,
    pub limit: i64,
    pub page: i64,
    pub total_events: i64,
}

fn field(name: &str) -> Option<EventField> {
    EventField::ALL
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, field)| *field)
}

fn parse_filter(name: &str, field: EventField, raw: &str) -> ApiResult<EventFilter> {
    let (comparison, value) = operator(raw);
    let value = match field {
        EventField::CreatedAt if matches!(comparison, Comparison::Like | Comparison::NotLike) => {
            return Err(ApiError::invalid_request(format!(
                "{name}: the like: and not_like: operators apply only to text fields"
            )));
        }
        EventField::CreatedAt => {
            FilterValue::Time(Timestamp::parse_rfc3339(value).ok_or_else(|| {
                ApiError::invalid_request(format!(
                    "{name}: `{value}` is not a timestamp like 2006-01-02T15:04:05.000000Z"
                ))
            })?)
        }
        _ => FilterValue::Text(value.to_owned()),
    };
    Ok(EventFilter {
        field,
        comparison,
        value,
    })
}

/// The query `list_paginated_events` reads, as the OpenAPI document states it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListEventsParams {
    /// 1 or more.
    #[param(minimum = 1)]
    page: Option<i64>,
    /// Between 1 and 500.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
    /// Unix seconds: the anchor the pages are counted from.
    created_before: Option<i64>,
    /// `field:ASC` or `field:DESC`, comma-separated.
    order_by: Option<String>,
    id: Option<String>,
    identifier: Option<String>,
    user_id: Option<String>,
    /// `webauthn.login.completed`, `magic_link.completed`, ...
    r#type: Option<String>,
    ip_addr: Option<String>,
    user_agent: Option<String>,
    created_at: Option<String>,
}

/// Passage: `list-paginated-events`: newest first unless ordered otherwise.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/events",
    tag = "management",
    params(ListEventsParams),
    responses(
        (status = 200, description = "One page of events.", body = ListPaginatedEventsResponse),
    ),
)]
pub async fn list_paginated_events(
    State(state): State<AppState>,
    auth: ManagementAuth,
    prefix: Option<Extension<PublicPrefix>>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListPaginatedEventsResponse>> {
    let pairs = query_pairs(raw.as_deref());
    let fields = "id, identifier, user_id, type, ip_addr, user_agent, created_at";
    let mut request = ListRequest::read(
        &pairs,
        state.clock.timestamp().unix_seconds(),
        |value| parse_order(value, field, fields),
        |name, value| Some(parse_filter(name, field(name)?, value)),
    )?;
    let query = EventListQuery {
        filters: std::mem::take(&mut request.filters),
        order: std::mem::take(&mut request.order),
        created_before: Timestamp::from_unix_seconds(request.created_before),
        page: request.page,
        limit: request.limit,
    };
    let (events, total) = state.store.list_events(&auth.app_id, &query).await?;
    let prefix = prefix.map_or("/api/v1", |Extension(PublicPrefix(prefix))| prefix);
    let links = request.links(&format!("{prefix}/apps/{}/events", auth.app_id), total);
    Ok(Json(ListPaginatedEventsResponse {
        links,
        created_before: request.created_before,
        events: events.into_iter().map(EventInfo::from).collect(),
        limit: request.limit,
        page: request.page,
        total_events: total,
    }))
}

/// Passage: `get-event`.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/events/{event_id}",
    tag = "management",
    responses(
        (status = 200, description = "The event.", body = EventResponse),
        crate::openapi::NotFound,
    ),
)]
pub async fn get_event(
    State(state): State<AppState>,
    auth: ManagementAuth,
    ApiPath((_app_id, event_id)): ApiPath<(String, String)>,
) -> ApiResult<Json<EventResponse>> {
    let event = state
        .store
        .event(&auth.app_id, &event_id)
        .await?
        .ok_or_else(|| ApiError::not_found(ErrorCode::EventNotFound, "No such event."))?;
    Ok(Json(EventResponse {
        event: event.into(),
    }))
}

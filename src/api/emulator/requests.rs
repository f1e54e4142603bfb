//! `/_emulator/requests`: the request journal (see [`crate::journal`]): list with filters, one
//! entry, clear, and a live event stream.

use std::convert::Infallible;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::sse::{Event, Sse};
use futures_util::Stream;
use serde::Serialize;

use super::Deleted;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::ApiPath;
use crate::http::query::query_pairs;
use crate::http::sse;
use crate::journal::{Api, Filter, JournalEntry, StatusFilter, id_of};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestList {
    pub requests: Vec<JournalEntry>,
}

/// The journal's filters as the OpenAPI document states them (`filter_of` reads them).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct RequestFilter {
    app_id: Option<String>,
    /// `management`, `auth` or `emulator`.
    api: Option<String>,
    method: Option<String>,
    /// A status (`401`) or a class (`4xx`).
    status: Option<String>,
    /// A path glob.
    path: Option<String>,
    /// 1 or more.
    #[param(minimum = 1)]
    limit: Option<u64>,
}

/// The filters of a query string; a value that cannot be one is a 400 naming the parameter.
fn filter_of(query: Option<&str>) -> ApiResult<Filter> {
    let mut filter = Filter::default();
    for (name, value) in query_pairs(query) {
        match name.as_str() {
            "app_id" => filter.app_id = Some(value),
            "api" => {
                filter.api = Some(Api::parse(&value).ok_or_else(|| {
                    ApiError::invalid_request(format!(
                        "api: `{value}` is not management, auth or emulator"
                    ))
                })?);
            }
            "method" => filter.method = Some(value.to_ascii_uppercase()),
            "status" => {
                filter.status = Some(StatusFilter::parse(&value).ok_or_else(|| {
                    ApiError::invalid_request(format!(
                        "status: `{value}` is not a status (401) or a class (4xx)"
                    ))
                })?);
            }
            "path" => filter.path = Some(value),
            "limit" => {
                filter.limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|limit| *limit >= 1)
                    .ok_or_else(|| {
                        ApiError::invalid_request(format!(
                            "limit: `{value}` is not a number of 1 or more"
                        ))
                    })?;
            }
            _ => {}
        }
    }
    Ok(filter)
}

/// Newest first.
#[utoipa::path(
    get,
    path = "/requests",
    tag = "emulator",
    params(RequestFilter),
    responses((status = 200, description = "Journaled calls, newest first.", body = RequestList)),
)]
pub async fn list_requests(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<RequestList>> {
    let filter = filter_of(query.as_deref())?;
    let requests = state.journal.list(&filter);
    Ok(Json(RequestList {
        requests: requests.iter().map(|entry| entry.to_dto()).collect(),
    }))
}

#[utoipa::path(
    get,
    path = "/requests/{request_id}",
    tag = "emulator",
    responses(
        (status = 200, description = "One journaled call with its bodies.", body = JournalEntry),
        crate::openapi::NotFound,
    ),
)]
pub async fn get_request(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<JournalEntry>> {
    let entry = state.journal.get(&id).ok_or_else(|| {
        ApiError::not_found(
            ErrorCode::RequestNotFound,
            format!("No request {id} in the journal."),
        )
    })?;
    Ok(Json(entry.to_dto()))
}

#[utoipa::path(
    delete,
    path = "/requests",
    tag = "emulator",
    responses((status = 200, description = "How many entries were removed.", body = Deleted)),
)]
pub async fn clear_requests(State(state): State<AppState>) -> Json<Deleted> {
    Json(Deleted {
        deleted: state.journal.clear() as u64,
    })
}

/// Server-Sent Events: one `request` event per journaled exchange as it completes, filtered
/// like the listing; ends when the server stops.
#[utoipa::path(
    get,
    path = "/requests/stream",
    tag = "emulator",
    params(RequestFilter),
    responses(
        (status = 200, description = "Server-Sent Events: one `request` event per journaled call.", body = String, content_type = "text/event-stream"),
    ),
)]
pub async fn stream_requests(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let filter = filter_of(query.as_deref())?;
    let arrivals = state.journal.subscribe();
    Ok(sse::events(&state, arrivals, move |entry| {
        filter
            .keeps(entry)
            .then(|| sse::json_event("request", id_of(entry.seq), entry.to_dto()))
    }))
}

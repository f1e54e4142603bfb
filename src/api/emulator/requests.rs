//! `/_emulator/requests`: the request journal (see [`crate::journal`]): list with filters, one
//! entry, clear, and a live event stream.

use std::convert::Infallible;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt, stream};
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::ApiPath;
use crate::http::query::query_pairs;
use crate::journal::{Api, Filter, JournalEntry, StatusFilter};

#[derive(Debug, Serialize)]
pub struct RequestList {
    pub requests: Vec<JournalEntry>,
}

#[derive(Debug, Serialize)]
pub struct Cleared {
    pub deleted: usize,
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

pub async fn clear_requests(State(state): State<AppState>) -> Json<Cleared> {
    Json(Cleared {
        deleted: state.journal.clear(),
    })
}

/// Server-Sent Events: one `request` event per journaled exchange as it completes, filtered
/// like the listing; ends when the server stops.
pub async fn stream_requests(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let filter = filter_of(query.as_deref())?;
    let arrivals = state.journal.subscribe();
    let events = stream::unfold((arrivals, filter), |(mut arrivals, filter)| async move {
        loop {
            match arrivals.recv().await {
                Ok(entry) if filter.keeps(&entry) => {
                    let event = Event::default()
                        .event("request")
                        .id(crate::journal::id_of(entry.seq))
                        .json_data(entry.to_dto())
                        .unwrap_or_else(|_| Event::default().comment("unserialisable entry"));
                    return Some((Ok(event), (arrivals, filter)));
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return None,
            }
        }
    });
    let until_shutdown = async move { state.stopping().await };
    Ok(Sse::new(events.take_until(until_shutdown)).keep_alive(KeepAlive::default()))
}

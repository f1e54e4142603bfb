//! `/_emulator/clock`: read, move and restore the emulator's time, so tests can expire links,
//! codes and tokens without sleeping.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use time::Duration;

use crate::domain::timestamp::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::http::extract::ApiJson;

#[derive(Debug, Serialize)]
pub struct ClockResponse {
    /// The emulator's current time.
    pub now: Timestamp,
    /// Seconds between the emulator's time and the system clock.
    pub offset_seconds: i64,
}

/// Exactly one of the two members.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetClockRequest {
    #[serde(default)]
    pub advance_seconds: Option<i64>,
    #[serde(default)]
    pub now: Option<Timestamp>,
}

fn response(state: &AppState) -> Json<ClockResponse> {
    Json(ClockResponse {
        now: state.clock.timestamp(),
        offset_seconds: state.clock.offset().whole_seconds(),
    })
}

pub async fn get_clock(State(state): State<AppState>) -> Json<ClockResponse> {
    response(&state)
}

/// `{"advance_seconds": N}` moves time by N seconds; `{"now": "2030-01-01T00:00:00Z"}` sets it.
pub async fn set_clock(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SetClockRequest>,
) -> ApiResult<Json<ClockResponse>> {
    match (request.advance_seconds, request.now) {
        (Some(seconds), None) => state.clock.advance(Duration::seconds(seconds)),
        (None, Some(at)) => state.clock.set(at.datetime()),
        _ => {
            return Err(ApiError::invalid_request(
                "Send exactly one of {\"advance_seconds\": N} and {\"now\": \"<RFC 3339>\"}.",
            ));
        }
    }
    Ok(response(&state))
}

/// Back to the system clock.
pub async fn reset_clock(State(state): State<AppState>) -> Json<ClockResponse> {
    state.clock.reset();
    response(&state)
}

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

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClockResponse {
    /// The emulator's current time.
    pub now: Timestamp,
    /// Seconds between the emulator's time and the system clock.
    pub offset_seconds: i64,
}

/// Exactly one of the two members.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
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

#[utoipa::path(
    get,
    path = "/clock",
    tag = "emulator",
    responses((status = 200, description = "The emulator's time.", body = ClockResponse)),
)]
pub async fn get_clock(State(state): State<AppState>) -> Json<ClockResponse> {
    response(&state)
}

/// `{"advance_seconds": N}` moves time by N seconds; `{"now": "2030-01-01T00:00:00Z"}` sets it.
#[utoipa::path(
    post,
    path = "/clock",
    tag = "emulator",
    request_body = SetClockRequest,
    responses((status = 200, description = "The clock moved.", body = ClockResponse)),
)]
pub async fn set_clock(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SetClockRequest>,
) -> ApiResult<Json<ClockResponse>> {
    let offset = state.clock.offset().whole_seconds();
    match (request.advance_seconds, request.now) {
        (Some(seconds), None) => {
            within_reach(offset.checked_add(seconds))?;
            state.clock.advance(Duration::seconds(seconds));
        }
        (None, Some(at)) => {
            let system = time::OffsetDateTime::now_utc().unix_timestamp();
            within_reach(at.unix_seconds().checked_sub(system))?;
            state.clock.set(at.datetime());
        }
        _ => {
            return Err(ApiError::invalid_request(
                "Send exactly one of {\"advance_seconds\": N} and {\"now\": \"<RFC 3339>\"}.",
            ));
        }
    }
    // What the new time has expired goes now, not at the next periodic sweep.
    state.sweep().await?;
    Ok(response(&state))
}

/// Emulator: how far the clock may be moved from the system clock, either way. A hundred
/// years covers every expiry a test needs and keeps every time the emulator writes a valid
/// date (i64::MIN seconds once read back as 9999-12-31).
const MAX_OFFSET_SECONDS: i64 = 100 * 366 * 24 * 60 * 60;

/// A 400 unless the clock's new distance from the system clock is within a hundred years.
fn within_reach(offset: Option<i64>) -> ApiResult<()> {
    match offset {
        Some(offset) if offset.unsigned_abs() <= MAX_OFFSET_SECONDS.unsigned_abs() => Ok(()),
        _ => Err(ApiError::invalid_request(format!(
            "The clock may be at most {MAX_OFFSET_SECONDS} seconds (a hundred years) from the \
             system clock."
        ))),
    }
}

/// Back to the system clock.
#[utoipa::path(
    delete,
    path = "/clock",
    tag = "emulator",
    responses(
        (status = 200, description = "The clock follows the system clock again.", body = ClockResponse),
    ),
)]
pub async fn reset_clock(State(state): State<AppState>) -> Json<ClockResponse> {
    state.clock.reset();
    response(&state)
}

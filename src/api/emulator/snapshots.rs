//! `/_emulator/snapshots`: save the emulator's whole state under a name and put it back, for
//! test isolation cheaper than reset-and-reseed: seed once, snapshot, restore before each test.
//!
//! A snapshot holds every table (apps, keys, users, devices, tokens, passcodes, links, inbox,
//! virtual authenticators, events) and the clock's offset; the request journal and injected
//! faults are test tooling, not state, and stay as they are. Snapshots survive reset, and a
//! file database keeps them across restarts.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::Deleted;
use crate::domain::timestamp::Timestamp;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath};
use crate::store::SnapshotRecord;

/// Snapshots kept at most: each is a copy of the database.
pub const MAX_SNAPSHOTS: usize = 64;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSnapshotRequest {
    /// 1 to 64 letters, digits, `.`, `_` or `-`; a snapshot of that name is replaced.
    #[schema(pattern = "^[A-Za-z0-9._-]{1,64}$")]
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Snapshot {
    pub name: String,
    /// The emulator's time when it was taken.
    pub created_at: Timestamp,
    /// Users (of every app) it holds.
    pub users: i64,
    /// The clock's offset from the system clock then; a restore puts it back.
    pub clock_offset_seconds: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SnapshotResponse {
    pub snapshot: Snapshot,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SnapshotList {
    pub snapshots: Vec<Snapshot>,
}

impl From<SnapshotRecord> for Snapshot {
    fn from(record: SnapshotRecord) -> Self {
        Self {
            name: record.name,
            created_at: record.created_at,
            users: record.users,
            clock_offset_seconds: record.clock_offset_micros.div_euclid(1_000_000),
        }
    }
}

fn check_name(name: &str) -> ApiResult<()> {
    let valid = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"._-".contains(&byte));
    if valid {
        Ok(())
    } else {
        Err(ApiError::invalid_request(format!(
            "name: `{name}` is not a snapshot name (1 to 64 letters, digits, `.`, `_` or `-`)."
        )))
    }
}

fn not_found(name: &str) -> ApiError {
    ApiError::not_found(
        ErrorCode::SnapshotNotFound,
        format!("No snapshot named `{name}`."),
    )
}

/// 201 with the snapshot; a snapshot of the same name is replaced.
#[utoipa::path(
    post,
    path = "/snapshots",
    tag = "emulator",
    request_body = NewSnapshotRequest,
    responses(
        (status = 201, description = "The state as it is now, saved under the name.", body = SnapshotResponse),
        crate::openapi::BadRequest,
    ),
)]
pub async fn create_snapshot(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<NewSnapshotRequest>,
) -> ApiResult<(StatusCode, Json<SnapshotResponse>)> {
    check_name(&request.name)?;
    let existing = state.store.list_snapshots().await?;
    if existing.len() >= MAX_SNAPSHOTS && !existing.iter().any(|s| s.name == request.name) {
        return Err(ApiError::invalid_request(format!(
            "There are {MAX_SNAPSHOTS} snapshots already: delete one first."
        )));
    }
    let offset = state.clock.offset();
    let offset_micros = i64::try_from(offset.whole_microseconds()).unwrap_or(i64::MAX);
    let record = state
        .store
        .create_snapshot(&request.name, state.clock.timestamp(), offset_micros)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(SnapshotResponse {
            snapshot: record.into(),
        }),
    ))
}

#[utoipa::path(
    get,
    path = "/snapshots",
    tag = "emulator",
    responses((status = 200, description = "Every snapshot, oldest first.", body = SnapshotList)),
)]
pub async fn list_snapshots(State(state): State<AppState>) -> ApiResult<Json<SnapshotList>> {
    let snapshots = state.store.list_snapshots().await?;
    Ok(Json(SnapshotList {
        snapshots: snapshots.into_iter().map(Snapshot::from).collect(),
    }))
}

/// Puts back every table and the clock's offset as they were when the snapshot was taken.
#[utoipa::path(
    post,
    path = "/snapshots/{name}/restore",
    tag = "emulator",
    responses(
        (status = 200, description = "The state is the snapshot's again.", body = SnapshotResponse),
        crate::openapi::NotFound,
    ),
)]
pub async fn restore_snapshot(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<SnapshotResponse>> {
    let record = state
        .store
        .restore_snapshot(&name)
        .await?
        .ok_or_else(|| not_found(&name))?;
    state
        .clock
        .set_offset(time::Duration::microseconds(record.clock_offset_micros));
    crate::domain::jwt_provider::forget_parsed_keys();
    Ok(Json(SnapshotResponse {
        snapshot: record.into(),
    }))
}

#[utoipa::path(
    delete,
    path = "/snapshots/{name}",
    tag = "emulator",
    responses(
        (status = 200, description = "The snapshot was deleted.", body = Deleted),
        crate::openapi::NotFound,
    ),
)]
pub async fn delete_snapshot(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<Deleted>> {
    if state.store.delete_snapshot(&name).await? {
        Ok(Json(Deleted { deleted: 1 }))
    } else {
        Err(not_found(&name))
    }
}

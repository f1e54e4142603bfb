//! `/_emulator/faults`: make matching Passage API calls fail on purpose (see [`crate::faults`]).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use super::Deleted;
use crate::domain::ids::new_id;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::faults::{Fault, NewFault};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FaultResponse {
    pub fault: Fault,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FaultList {
    pub faults: Vec<Fault>,
}

/// 201 with the fault as stored, `remaining` included.
#[utoipa::path(
    post,
    path = "/faults",
    tag = "emulator",
    request_body = NewFault,
    responses((status = 201, description = "The fault, active from now.", body = FaultResponse)),
)]
pub async fn add_fault(
    State(state): State<AppState>,
    ApiJson(new): ApiJson<NewFault>,
) -> ApiResult<(StatusCode, Json<FaultResponse>)> {
    let fault = new
        .validate(new_id())
        .and_then(|fault| state.faults.add(fault))
        .map_err(ApiError::invalid_request)?;
    Ok((StatusCode::CREATED, Json(FaultResponse { fault })))
}

#[utoipa::path(
    get,
    path = "/faults",
    tag = "emulator",
    responses((status = 200, description = "Active faults.", body = FaultList)),
)]
pub async fn list_faults(State(state): State<AppState>) -> Json<FaultList> {
    Json(FaultList {
        faults: state.faults.list(),
    })
}

#[utoipa::path(
    delete,
    path = "/faults/{fault_id}",
    tag = "emulator",
    responses(
        (status = 200, description = "The fault was removed.", body = Deleted),
        crate::openapi::NotFound,
    ),
)]
pub async fn remove_fault(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Deleted>> {
    if state.faults.remove(&id) {
        Ok(Json(Deleted { deleted: 1 }))
    } else {
        Err(ApiError::not_found(
            ErrorCode::FaultNotFound,
            format!("No fault {id}."),
        ))
    }
}

#[utoipa::path(
    delete,
    path = "/faults",
    tag = "emulator",
    responses((status = 200, description = "How many faults were removed.", body = Deleted)),
)]
pub async fn clear_faults(State(state): State<AppState>) -> Json<Deleted> {
    Json(Deleted {
        deleted: state.faults.clear() as u64,
    })
}

//! `/_emulator/faults`: make matching Passage API calls fail on purpose (see [`crate::faults`]).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::domain::ids::new_id;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::faults::{Fault, NewFault};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath};

#[derive(Debug, Serialize)]
pub struct FaultResponse {
    pub fault: Fault,
}

#[derive(Debug, Serialize)]
pub struct FaultList {
    pub faults: Vec<Fault>,
}

#[derive(Debug, Serialize)]
pub struct Removed {
    pub deleted: usize,
}

/// 201 with the fault as stored, `remaining` included.
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

pub async fn list_faults(State(state): State<AppState>) -> Json<FaultList> {
    Json(FaultList {
        faults: state.faults.list(),
    })
}

pub async fn remove_fault(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Removed>> {
    if state.faults.remove(&id) {
        Ok(Json(Removed { deleted: 1 }))
    } else {
        Err(ApiError::not_found(
            ErrorCode::FaultNotFound,
            format!("No fault {id}."),
        ))
    }
}

pub async fn clear_faults(State(state): State<AppState>) -> Json<Removed> {
    Json(Removed {
        deleted: state.faults.clear(),
    })
}

//! `GET /_emulator/ca.pem`: the local CA certificate that signs the emulator's TLS
//! certificates (`--tls-listen`, `--proxy-listen`), for clients to trust.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::error::{ApiError, ApiResult};
use crate::http::AppState;

/// The CA certificate, PEM; made in `--data-dir` if there is none yet.
#[utoipa::path(
    get,
    path = "/ca.pem",
    tag = "emulator",
    responses(
        (status = 200, description = "The local CA's certificate (PEM).", body = String, content_type = "application/x-pem-file"),
    ),
)]
pub async fn ca_pem(State(state): State<AppState>) -> ApiResult<impl IntoResponse> {
    let ca = state.ca.get().map_err(ApiError::internal)?;
    Ok((
        [(header::CONTENT_TYPE, "application/x-pem-file")],
        ca.cert_pem().to_owned(),
    ))
}

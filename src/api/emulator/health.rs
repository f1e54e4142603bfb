//! `GET /_emulator/health`: the liveness check of scripts and the Docker HEALTHCHECK.

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    status: &'static str,
}

/// 200 `{"status":"ok"}` once the server accepts requests; used by scripts and HEALTHCHECK.
#[utoipa::path(
    get,
    path = "/health",
    tag = "emulator",
    responses((status = 200, description = "The server accepts requests.", body = Health)),
)]
pub async fn health() -> axum::Json<Health> {
    axum::Json(Health { status: "ok" })
}

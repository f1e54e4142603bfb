//! The emulator's own API under `/_emulator`: health, fixtures.

mod fixtures;

use axum::Router;
use axum::routing::{get, post};

use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/fixtures", post(fixtures::load_fixtures))
}

#[derive(serde::Serialize)]
struct Health {
    status: &'static str,
}

/// 200 `{"status":"ok"}` once the server accepts requests; used by scripts and HEALTHCHECK.
async fn health() -> axum::Json<Health> {
    axum::Json(Health { status: "ok" })
}

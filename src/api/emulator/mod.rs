//! The emulator's own API under `/_emulator`: health, fixtures, clock, reset, key rotation.
//! Meant for tests and local tools: it takes no credentials.

mod clock;
mod fixtures;
mod keys;
mod reset;

use axum::Router;
use axum::routing::{get, post};

use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/fixtures", post(fixtures::load_fixtures))
        .route(
            "/clock",
            get(clock::get_clock)
                .post(clock::set_clock)
                .delete(clock::reset_clock),
        )
        .route("/reset", post(reset::reset))
        .route("/apps/{app_id}/keys/rotate", post(keys::rotate_key))
}

#[derive(serde::Serialize)]
struct Health {
    status: &'static str,
}

/// 200 `{"status":"ok"}` once the server accepts requests; used by scripts and HEALTHCHECK.
async fn health() -> axum::Json<Health> {
    axum::Json(Health { status: "ok" })
}

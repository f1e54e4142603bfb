//! The Auth API (Passage `https://auth.passage.id/v1`), served under `/auth/v1`.
//! No credentials, except the current-user endpoints (a user's auth token).

mod app;
pub mod models;
mod well_known;

use axum::Router;
use axum::routing::get;

use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/apps/{app_id}", get(app::get_app))
        .route(
            "/apps/{app_id}/.well-known/jwks.json",
            get(well_known::jwks),
        )
        .route(
            "/apps/{app_id}/.well-known/openid-configuration",
            get(well_known::openid_configuration),
        )
}

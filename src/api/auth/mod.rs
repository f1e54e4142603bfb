//! The Auth API (Passage `https://auth.passage.id/v1`), served under `/auth/v1`.
//!
//! Routed now so that the prefix and Host routing are in place; its endpoints arrive with the
//! sessions and passkeys work. Until then every path answers the Passage-shaped 404.

use axum::Router;

use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}

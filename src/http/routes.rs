//! The route table of the whole emulator, and routing by Host.
//!
//! Passage served its two APIs on two hosts, both under `/v1`, and both have a
//! `GET /v1/apps/{app_id}/users` with different meanings. The emulator gives each a prefix
//! (`/api/v1`, `/auth/v1`) on one origin, and a request whose Host is `api.passage.id` or
//! `auth.passage.id` (DNS aliases, a proxy) is routed as if it carried that prefix.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{Method, Uri, header};
use tower::Layer;
use tower::util::{MapRequest, MapRequestLayer};
use tower_http::cors::Cors;
use tower_http::trace::TraceLayer;

use super::state::AppState;
use crate::api;
use crate::error::ApiError;

/// Largest request body the Passage APIs accept. Passage's own limit is unknown; real requests
/// are a few KiB, so 256 KiB only stops mistakes.
const PASSAGE_BODY_LIMIT: usize = 256 * 1024;
/// Fixture uploads to the emulator API may be larger; also the most the journal buffers.
pub(super) const EMULATOR_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The external path prefix the request arrived under (`/api/v1`, or `/v1` when routed by
/// Host): used to build links the caller can follow.
#[derive(Debug, Clone)]
pub struct PublicPrefix(pub &'static str);

pub fn router(state: AppState) -> Router {
    Router::new()
        .nest(
            "/api/v1",
            api::management::routes().layer(DefaultBodyLimit::max(PASSAGE_BODY_LIMIT)),
        )
        .nest(
            "/auth/v1",
            api::auth::routes().layer(DefaultBodyLimit::max(PASSAGE_BODY_LIMIT)),
        )
        .nest(
            "/_emulator",
            api::emulator::routes().layer(DefaultBodyLimit::max(EMULATOR_BODY_LIMIT)),
        )
        .route("/", axum::routing::get(api::emulator::console::root))
        .fallback(unknown_route)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::exchange::exchange,
        ))
        // Failures are in the one line per call (http::exchange); TraceLayer stays for RUST_LOG=tower_http=debug.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span as fn(&Request) -> tracing::Span)
                .on_failure(()),
        )
        .with_state(state)
}

/// A debug-level span per request naming its method and matched route (never the query
/// string, which may hold secrets): `RUST_LOG=tower_http=debug,passage_emulator::http=debug`.
fn request_span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("(no route)", axum::extract::MatchedPath::as_str);
    tracing::debug_span!("request", method = %request.method(), route)
}

/// Emulator: Passage's per-status code lists have no generic "not found", so an unknown route
/// answers 404 `route_not_found` (the emulator's own code) with a message naming the method
/// and path. A wrong method on a known path is axum's 405 with `Allow`, shaped by
/// [`super::shapes`].
pub async fn unknown_route(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(
        crate::error::ErrorCode::RouteNotFound,
        format!(
            "No such route: {method} {}. The Management API is under /api/v1, the Auth API \
             under /auth/v1, the emulator's own API under /_emulator.",
            uri.path()
        ),
    )
}

/// The whole emulator as one service: Host routing first, then CORS (before routing, so that
/// preflights of any path are answered), then the route table.
pub fn service(state: AppState) -> MapRequest<Cors<Router>, fn(Request) -> Request> {
    let cors = super::cors::auth_api(state.store.clone(), state.cors_any_origin);
    let routed = cors.layer(router(state));
    MapRequestLayer::new(with_host_routing as fn(Request) -> Request).layer(routed)
}

/// Rewrites `/v1/...` to `/api/v1/...` or `/auth/v1/...` by Host, before routing.
pub fn with_host_routing(mut request: Request) -> Request {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .map(|host| host.split(':').next().unwrap_or(host).to_ascii_lowercase())
        .or_else(|| request.uri().host().map(str::to_ascii_lowercase));
    let prefix = match host.as_deref() {
        Some("api.passage.id") => "/api",
        Some("auth.passage.id") => "/auth",
        _ => return request,
    };
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    if !(path_and_query.starts_with("/v1/") || path_and_query == "/v1") {
        return request;
    }
    if let Ok(uri) = format!("{prefix}{path_and_query}").parse::<Uri>() {
        *request.uri_mut() = uri;
        request.extensions_mut().insert(PublicPrefix("/v1"));
    }
    request
}

//! The route table of the whole emulator: the three faces under their prefixes, the fallback,
//! the middleware, and the service Host routing and CORS wrap around it. It sits above `api`
//! (the handlers) and `http` (the plumbing) so that neither depends on the other.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{Method, Uri};
use tower::Layer;
use tower::util::{MapRequest, MapRequestLayer};
use tower_http::cors::Cors;
use tower_http::trace::TraceLayer;

use crate::api;
use crate::error::ApiError;
use crate::http::{self, AppState, EMULATOR_BODY_LIMIT};

/// Largest request body the Passage APIs accept. Passage's own limit is unknown; real requests
/// are a few KiB, so 256 KiB only stops mistakes.
const PASSAGE_BODY_LIMIT: usize = 256 * 1024;

pub fn router(state: AppState) -> Router {
    Router::new()
        .nest(
            "/api/v1",
            api::management::api_routes().layer(DefaultBodyLimit::max(PASSAGE_BODY_LIMIT)),
        )
        .nest(
            "/auth/v1",
            api::auth::api_routes().layer(DefaultBodyLimit::max(PASSAGE_BODY_LIMIT)),
        )
        .nest(
            "/_emulator",
            api::emulator::routes().layer(DefaultBodyLimit::max(EMULATOR_BODY_LIMIT)),
        )
        .route("/", axum::routing::get(api::emulator::console::root))
        .fallback(unknown_route)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::http::exchange,
        ))
        // Failures are in the one line per call (http::exchange); TraceLayer stays for RUST_LOG=tower_http=debug.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span as fn(&Request) -> tracing::Span)
                .on_failure(()),
        )
        .with_state(state)
}

/// The OpenAPI operations of the three faces under the prefixes `router` nests them at: the
/// same handler lists their routes come from (`api::face!`).
pub fn document() -> utoipa::openapi::OpenApi {
    utoipa::openapi::OpenApi::default()
        .nest("/api/v1", api::management::document())
        .nest("/auth/v1", api::auth::document())
        .nest("/_emulator", api::emulator::document())
}

/// A debug-level span per request naming its method and matched route (never the query
/// string, which may hold secrets): `RUST_LOG=tower_http=debug,passage_emulator::router=debug`.
fn request_span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("(no route)", axum::extract::MatchedPath::as_str);
    tracing::debug_span!("request", method = %request.method(), route)
}

/// Answers a path no route has: 404 `route_not_found` naming the method and path.
async fn unknown_route(method: Method, uri: Uri) -> ApiError {
    ApiError::no_route(&method, uri.path())
}

/// The whole emulator as one service: Host routing first, then CORS (before routing, so that
/// preflights of any path are answered), then the route table.
pub fn service(state: AppState) -> MapRequest<Cors<Router>, fn(Request) -> Request> {
    let cors = crate::http::cors_for_auth_api(state.store.clone(), state.cors_any_origin);
    let routed = cors.layer(router(state));
    MapRequestLayer::new(http::with_host_routing as fn(Request) -> Request).layer(routed)
}

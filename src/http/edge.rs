//! What stands between the route table and every handler, run by the exchange middleware
//! (one `from_fn` layer for all of it, because each layer costs a few per cent of
//! throughput): refusing requests this emulator must not serve ([`super::guard`], checked by
//! the exchange before anything else), answering a panic with a 500 ([`super::panics`]), and
//! giving every error Passage's JSON shape ([`super::shapes`]), so the journal and the log
//! see the answers as the client gets them.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

/// Runs the rest of the stack for `request`: a panic becomes a 500, and an error answer in
/// plain text (or none) becomes Passage-shaped JSON.
pub async fn run(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let uri = request.uri().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let response = super::panics::answered(&method, route.as_ref(), next.run(request)).await;
    if response.status().is_server_error() {
        let route = route.as_ref().map_or("(no route)", MatchedPath::as_str);
        tracing::error!(%method, route, status = response.status().as_u16(), "answered with a server error");
    }
    super::shapes::json_errors(&method, uri.path(), response).await
}

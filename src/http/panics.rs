//! A handler that panics must not close the connection without an answer: the panic is caught,
//! logged with the route it happened on, and answered 500 `internal_server_error` in Passage's
//! shape (and journaled like any other answer).
//!
//! tower-http's `CatchPanicLayer` catches, but its handler never sees the request, so it could
//! not say which route panicked; this is its few lines with the route in hand, run by the
//! edge middleware ([`super::edge`]).

use std::panic::AssertUnwindSafe;

use std::future::Future;

use axum::extract::MatchedPath;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;

use crate::error::ApiError;

/// Runs a request's answer, turning a panic in it into a 500 logged with `method` and `route`.
pub async fn answered(
    method: &Method,
    route: Option<&MatchedPath>,
    answer: impl Future<Output = Response>,
) -> Response {
    match AssertUnwindSafe(answer).catch_unwind().await {
        Ok(response) => response,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".to_owned());
            let route = route.map_or("(no route)", MatchedPath::as_str);
            ApiError::internal(format!("panic in {method} {route}: {message}")).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_panicking_handler_answers_500_in_passages_shape() {
        async fn boom() -> &'static str {
            panic!("boom")
        }
        let router = Router::new()
            .route("/boom/{id}", get(boom))
            .layer(axum::middleware::from_fn(
                |request: axum::extract::Request, next: axum::middleware::Next| async move {
                    let method = request.method().clone();
                    super::answered(&method, None, next.run(request)).await
                },
            ));
        let response = router
            .oneshot(Request::get("/boom/7").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(
            &body[..],
            br#"{"code":"internal_server_error","error":"Internal server error."}"#
        );
    }
}

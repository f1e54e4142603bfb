//! Every error the emulator answers is JSON in Passage's shape, `{"code", "error"}`, the
//! errors the framework makes too: axum's 405 (its `Allow` header kept), a body limit's 413,
//! an extractor's plain-text rejection. Handlers' own errors are `ApiError`s already; HTML
//! error pages (the sign-in pages') are left as they are.

use axum::body::{Body, to_bytes};
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The longest framework message carried over into the JSON body.
const MESSAGE_LIMIT: usize = 4 * 1024;

/// `response`, or its JSON rewrite when it is an error in plain text (or none).
pub async fn json_errors(method: &Method, path: &str, response: Response) -> Response {
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|kind| kind.as_bytes().starts_with(b"text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = match to_bytes(body, MESSAGE_LIMIT).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_owned(),
        Err(_) => String::new(),
    };
    let message = match (status.as_u16(), text.is_empty()) {
        // axum adds `Allow` after the route's layers have run, so it is not known here yet.
        (405, _) => format!(
            "{method} is not a method of {path}; the Allow header lists the methods it takes."
        ),
        (_, false) => text,
        (_, true) => status
            .canonical_reason()
            .unwrap_or("Request failed.")
            .to_owned(),
    };
    let shaped = ApiError::for_status(status, message).into_response();
    let (shaped_parts, shaped_body) = shaped.into_parts();
    parts.status = shaped_parts.status;
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in &shaped_parts.headers {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, Body::new(shaped_body))
}

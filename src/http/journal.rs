//! The journal's HTTP side: a middleware that buffers each journaled request and response,
//! passes them on unchanged, and hands the finished exchange to [`crate::journal`].

use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::state::AppState;
use crate::error::ApiError;
use crate::journal::{self, Api, Entry};

/// Largest request body buffered (the emulator API's own limit, for fixtures).
const REQUEST_LIMIT: usize = 16 * 1024 * 1024;

/// Which face a path belongs to, when it is journaled: the two Passage APIs, the social and
/// hosted pages, and the emulator calls that change state (fixtures, reset, clock).
fn journaled(method: &Method, path: &str) -> Option<Api> {
    if path.starts_with("/api/v1/") || path == "/api/v1" {
        return Some(Api::Management);
    }
    if path.starts_with("/auth/v1/") || path == "/auth/v1" {
        return Some(Api::Auth);
    }
    let rest = path.strip_prefix("/_emulator/")?;
    let changes_state = match rest {
        "fixtures" | "reset" => true,
        "clock" => method != Method::GET,
        _ => rest.starts_with("social/") || rest.starts_with("hosted/"),
    };
    changes_state.then_some(Api::Emulator)
}

/// The `{app_id}` of `/apps/{app_id}/...`.
fn app_id_of(path: &str) -> Option<String> {
    let mut segments = path.split('/');
    segments.find(|segment| *segment == "apps")?;
    segments
        .next()
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
}

pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let journal = state.journal.clone();
    let api = match journal.enabled() {
        true => journaled(request.method(), request.uri().path()),
        false => None,
    };
    let Some(api) = api else {
        return next.run(request).await;
    };
    let started = Instant::now();
    let time = state.clock.timestamp();
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let (parts, body) = request.into_parts();
    let request_bytes = match axum::body::to_bytes(body, REQUEST_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return ApiError::invalid_request("The request body is too large or unreadable.")
                .into_response();
        }
    };
    let request = Request::from_parts(parts, Body::from(request_bytes.clone()));
    let response = next.run(request).await;

    let streaming = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/event-stream"));
    let (response, response_bytes) = if streaming {
        (response, Bytes::new())
    } else {
        let (parts, body) = response.into_parts();
        match axum::body::to_bytes(body, usize::MAX).await {
            Ok(bytes) => (
                Response::from_parts(parts, Body::from(bytes.clone())),
                bytes,
            ),
            Err(_) => return ApiError::internal("the response body failed").into_response(),
        }
    };
    let status = response.status().as_u16();
    let code = (status >= 400)
        .then(|| error_code(&response_bytes))
        .flatten();
    let redact = journal.redacts();
    journal.record(Entry {
        id: format!("req_{}", journal.next_seq()),
        time,
        method,
        app_id: app_id_of(&path),
        path,
        query,
        status,
        code,
        // Microsecond precision is enough to read, and keeps the JSON short.
        duration_ms: (started.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0,
        api,
        user_agent,
        request_body: stored(request_bytes, redact),
        response_body: stored(response_bytes, redact),
        fault: None,
    });
    response
}

/// The `code` of a Passage error body.
fn error_code(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Code {
        code: String,
    }
    serde_json::from_slice::<Code>(body)
        .ok()
        .map(|body| body.code)
}

/// The body as the journal keeps it, secrets masked first when `--journal-redact` is on.
fn stored(bytes: Bytes, redact: bool) -> journal::Body {
    if redact && let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&bytes) {
        journal::redact_json(&mut value);
        if let Ok(masked) = serde_json::to_vec(&value) {
            return journal::Body::new(Bytes::from(masked));
        }
    }
    journal::Body::new(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journaled_paths_and_their_apps() {
        assert_eq!(
            journaled(&Method::GET, "/api/v1/apps/a/users"),
            Some(Api::Management)
        );
        assert_eq!(
            journaled(&Method::POST, "/auth/v1/apps/a/login/otp"),
            Some(Api::Auth)
        );
        assert_eq!(
            journaled(&Method::POST, "/_emulator/reset"),
            Some(Api::Emulator)
        );
        assert_eq!(
            journaled(&Method::POST, "/_emulator/clock"),
            Some(Api::Emulator)
        );
        assert_eq!(journaled(&Method::GET, "/_emulator/clock"), None);
        assert_eq!(journaled(&Method::GET, "/_emulator/inbox"), None);
        assert_eq!(journaled(&Method::GET, "/_emulator/requests"), None);
        assert_eq!(
            journaled(&Method::GET, "/_emulator/social/github/authorize"),
            Some(Api::Emulator)
        );
        assert_eq!(
            app_id_of("/auth/v1/apps/abc/login/otp").as_deref(),
            Some("abc")
        );
        assert_eq!(app_id_of("/api/v1/apps"), None);
        assert_eq!(app_id_of("/_emulator/reset"), None);
    }
}

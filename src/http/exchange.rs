//! Every request passes here. First the guard ([`super::guard`]): a Host this emulator does not
//! serve, or a cross-site state-changing call, is refused. Then every Passage API exchange
//! meets faults ([`crate::faults`]) and `--latency`, is logged in one line, and is journaled
//! ([`crate::journal`]) with its bodies; the social and hosted pages and the emulator calls
//! that change state are journaled too. Handlers run through [`super::edge::run`] (panics
//! caught, errors shaped).

use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::routes::EMULATOR_BODY_LIMIT;
use super::state::AppState;
use crate::error::{ApiError, ErrorBody, ErrorCode};
use crate::faults::{Action, Injection};
use crate::journal::{self, Api, Entry};

/// The header the web console sends with its own calls. They are the console looking, not the
/// app under test acting: they skip faults, `--latency`, the log line and the journal, so a
/// fault meant for an SDK never breaks the console and the journal shows only the app's calls.
pub const CONSOLE_HEADER: &str = "x-passage-emulator-console";

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

/// Applies faults and latency to a Passage API call, logs it in one line, and journals it
/// (when the journal is on). Bodies are buffered only when the journal keeps them, or, for the
/// log's error code, when the answer is an error.
pub async fn exchange(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Refusals come first: nothing of a refused request is faulted, delayed or run.
    if let Some(refused) = state.allowed_hosts.refusal(&request) {
        return refused;
    }
    let Some(api) = journaled(request.method(), request.uri().path()) else {
        return super::edge::run(request, next).await;
    };
    if request.headers().contains_key(CONSOLE_HEADER) {
        return super::edge::run(request, next).await;
    }
    let keep = state.journal.enabled();
    let started = Instant::now();
    let time = state.clock.timestamp();
    let method = request.method().clone();
    let target: Box<str> = request.uri().path_and_query().map_or_else(
        || request.uri().path().into(),
        |target| target.as_str().into(),
    );
    let user_agent: Option<Box<str>> = request
        .headers()
        .get(header::USER_AGENT)
        .map(|agent| String::from_utf8_lossy(agent.as_bytes()).into());
    let empty = HttpBody::size_hint(request.body()).exact() == Some(0);
    let (request, request_bytes) = if keep && !empty {
        match buffered_request(request, api).await {
            Ok(buffered) => buffered,
            Err(refusal) => return refusal,
        }
    } else {
        (request, Bytes::new())
    };
    let (path, _) = journal::split_target(&target);
    let app_id = journal::app_id_of(path);
    let passage = api != Api::Emulator;
    let injection = match passage {
        true => state.faults.take(method.as_str(), path, app_id),
        false => None,
    };
    if passage && !state.latency.is_zero() {
        tokio::time::sleep(state.latency).await;
    }
    let response = match &injection {
        Some(injection) => injected(injection, request, next).await,
        None => super::edge::run(request, next).await,
    };
    let dropped = matches!(
        &injection,
        Some(Injection {
            action: Action::Drop,
            ..
        })
    );
    // Emulator: a dropped call has no status; the journal says 0.
    let status = if dropped {
        0
    } else {
        response.status().as_u16()
    };
    let (response, response_bytes) = if !dropped && (keep || status >= 400) {
        match buffered_response(response).await {
            Ok(buffered) => buffered,
            Err(failure) => return failure,
        }
    } else {
        (response, Bytes::new())
    };
    let code = (status >= 400)
        .then(|| error_code(&response_bytes))
        .flatten();
    let duration_ms = (started.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0;
    let fault = injection.map(|injection| injection.fault_id);
    if passage {
        log_line(
            method.as_str(),
            path,
            status,
            code.as_deref(),
            duration_ms,
            app_id,
        );
        if let Some(fault) = &fault {
            tracing::info!(target: "passage_emulator::request", "  answered by fault {fault}");
        }
    }
    if keep {
        let journal = &state.journal;
        let redact = journal.redacts();
        journal.record(Entry {
            seq: journal.next_seq(),
            time,
            method,
            target,
            status,
            code,
            duration_ms,
            api,
            user_agent,
            request_body: stored(request_bytes, redact, true),
            response_body: stored(response_bytes, redact, false),
            fault,
        });
    }
    response
}

/// One line a Passage API call at info: method, path (never the query string, which holds
/// OAuth codes and verifiers), status, error code, milliseconds, app. With `--log-format json`
/// the same values are fields.
fn log_line(
    method: &str,
    path: &str,
    status: u16,
    code: Option<&str>,
    duration_ms: f64,
    app_id: Option<&str>,
) {
    if !tracing::enabled!(target: "passage_emulator::request", tracing::Level::INFO) {
        return;
    }
    let line = format!(
        "{method} {path} {status}{}{} {duration_ms:.1} ms{}{}",
        if code.is_some() { " " } else { "" },
        code.unwrap_or(""),
        if app_id.is_some() { " app " } else { "" },
        app_id.unwrap_or(""),
    );
    if crate::telemetry::json_logs() {
        tracing::info!(
            target: "passage_emulator::request",
            method,
            path,
            status,
            code,
            duration_ms,
            app_id,
            "{line}"
        );
    } else {
        tracing::info!(target: "passage_emulator::request", "{line}");
    }
}

/// A fault's answer: after its delay, a dropped connection, its status, or the call served.
async fn injected(injection: &Injection, request: Request, next: Next) -> Response {
    if injection.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(injection.delay_ms)).await;
    }
    match &injection.action {
        Action::Serve => super::edge::run(request, next).await,
        Action::Answer { status, body } => fault_answer(*status, body.clone()),
        Action::Drop => dropped(),
    }
}

/// The fault's status with its body, or Passage's error shape with the nearest documented
/// code for that status.
fn fault_answer(status: u16, body: Option<serde_json::Value>) -> Response {
    let status = axum::http::StatusCode::from_u16(status)
        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(body) = body {
        return (status, axum::Json(body)).into_response();
    }
    let code = match status.as_u16() {
        401 => ErrorCode::InvalidAccessToken,
        403 => ErrorCode::OperationNotAllowed,
        404 => ErrorCode::AppNotFound,
        409 => ErrorCode::UserHasNoPasskeys,
        400..=499 => ErrorCode::InvalidRequest,
        _ => ErrorCode::InternalServerError,
    };
    let error = "fault injected by the emulator".to_owned();
    (status, axum::Json(ErrorBody { code, error })).into_response()
}

/// A response whose body fails before a byte is written: hyper then closes the connection
/// without an answer.
fn dropped() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped by a fault"))
    });
    Response::new(Body::from_stream(failing))
}

/// The request with its body read into memory, and that body. A body past the limit is a 400
/// `invalid_request` on the Passage APIs (whose SDKs know no 413) and a 413 on the emulator's.
async fn buffered_request(request: Request, api: Api) -> Result<(Request, Bytes), Response> {
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, EMULATOR_BODY_LIMIT).await {
        Ok(bytes) => Ok((Request::from_parts(parts, Body::from(bytes.clone())), bytes)),
        Err(_) => {
            let message = format!(
                "The request body is unreadable or over the limit ({} MiB).",
                EMULATOR_BODY_LIMIT / (1024 * 1024)
            );
            let error = match api {
                Api::Emulator => ApiError::for_status(StatusCode::PAYLOAD_TOO_LARGE, message),
                _ => ApiError::invalid_request(message),
            };
            Err(error.into_response())
        }
    }
}

/// The response with its body read into memory, and that body; an event stream is passed on
/// as it is, with no body kept.
async fn buffered_response(response: Response) -> Result<(Response, Bytes), Response> {
    let streaming = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/event-stream"));
    if streaming {
        return Ok((response, Bytes::new()));
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => Ok((
            Response::from_parts(parts, Body::from(bytes.clone())),
            bytes,
        )),
        Err(_) => Err(ApiError::internal("the response body failed").into_response()),
    }
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

/// The body as the journal keeps it, secrets masked first when `--journal-redact` is on; a
/// request body is copied (see [`journal::Body::copied`]).
fn stored(bytes: Bytes, redact: bool, copy: bool) -> journal::Body {
    if redact && let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&bytes) {
        journal::redact_json(&mut value);
        if let Ok(masked) = serde_json::to_vec(&value) {
            return journal::Body::new(Bytes::from(masked));
        }
    }
    if copy {
        journal::Body::copied(&bytes)
    } else {
        journal::Body::new(bytes)
    }
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
            journal::app_id_of("/auth/v1/apps/abc/login/otp"),
            Some("abc")
        );
        assert_eq!(journal::app_id_of("/api/v1/apps"), None);
        assert_eq!(journal::app_id_of("/_emulator/reset"), None);
    }
}

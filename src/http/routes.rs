//! Routing by Host. Passage served its two APIs on two hosts, both under `/v1`, and both have
//! a `GET /v1/apps/{app_id}/users` with different meanings. The emulator gives each a prefix
//! (`/api/v1`, `/auth/v1`) on one origin, and a request whose Host is `api.passage.id` or
//! `auth.passage.id` (DNS aliases, a proxy) is routed as if it carried that prefix.

use axum::extract::Request;
use axum::http::{HeaderMap, Uri, header};

/// Fixture uploads to the emulator API may be larger than Passage bodies; also the most the
/// journal buffers.
pub const EMULATOR_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The external path prefix the request arrived under (`/api/v1`, or `/v1` when routed by
/// Host): used to build links the caller can follow.
#[derive(Debug, Clone)]
pub struct PublicPrefix(pub &'static str);

/// The hosts Passage served its two APIs on.
pub const PASSAGE_HOSTS: [&str; 2] = ["api.passage.id", "auth.passage.id"];

/// The prefix of the Passage face a request's Host names: `/api` for `api.passage.id`,
/// `/auth` for `auth.passage.id`, none for any other host.
pub fn passage_prefix(headers: &HeaderMap, uri: &Uri) -> Option<&'static str> {
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .map(|host| host.split(':').next().unwrap_or(host))
        .or_else(|| uri.host())?;
    if host.eq_ignore_ascii_case(PASSAGE_HOSTS[0]) {
        Some("/api")
    } else if host.eq_ignore_ascii_case(PASSAGE_HOSTS[1]) {
        Some("/auth")
    } else {
        None
    }
}

/// Rewrites `/v1/...` to `/api/v1/...` or `/auth/v1/...` by Host, before routing.
pub fn with_host_routing(mut request: Request) -> Request {
    let Some(prefix) = passage_prefix(request.headers(), request.uri()) else {
        return request;
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

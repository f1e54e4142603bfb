//! Passkey readiness analytics (Passage's "Passkey Ready"): a device reports what it supports.
//! Authentikit (passage-android) and the generated clients post to
//! `/v1/analytics/passkey-readiness`, with no app in the path and an `X-API-KEY` header; the
//! app-scoped path is the emulator's too. Reports are kept for `GET /_emulator/passkey-readiness`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

use crate::api::common::load_app;
use crate::domain::ids::new_id;
use crate::domain::readiness::{CreatePasskeyReadinessRequest, PasskeyReadinessReport};
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::http::client::RequestClient;
use crate::http::extract::{ApiJson, PathApp};

/// Header values kept at most this long (they are echoed by the emulator API).
const HEADER_LIMIT: usize = 512;

/// The first of `names` the request carries (the generated clients write `Device-OS`,
/// Authentikit `device_os`), cut at [`HEADER_LIMIT`] bytes.
fn header(headers: &HeaderMap, names: &[&str]) -> String {
    let value = names
        .iter()
        .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()))
        .unwrap_or_default();
    crate::http::client::cut(value, HEADER_LIMIT).to_owned()
}

async fn record(
    state: &AppState,
    app_id: Option<String>,
    headers: &HeaderMap,
    client: RequestClient,
    request: CreatePasskeyReadinessRequest,
) -> ApiResult<StatusCode> {
    if request.device_id.is_empty() || request.device_id.len() > 256 {
        return Err(ApiError::invalid_request(
            "device_id: required, 256 characters at most",
        ));
    }
    let RequestClient(client) = client;
    let report = PasskeyReadinessReport {
        id: new_id(),
        app_id,
        client_key: header(headers, &["x-api-key"]),
        device_id: request.device_id,
        security_key: request.security_key,
        platform: request.platform,
        synced_credential: request.synced_credential,
        cross_device_credential: request.cross_device_credential,
        conditional_ui: request.conditional_ui,
        origin: header(headers, &["origin"]),
        app_identifier: header(headers, &["app-identifier", "app_identifier"]),
        device_os: header(headers, &["device-os", "device_os"]),
        device_os_version: header(headers, &["device-os-version", "device_os_version"]),
        user_agent: client.user_agent,
        ip_addr: client.ip_addr,
        created_at: state.clock.timestamp(),
    };
    state.store.insert_readiness(&report).await?;
    // Emulator: Passage answered some 2xx without a body (the clients check only for 2xx).
    Ok(StatusCode::CREATED)
}

/// Passage: `createPasskeyReadiness`, what Authentikit and the generated clients send.
#[utoipa::path(
    post,
    path = "/analytics/passkey-readiness",
    tag = "auth",
    request_body = CreatePasskeyReadinessRequest,
    responses(
        (status = 201, description = "The report was kept (no body)."),
        crate::openapi::BadRequest,
    ),
)]
pub async fn create_passkey_readiness(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: RequestClient,
    ApiJson(request): ApiJson<CreatePasskeyReadinessRequest>,
) -> ApiResult<StatusCode> {
    record(&state, None, &headers, client, request).await
}

/// The same report, for one app.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/analytics/passkey-readiness",
    tag = "auth",
    request_body = CreatePasskeyReadinessRequest,
    responses(
        (status = 201, description = "The report was kept (no body)."),
        crate::openapi::BadRequest,
        crate::openapi::NotFound,
    ),
)]
pub async fn create_app_passkey_readiness(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    headers: HeaderMap,
    client: RequestClient,
    ApiJson(request): ApiJson<CreatePasskeyReadinessRequest>,
) -> ApiResult<StatusCode> {
    let app = load_app(&state, &app_id).await?;
    record(&state, Some(app.id), &headers, client, request).await
}

//! The web console's pages and the few emulator calls only it needs: what this emulator is
//! (`/info`), which apps it holds (`/apps`), and "sign in as" a user.

use crate::domain::events::{Action, Method};
use crate::http::client::RequestClient;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;

use crate::api::auth::models::AuthResponse;
use crate::api::auth::session;
use crate::api::common::{active_user, load_app};
use crate::domain::device::{self, WebAuthnType};
use crate::domain::timestamp::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::ApiPath;
use crate::http::{AppState, EmulatorInfo};
use crate::ui::console;

/// Where the console lives.
pub const UI_PATH: &str = "/_emulator/ui/";

/// Headers every console response carries: its content policy, no sniffing, no framing by
/// other pages, no referrer leaving it, and revalidation (the files change with the binary).
fn console_headers(content_type: &'static str) -> [(header::HeaderName, HeaderValue); 6] {
    [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(console::CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ]
}

/// `/_emulator/ui` without the slash.
pub async fn ui_root() -> Redirect {
    Redirect::to(UI_PATH)
}

/// `/_emulator/ui/`: the inbox.
pub async fn ui_index() -> Response {
    page("")
}

/// `/_emulator/ui/{*rest}`: a file under `assets/`, else the shell (404 for a path that is no
/// view, which the page then says).
pub async fn ui_path(Path(rest): Path<String>) -> Response {
    match rest.strip_prefix("assets/") {
        Some(name) => match console::asset(name) {
            Some(asset) => (console_headers(asset.content_type), asset.body).into_response(),
            None => ApiError::not_found(
                crate::error::ErrorCode::AppNotFound,
                format!("No console file {name}."),
            )
            .into_response(),
        },
        None => page(&rest),
    }
}

fn page(rest: &str) -> Response {
    let status = match console::is_view(rest) {
        true => StatusCode::OK,
        false => StatusCode::NOT_FOUND,
    };
    (
        status,
        console_headers("text/html; charset=utf-8"),
        console::SHELL,
    )
        .into_response()
}

/// `GET /`: the console, unless the request is for a Passage host (where `/` is no route).
pub async fn root(headers: HeaderMap, uri: Uri) -> Response {
    match crate::http::passage_prefix(&headers, &uri) {
        Some(_) => ApiError::no_route(&axum::http::Method::GET, "/").into_response(),
        None => Redirect::to(UI_PATH).into_response(),
    }
}

/// `GET /_emulator/info`: the emulator's version, addresses (as in the ready file) and the
/// admin key, which the console uses for the Management API.
#[utoipa::path(
    get,
    path = "/info",
    tag = "emulator",
    responses(
        (status = 200, description = "Version, addresses and the admin key (what the console reads).", body = EmulatorInfo),
    ),
)]
pub async fn info(State(state): State<AppState>) -> Json<EmulatorInfo> {
    Json(EmulatorInfo::clone(&state.info))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmulatorApp {
    pub id: String,
    pub name: String,
    pub auth_origin: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmulatorApps {
    pub apps: Vec<EmulatorApp>,
}

/// `GET /_emulator/apps`: every app, in creation order. Passage had no such call (its console
/// knew the account's apps); the Management API gives each app's details.
#[utoipa::path(
    get,
    path = "/apps",
    tag = "emulator",
    responses((status = 200, description = "Every app, oldest first.", body = EmulatorApps)),
)]
pub async fn list_apps(State(state): State<AppState>) -> ApiResult<Json<EmulatorApps>> {
    let mut apps = Vec::new();
    for id in state.store.app_ids().await? {
        if let Some(app) = state.store.app(&id).await? {
            apps.push(EmulatorApp {
                id: app.id,
                name: app.settings.name,
                auth_origin: app.settings.auth_origin,
            });
        }
    }
    Ok(Json(EmulatorApps { apps }))
}

/// A passkey as the emulator stores it: more than Passage's `WebAuthnDevices` shows (the
/// AAGUID and its authenticator, the signature counter, transports, backup flags).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StoredPasskey {
    pub id: String,
    pub cred_id: String,
    pub friendly_name: String,
    #[serde(rename = "type")]
    pub device_type: WebAuthnType,
    pub aaguid: String,
    pub authenticator: Option<&'static str>,
    pub sign_count: i64,
    pub transports: Vec<String>,
    pub backup_eligible: bool,
    pub backup_state: bool,
    pub usage_count: i64,
    pub last_login_at: Timestamp,
    pub created_at: Timestamp,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StoredPasskeys {
    pub passkeys: Vec<StoredPasskey>,
}

/// `GET /_emulator/apps/{app_id}/users/{user_id}/passkeys`: the user's passkeys with what only
/// the emulator knows about them, for the console's user page.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/users/{user_id}/passkeys",
    tag = "emulator",
    responses(
        (status = 200, description = "The user's passkeys as stored.", body = StoredPasskeys),
        crate::openapi::NotFound,
    ),
)]
pub async fn list_passkeys(
    State(state): State<AppState>,
    ApiPath((app_id, user_id)): ApiPath<(String, String)>,
) -> ApiResult<Json<StoredPasskeys>> {
    let app = load_app(&state, &app_id).await?;
    let user = state
        .store
        .user(&app.id, &user_id)
        .await?
        .ok_or_else(ApiError::user_not_found)?;
    let devices = state.store.devices(&app.id, &user.id).await?;
    let passkeys = devices
        .into_iter()
        .map(|device| StoredPasskey {
            authenticator: device::authenticator_name(&device.aaguid),
            id: device.id,
            cred_id: device.cred_id,
            friendly_name: device.friendly_name,
            device_type: device.device_type,
            aaguid: device.aaguid,
            sign_count: device.sign_count,
            transports: device.transports,
            backup_eligible: device.backup_eligible,
            backup_state: device.backup_state,
            usage_count: device.usage_count,
            last_login_at: device.last_login_at,
            created_at: device.created_at,
        })
        .collect();
    Ok(Json(StoredPasskeys { passkeys }))
}

/// `POST /_emulator/apps/{app_id}/users/{user_id}/sign-in`: a session for the user, issued the
/// way a real login issues one (the login is counted), without a ceremony. 403
/// `user_not_active` for a deactivated user, as a real login would answer.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/users/{user_id}/sign-in",
    tag = "emulator",
    responses(
        (status = 201, description = "A session for the user, the login counted.", body = AuthResponse),
        crate::openapi::Forbidden,
        crate::openapi::NotFound,
    ),
)]
pub async fn sign_in(
    State(state): State<AppState>,
    ApiPath((app_id, user_id)): ApiPath<(String, String)>,
    RequestClient(client): RequestClient,
) -> ApiResult<(StatusCode, Json<AuthResponse>)> {
    let app = load_app(&state, &app_id).await?;
    let user = active_user(&state, &app.id, &user_id).await?;
    let finished = session::Finished::new(None, Method::Console, Action::Login, &client);
    let auth_result = session::log_in(&state, &app, &user.id, None, finished).await?;
    Ok((StatusCode::CREATED, Json(AuthResponse { auth_result })))
}

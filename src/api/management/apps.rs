//! Apps: `get-app` (the one app endpoint current SDKs knew) and the 2023 console endpoints
//! `create-app`, `update-app`, `delete-app`.
//!
//! Emulator: Passage authorised the console endpoints with a console session; the emulator
//! takes its admin key (`--admin-key`) for them, or the app's own API key where an app exists.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::models::{AppInfo, AppResponse};
use crate::domain::app::{AppSettings, AppType, Technology};
use crate::domain::ids::new_id;
use crate::domain::tokens::SigningKey;
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::http::extract::{AdminAuth, ApiJson, ConsoleAuth, OptionalManagementAuth, from_value};

pub(super) async fn app_response(state: &AppState, app_id: &str) -> ApiResult<Json<AppResponse>> {
    let app = state
        .store
        .app(app_id)
        .await?
        .ok_or_else(ApiError::app_not_found)?;
    Ok(Json(AppResponse {
        app: AppInfo::from(app),
    }))
}

/// Passage: `get-app`. The API key is optional here, as in Passage's spec.
#[utoipa::path(
    get,
    path = "/apps/{app_id}",
    tag = "management",
    security((), ("api_key" = [])),
    responses(
        (status = 200, description = "The app (its key is optional here).", body = AppResponse),
    ),
)]
pub async fn get_app(
    State(state): State<AppState>,
    auth: OptionalManagementAuth,
) -> ApiResult<Json<AppResponse>> {
    app_response(&state, &auth.app_id).await
}

/// Passage: `CreateAppRequest` (2023 console spec). `organization_id`, like any unknown
/// member, is ignored.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateAppRequest {
    pub name: String,
    #[serde(default)]
    pub auth_origin: Option<String>,
    #[serde(default)]
    pub redirect_url: Option<String>,
    #[serde(rename = "type", default)]
    pub app_type: Option<AppType>,
    #[serde(default)]
    pub hosted: Option<bool>,
    #[serde(default)]
    pub hosted_subdomain: Option<String>,
    #[serde(default)]
    pub allowed_callback_urls: Option<Vec<String>>,
    #[serde(default)]
    pub technologies: Option<Vec<Technology>>,
}

/// Passage: `create-app`, 201. The new app has no API key yet: create one with
/// `POST /apps/{app_id}/api-keys`.
#[utoipa::path(
    post,
    path = "/apps",
    tag = "management",
    security(("admin_key" = [])),
    request_body = CreateAppRequest,
    responses(
        (status = 201, description = "The new app.", body = AppResponse),
        crate::openapi::Unauthorized,
    ),
)]
pub async fn create_app(
    State(state): State<AppState>,
    _admin: AdminAuth,
    ApiJson(request): ApiJson<CreateAppRequest>,
) -> ApiResult<(StatusCode, Json<AppResponse>)> {
    let defaults = AppSettings::default();
    let settings = AppSettings {
        name: request.name,
        auth_origin: request.auth_origin.unwrap_or(defaults.auth_origin.clone()),
        redirect_url: request
            .redirect_url
            .unwrap_or(defaults.redirect_url.clone()),
        app_type: request.app_type.unwrap_or(defaults.app_type),
        hosted: request.hosted.unwrap_or(defaults.hosted),
        hosted_subdomain: request.hosted_subdomain.unwrap_or_default(),
        allowed_callback_urls: request.allowed_callback_urls.unwrap_or_default(),
        technologies: request.technologies.unwrap_or_default(),
        ..defaults
    };
    settings.validate().map_err(ApiError::invalid_request)?;
    let id = new_id();
    let now = state.clock.timestamp();
    let key = SigningKey::generate_blocking(new_id())
        .await
        .map_err(ApiError::internal)?;
    state.store.insert_app(&id, &settings, now).await?;
    state.store.activate_signing_key(&id, &key, now).await?;
    let response = app_response(&state, &id).await?;
    Ok((StatusCode::CREATED, response))
}

/// Passage: `update-app`. The body is merged into the settings (RFC 7396).
///
/// Emulator: every setting of `AppInfo` may be changed, a superset of Passage's
/// `UpdateAppRequest`, so that tests can switch auth methods, lifetimes and the like.
#[utoipa::path(
    patch,
    path = "/apps/{app_id}",
    tag = "management",
    security(("admin_key" = [])),
    request_body(content = std::collections::BTreeMap<String, serde_json::Value>, description = "Members of AppInfo to change."),
    responses((status = 200, description = "The app as changed.", body = AppResponse)),
)]
pub async fn update_app(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiJson(patch): ApiJson<Map<String, Value>>,
) -> ApiResult<Json<AppResponse>> {
    let app = state
        .store
        .app(&auth.app_id)
        .await?
        .ok_or_else(ApiError::app_not_found)?;
    let mut document = serde_json::to_value(&app.settings).map_err(ApiError::internal)?;
    for read_only in [
        "id",
        "created_at",
        "rsa_public_key",
        "user_metadata_schema",
        "secret",
    ] {
        if patch.contains_key(read_only) {
            return Err(ApiError::invalid_request(format!(
                "{read_only}: cannot be changed"
            )));
        }
    }
    merge_patch(&mut document, Value::Object(patch));
    let settings: AppSettings = from_value(document)?;
    settings.validate().map_err(ApiError::invalid_request)?;
    state
        .store
        .update_app_settings(&auth.app_id, &settings)
        .await?;
    app_response(&state, &auth.app_id).await
}

/// RFC 7396 JSON merge patch: objects merge member by member, `null` removes, anything else
/// replaces.
fn merge_patch(target: &mut Value, patch: Value) {
    let Value::Object(patch) = patch else {
        *target = patch;
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target) = target {
        for (key, value) in patch {
            if value.is_null() {
                target.remove(&key);
            } else {
                merge_patch(target.entry(key).or_insert(Value::Null), value);
            }
        }
    }
}

/// Passage: `delete-app`: 200 with an empty body; the app's users, keys and devices go too.
#[utoipa::path(
    delete,
    path = "/apps/{app_id}",
    tag = "management",
    security(("admin_key" = [])),
    responses((status = 200, description = "The app and everything in it are gone.")),
)]
pub async fn delete_app(State(state): State<AppState>, auth: ConsoleAuth) -> ApiResult<StatusCode> {
    if state.store.delete_app(&auth.app_id).await? {
        Ok(StatusCode::OK)
    } else {
        Err(ApiError::app_not_found())
    }
}

#[cfg(test)]
mod tests {
    use super::merge_patch;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut target = json!({"a": 1, "b": {"c": 2, "d": 3}});
        merge_patch(&mut target, json!({"a": null, "b": {"c": 4}, "e": [1]}));
        assert_eq!(target, json!({"b": {"c": 4, "d": 3}, "e": [1]}));
    }
}

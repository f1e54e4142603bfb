//! API keys (2023 console spec): list, create, get, rename, delete.
//! The plaintext key is shown once, at creation; the store keeps only its hash.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::domain::ids::{hash_secret, is_plausible_id, new_id, random_alphanumeric};
use crate::domain::timestamp::Timestamp;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ConsoleAuth};
use crate::store::{self, NewApiKey};

const KEY_LEN: usize = 48;
const PREFIX_LEN: usize = 6;

/// Passage: `ApiKey`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiKey {
    pub created_at: Timestamp,
    pub id: String,
    pub key_prefix: String,
    pub name: String,
    pub role: String,
}

impl From<store::ApiKey> for ApiKey {
    fn from(key: store::ApiKey) -> Self {
        Self {
            created_at: Timestamp(key.created_at),
            id: key.id,
            key_prefix: key.key_prefix,
            name: key.name,
            role: key.role,
        }
    }
}

/// Passage: `CreatedApiKey` (`ApiKey` plus the plaintext).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKey,
    pub plaintext_key: String,
}

/// Passage: `ListApiKeysResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListApiKeysResponse {
    pub api_keys: Vec<ApiKey>,
}

/// Passage: `CreateApiKeyResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreateApiKeyResponse {
    pub api_key: CreatedApiKey,
}

/// Passage: `ApiKeyResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiKeyResponse {
    pub api_key: ApiKey,
}

/// Passage: `CreateApiKeyRequest` and `UpdateApiKeyRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ApiKeyRequest {
    pub name: String,
}

fn checked_name(name: String) -> ApiResult<String> {
    let name = name.trim().to_owned();
    if name.is_empty() {
        Err(ApiError::invalid_request("name: must not be empty"))
    } else {
        Ok(name)
    }
}

fn key_not_found() -> ApiError {
    ApiError::not_found(ErrorCode::ApiKeyNotFound, "API key not found.")
}

/// Passage: `list-apikeys`.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/api-keys",
    tag = "management",
    security(("admin_key" = [])),
    responses(
        (status = 200, description = "The app's API keys (without their secrets).", body = ListApiKeysResponse),
    ),
)]
pub async fn list_api_keys(
    State(state): State<AppState>,
    auth: ConsoleAuth,
) -> ApiResult<Json<ListApiKeysResponse>> {
    let keys = state.store.api_keys(&auth.app_id).await?;
    Ok(Json(ListApiKeysResponse {
        api_keys: keys.into_iter().map(ApiKey::from).collect(),
    }))
}

/// Passage: `create-apikey` (200, as in Passage's spec).
#[utoipa::path(
    post,
    path = "/apps/{app_id}/api-keys",
    tag = "management",
    security(("admin_key" = [])),
    request_body = ApiKeyRequest,
    responses(
        (status = 200, description = "The new key, its secret shown this once.", body = CreateApiKeyResponse),
    ),
)]
pub async fn create_api_key(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiJson(request): ApiJson<ApiKeyRequest>,
) -> ApiResult<Json<CreateApiKeyResponse>> {
    let name = checked_name(request.name)?;
    let plaintext = random_alphanumeric(KEY_LEN);
    let id = new_id();
    let created_at = state.clock.timestamp();
    let key = NewApiKey {
        id: &id,
        app_id: &auth.app_id,
        name: &name,
        key_prefix: &plaintext[..PREFIX_LEN],
        key_hash: &hash_secret(&plaintext),
        role: "admin",
        created_at,
    };
    state.store.insert_api_key(&key).await?;
    let stored = state
        .store
        .api_key(&auth.app_id, &id)
        .await?
        .ok_or_else(key_not_found)?;
    Ok(Json(CreateApiKeyResponse {
        api_key: CreatedApiKey {
            key: ApiKey::from(stored),
            plaintext_key: plaintext,
        },
    }))
}

async fn key_response(
    state: &AppState,
    app_id: &str,
    key_id: &str,
) -> ApiResult<Json<ApiKeyResponse>> {
    if !is_plausible_id(key_id) {
        return Err(key_not_found());
    }
    let key = state
        .store
        .api_key(app_id, key_id)
        .await?
        .ok_or_else(key_not_found)?;
    Ok(Json(ApiKeyResponse {
        api_key: ApiKey::from(key),
    }))
}

/// Passage: `get-apikey`.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/api-keys/{api_key_id}",
    tag = "management",
    security(("admin_key" = [])),
    responses((status = 200, description = "One API key.", body = ApiKeyResponse)),
)]
pub async fn get_api_key(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiPath((_app_id, key_id)): ApiPath<(String, String)>,
) -> ApiResult<Json<ApiKeyResponse>> {
    key_response(&state, &auth.app_id, &key_id).await
}

/// Passage: `update-apikey` (renames it).
#[utoipa::path(
    patch,
    path = "/apps/{app_id}/api-keys/{api_key_id}",
    tag = "management",
    security(("admin_key" = [])),
    request_body = ApiKeyRequest,
    responses((status = 200, description = "The key renamed.", body = ApiKeyResponse)),
)]
pub async fn update_api_key(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiPath((_app_id, key_id)): ApiPath<(String, String)>,
    ApiJson(request): ApiJson<ApiKeyRequest>,
) -> ApiResult<Json<ApiKeyResponse>> {
    let name = checked_name(request.name)?;
    let renamed = is_plausible_id(&key_id)
        && state
            .store
            .rename_api_key(&auth.app_id, &key_id, &name)
            .await?;
    if !renamed {
        return Err(key_not_found());
    }
    key_response(&state, &auth.app_id, &key_id).await
}

/// Passage: `delete-apikey`: 200 with an empty body. Requests with that key fail from now on.
#[utoipa::path(
    delete,
    path = "/apps/{app_id}/api-keys/{api_key_id}",
    tag = "management",
    security(("admin_key" = [])),
    responses((status = 200, description = "The key no longer works.")),
)]
pub async fn delete_api_key(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiPath((_app_id, key_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    if is_plausible_id(&key_id) && state.store.delete_api_key(&auth.app_id, &key_id).await? {
        Ok(StatusCode::OK)
    } else {
        Err(key_not_found())
    }
}

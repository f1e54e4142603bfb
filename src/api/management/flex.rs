//! Passkey Flex on the app's backend (Management rows 13-15, what passage_flex and
//! passage-flex-node call): open register and authenticate transactions, redeem nonces.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use super::users::non_empty;
use crate::api::flex::{AUTHENTICATE, REGISTER, TRANSACTION_TTL, redeem_nonce};
use crate::domain::ids::new_id;
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ManagementAuth};
use crate::store::NewTransaction;

/// Passage: `CreateTransactionRegisterRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateTransactionRegisterRequest {
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub passkey_display_name: Option<String>,
}

/// Passage: `CreateTransactionAuthenticateRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateTransactionAuthenticateRequest {
    #[serde(default)]
    pub external_id: Option<String>,
}

/// Passage: `CreateTransactionResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreateTransactionResponse {
    pub transaction_id: String,
}

/// Passage: `Nonce` (`AuthenticateVerifyRequest`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AuthenticateVerifyRequest {
    #[serde(default)]
    pub nonce: Option<String>,
}

/// Passage: `AuthenticateVerifyNonceResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuthenticateVerifyNonceResponse {
    pub external_id: String,
}

async fn open(
    state: &AppState,
    app_id: &str,
    kind: &str,
    external_id: &str,
    passkey_display_name: &str,
    user_id: &str,
) -> ApiResult<Json<CreateTransactionResponse>> {
    let id = new_id();
    let now = state.clock.timestamp();
    let record = NewTransaction {
        id: &id,
        app_id,
        kind,
        external_id,
        passkey_display_name,
        user_id,
        created_at: now,
        expires_at: now.plus(TRANSACTION_TTL),
    };
    state.store.insert_transaction(&record).await?;
    Ok(Json(CreateTransactionResponse { transaction_id: id }))
}

/// Passage: `create-register-transaction`, 200. A known external id adds a passkey to its
/// user; a new one gets a user when the ceremony finishes.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/transactions/register",
    tag = "management",
    request_body = CreateTransactionRegisterRequest,
    responses(
        (status = 200, description = "A transaction for Passkey Flex registration.", body = CreateTransactionResponse),
        crate::openapi::Forbidden,
    ),
)]
pub async fn create_register_transaction(
    State(state): State<AppState>,
    auth: ManagementAuth,
    ApiJson(request): ApiJson<CreateTransactionRegisterRequest>,
) -> ApiResult<Json<CreateTransactionResponse>> {
    let external_id = non_empty(request.external_id)
        .ok_or_else(|| ApiError::invalid_request("external_id: required"))?;
    let display_name = non_empty(request.passkey_display_name)
        .ok_or_else(|| ApiError::invalid_request("passkey_display_name: required"))?;
    let user_id = match state
        .store
        .user_by_external_id(&auth.app_id, &external_id)
        .await?
    {
        Some(user) => user.id,
        None => new_id(),
    };
    open(
        &state,
        &auth.app_id,
        REGISTER,
        &external_id,
        &display_name,
        &user_id,
    )
    .await
}

/// Passage: `create-authenticate-transaction`, 200; 409 `user_has_no_passkeys`.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/transactions/authenticate",
    tag = "management",
    request_body = CreateTransactionAuthenticateRequest,
    responses(
        (status = 200, description = "A transaction for Passkey Flex authentication.", body = CreateTransactionResponse),
        crate::openapi::Forbidden,
        crate::openapi::Conflict,
    ),
)]
pub async fn create_authenticate_transaction(
    State(state): State<AppState>,
    auth: ManagementAuth,
    ApiJson(request): ApiJson<CreateTransactionAuthenticateRequest>,
) -> ApiResult<Json<CreateTransactionResponse>> {
    let external_id = non_empty(request.external_id)
        .ok_or_else(|| ApiError::invalid_request("external_id: required"))?;
    // Emulator: an unknown external id answers 404 user_not_found; one without passkeys 409.
    let user = state
        .store
        .user_by_external_id(&auth.app_id, &external_id)
        .await?
        .ok_or_else(ApiError::user_not_found)?;
    if state
        .store
        .devices(&auth.app_id, &user.id)
        .await?
        .is_empty()
    {
        return Err(ApiError::user_has_no_passkeys());
    }
    open(
        &state,
        &auth.app_id,
        AUTHENTICATE,
        &external_id,
        "",
        &user.id,
    )
    .await
}

/// Passage: `authenticate-verify-nonce`, 200 `{external_id}`; 401 `invalid_nonce`.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/authenticate/verify",
    tag = "management",
    request_body = AuthenticateVerifyRequest,
    responses(
        (status = 200, description = "The user the nonce names.", body = AuthenticateVerifyNonceResponse),
    ),
)]
pub async fn verify_nonce(
    State(state): State<AppState>,
    auth: ManagementAuth,
    ApiJson(request): ApiJson<AuthenticateVerifyRequest>,
) -> ApiResult<Json<AuthenticateVerifyNonceResponse>> {
    let nonce =
        non_empty(request.nonce).ok_or_else(|| ApiError::invalid_request("nonce: required"))?;
    let user_id = redeem_nonce(&state, &auth.app_id, &nonce).await?;
    let user = state
        .store
        .user(&auth.app_id, &user_id)
        .await?
        .ok_or_else(ApiError::user_not_found)?;
    Ok(Json(AuthenticateVerifyNonceResponse {
        external_id: user.external_id,
    }))
}

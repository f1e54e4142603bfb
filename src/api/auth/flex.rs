//! Passkey Flex in the browser (Auth API rows 39-42): a ceremony for a transaction the app's
//! backend opened, answered with a nonce for that backend to verify.

use crate::domain::events::{Action, Method};
use crate::http::client::RequestClient;
use crate::store::EventFlow;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;

use super::passkey_models::{
    Nonce, TransactionFinishRequest, TransactionStartRequest, TransactionStartResponse,
};
use crate::api::common::load_app;
use crate::api::flex::{AUTHENTICATE, REGISTER, issue_nonce, transaction};
use crate::api::passkeys::{
    Purpose, begin, credential_ids, register_device, relying_party, take, take_login,
    verify_assertion,
};
use crate::domain::timestamp::Timestamp;
use crate::domain::user::UserStatus;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::{ApiJson, PathApp};
use crate::store::{NewUser, WriteError};
use crate::webauthn::{Attachment, start_login, start_registration};

fn required(id: Option<String>) -> ApiResult<String> {
    id.filter(|id| !id.is_empty())
        .ok_or_else(|| ApiError::invalid_request("transaction_id: required"))
}

/// Passage: `register-webauthn-start-with-transaction`.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/register/transactions/webauthn/start",
    tag = "auth",
    request_body = TransactionStartRequest,
    responses(
        (status = 200, description = "Creation options for the transaction.", body = TransactionStartResponse),
        crate::openapi::Forbidden,
    ),
)]
pub async fn register_start(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    ApiJson(request): ApiJson<TransactionStartRequest>,
) -> ApiResult<Json<TransactionStartResponse>> {
    let app = load_app(&state, &app_id).await?;
    let attachment = Attachment::parse(request.authenticator_attachment.as_deref())
        .map_err(ApiError::invalid_request)?;
    let id = required(request.transaction_id)?;
    let tx = transaction(&state, &app.id, &id, REGISTER).await?;
    let existing = credential_ids(&state, &app.id, &tx.user_id).await?;
    let rp = relying_party(&app)?;
    let started = start_registration(
        &rp,
        &tx.user_id,
        &tx.passkey_display_name,
        &existing,
        attachment,
    )
    .map_err(ApiError::internal)?;
    let handshake = begin(
        &state,
        &app,
        Purpose::FlexRegister,
        Some(&tx.user_id),
        Some(&tx.id),
        started,
    )
    .await?;
    Ok(Json(TransactionStartResponse {
        handshake,
        transaction_id: Some(tx.id),
    }))
}

/// Passage: `register-webauthn-finish-with-transaction`: the passkey becomes a device of the
/// Flex user (made now, with the external id and no email or phone, on a first passkey).
#[utoipa::path(
    post,
    path = "/apps/{app_id}/register/transactions/webauthn/finish",
    tag = "auth",
    request_body = TransactionFinishRequest,
    responses(
        (status = 200, description = "A nonce for the app's backend to verify.", body = Nonce),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn register_finish(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RequestClient(client): RequestClient,
    headers: HeaderMap,
    ApiJson(request): ApiJson<TransactionFinishRequest>,
) -> ApiResult<Json<Nonce>> {
    let app = load_app(&state, &app_id).await?;
    let code = ErrorCode::WebauthnLoginFailed;
    let handshake = take(
        &state,
        &app,
        &request.handshake_id,
        Purpose::FlexRegister,
        code,
    )
    .await?;
    let tx_id = handshake.transaction_id.clone().unwrap_or_default();
    if request
        .transaction_id
        .as_deref()
        .is_some_and(|id| id != tx_id)
    {
        return Err(ApiError::invalid_request(
            "transaction_id: not the transaction this handshake was started for",
        ));
    }
    let tx = transaction(&state, &app.id, &tx_id, REGISTER).await?;
    let now = state.clock.timestamp();
    if state.store.user(&app.id, &tx.user_id).await?.is_none() {
        let user = NewUser {
            id: &tx.user_id,
            app_id: &app.id,
            email: "",
            phone: "",
            external_id: &tx.external_id,
            status: UserStatus::Active,
            email_verified: false,
            phone_verified: false,
            user_metadata: None,
            login_count: 0,
            last_login_at: Timestamp::NEVER,
            created_at: now,
        };
        state.store.insert_user(&user).await.map_err(|e| match e {
            WriteError::Conflict(_) => ApiError::invalid_request(format!(
                "external_id: {} already belongs to another user",
                tx.external_id
            )),
            WriteError::Database(e) => ApiError::internal(e),
        })?;
    }
    register_device(
        &state,
        &app,
        &tx.user_id,
        &handshake,
        &request.handshake_response,
        &headers,
    )
    .await?;
    state.store.delete_transaction(&app.id, &tx.id).await?;
    let flow = EventFlow {
        app_id: &app.id,
        user_id: &tx.user_id,
        flow_id: Some(&tx.id),
        method: Method::Webauthn,
        action: Action::Register,
        client: &client,
        social_login_type: None,
    };
    state.store.record_login(flow, None, now).await?;
    let nonce = issue_nonce(&state, &app.id, &tx.user_id).await?;
    Ok(Json(Nonce { nonce }))
}

/// Passage: `authenticate-webauthn-start-with-transaction`; without a transaction the login is
/// discoverable (conditional mediation).
#[utoipa::path(
    post,
    path = "/apps/{app_id}/authenticate/transactions/webauthn/start",
    tag = "auth",
    request_body = TransactionStartRequest,
    responses(
        (status = 200, description = "Request options for the transaction.", body = TransactionStartResponse),
        crate::openapi::Forbidden,
        crate::openapi::Conflict,
    ),
)]
pub async fn authenticate_start(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    ApiJson(request): ApiJson<TransactionStartRequest>,
) -> ApiResult<Json<TransactionStartResponse>> {
    let app = load_app(&state, &app_id).await?;
    let rp = relying_party(&app)?;
    let Some(id) = request.transaction_id.filter(|id| !id.is_empty()) else {
        let started = start_login(&rp, None).map_err(ApiError::internal)?;
        let handshake = begin(&state, &app, Purpose::FlexAuthenticate, None, None, started).await?;
        return Ok(Json(TransactionStartResponse {
            handshake,
            transaction_id: None,
        }));
    };
    let tx = transaction(&state, &app.id, &id, AUTHENTICATE).await?;
    let allowed = credential_ids(&state, &app.id, &tx.user_id).await?;
    if allowed.is_empty() {
        return Err(ApiError::user_has_no_passkeys());
    }
    let started = start_login(&rp, Some(&allowed)).map_err(ApiError::internal)?;
    let handshake = begin(
        &state,
        &app,
        Purpose::FlexAuthenticate,
        Some(&tx.user_id),
        Some(&tx.id),
        started,
    )
    .await?;
    Ok(Json(TransactionStartResponse {
        handshake,
        transaction_id: Some(tx.id),
    }))
}

/// Passage: `authenticate-webauthn-finish-with-transaction`.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/authenticate/transactions/webauthn/finish",
    tag = "auth",
    request_body = TransactionFinishRequest,
    responses(
        (status = 200, description = "A nonce for the app's backend to verify.", body = Nonce),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn authenticate_finish(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RequestClient(client): RequestClient,
    ApiJson(request): ApiJson<TransactionFinishRequest>,
) -> ApiResult<Json<Nonce>> {
    let app = load_app(&state, &app_id).await?;
    let identified = request.transaction_id.is_some();
    let purpose = Purpose::FlexAuthenticate;
    let (handshake, code) =
        take_login(&state, &app, &request.handshake_id, purpose, identified).await?;
    let device =
        verify_assertion(&state, &app, &handshake, &request.handshake_response, code).await?;
    if let Some(tx_id) = &handshake.transaction_id {
        state.store.delete_transaction(&app.id, tx_id).await?;
    }
    let now = state.clock.timestamp();
    let flow = EventFlow {
        app_id: &app.id,
        user_id: &device.user_id,
        flow_id: handshake.transaction_id.as_deref(),
        method: Method::Webauthn,
        action: Action::Login,
        client: &client,
        social_login_type: None,
    };
    state.store.record_login(flow, None, now).await?;
    let nonce = issue_nonce(&state, &app.id, &device.user_id).await?;
    Ok(Json(Nonce { nonce }))
}

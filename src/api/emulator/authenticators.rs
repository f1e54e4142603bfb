//! `/_emulator/authenticators`: virtual authenticators that answer the emulator's own
//! handshakes, so a suite with curl alone can register and log in with passkeys.
//!
//! `POST .../{id}/register` and `.../{id}/login` take a WebAuthn start response as it came
//! (`{handshake, user}` or `{handshake, transaction_id}`) and return the body of the matching
//! finish call: `{handshake_id, handshake_response, user_id | transaction_id}`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::Value;

use super::Deleted;
use super::authenticator_models::{
    AuthenticatorList, CeremonyRequest, CeremonyResponse, NewAuthenticatorRequest,
    VirtualAuthenticator,
};
use crate::authenticator::{self, Algorithm, Credential, Spec};
use crate::domain::device::EMULATOR_AAGUID;
use crate::domain::ids::new_id;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath};
use crate::store::{AuthenticatorRecord, CredentialRecord};

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(
        ErrorCode::AuthenticatorNotFound,
        format!("No virtual authenticator {id}."),
    )
}

fn decode(field: &str, text: &str) -> ApiResult<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|e| ApiError::invalid_request(format!("{field}: not base64url: {e}")))
}

/// An AAGUID in its UUID form as 16 bytes.
fn aaguid_bytes(text: &str) -> ApiResult<[u8; 16]> {
    uuid::Uuid::parse_str(text)
        .map(uuid::Uuid::into_bytes)
        .map_err(|_| ApiError::invalid_request(format!("aaguid: {text:?} is not a UUID")))
}

#[utoipa::path(
    post,
    path = "/authenticators",
    tag = "emulator",
    request_body = NewAuthenticatorRequest,
    responses(
        (status = 201, description = "A new virtual authenticator.", body = VirtualAuthenticator),
    ),
)]
pub async fn create_authenticator(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<NewAuthenticatorRequest>,
) -> ApiResult<(StatusCode, Json<VirtualAuthenticator>)> {
    let now = state.clock.timestamp().0;
    let (private_key, key_algorithm) = match &request.private_key {
        Some(pem) => {
            let (key, algorithm) =
                authenticator::private_key_from_pem(pem).map_err(ApiError::invalid_request)?;
            (Some(key), Some(algorithm))
        }
        None => (None, None),
    };
    let algorithm = match request.algorithm.as_deref() {
        Some(text) => Algorithm::parse(text).ok_or_else(|| {
            ApiError::invalid_request(format!("algorithm: {text:?} is not ES256 or EdDSA"))
        })?,
        None => key_algorithm.unwrap_or(Algorithm::Es256),
    };
    if key_algorithm.is_some_and(|a| a != algorithm) {
        return Err(ApiError::invalid_request(
            "algorithm: does not match the private_key",
        ));
    }
    let aaguid = request.aaguid.as_deref().unwrap_or(EMULATOR_AAGUID);
    aaguid_bytes(aaguid)?;
    let mut credentials = Vec::with_capacity(request.credentials.len());
    for (i, c) in request.credentials.iter().enumerate() {
        let field = |name: &str| format!("credentials[{i}].{name}");
        let (key, _) = authenticator::private_key_from_pem(&c.private_key)
            .map_err(|e| ApiError::invalid_request(format!("{}: {e}", field("private_key"))))?;
        let user_handle = match (&c.user_handle, &c.user_id) {
            (Some(handle), _) => Some(decode(&field("user_handle"), handle)?),
            (None, Some(user_id)) => Some(crate::webauthn::user_handle(user_id).as_ref().to_vec()),
            (None, None) => None,
        };
        credentials.push(CredentialRecord {
            cred_id: decode(&field("cred_id"), &c.cred_id)?,
            rp_id: c.rp_id.clone(),
            user_handle,
            private_key: key,
            sign_count: c.sign_count,
            created_at: now,
        });
    }
    if let Some(id) = &request.id {
        // RFC 3986 `pchar` without percent-escapes: what a path segment holds as it is
        // (emails such as `grace@example.com` included).
        let segment = |c: char| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c);
        if id.is_empty() || id.len() > 128 || !id.chars().all(segment) {
            return Err(ApiError::invalid_request(format!(
                "id: `{id}` must be 1 to 128 characters that a URL path segment holds as they \
                 are (letters, digits and -._~!$&'()*+,;=:@; it is part of the authenticator's \
                 URLs)"
            )));
        }
    }
    let record = AuthenticatorRecord {
        id: request.id.clone().unwrap_or_else(new_id),
        name: request
            .name
            .clone()
            .unwrap_or_else(|| "Virtual authenticator".into()),
        aaguid: aaguid.to_owned(),
        algorithm: algorithm.as_str().to_owned(),
        sign_count: request.sign_count.unwrap_or(true),
        private_key,
        created_at: now,
    };
    state.store.put_authenticator(&record, &credentials).await?;
    let view = VirtualAuthenticator::new(record, credentials).map_err(ApiError::internal)?;
    Ok((StatusCode::CREATED, Json(view)))
}

async fn load(
    state: &AppState,
    id: &str,
) -> ApiResult<(AuthenticatorRecord, Vec<CredentialRecord>)> {
    let record = state
        .store
        .authenticator(id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let credentials = state.store.authenticator_credentials(id).await?;
    Ok((record, credentials))
}

#[utoipa::path(
    get,
    path = "/authenticators",
    tag = "emulator",
    responses(
        (status = 200, description = "Every virtual authenticator.", body = AuthenticatorList),
    ),
)]
pub async fn list_authenticators(
    State(state): State<AppState>,
) -> ApiResult<Json<AuthenticatorList>> {
    let mut authenticators = Vec::new();
    for record in state.store.authenticators().await? {
        let credentials = state.store.authenticator_credentials(&record.id).await?;
        authenticators
            .push(VirtualAuthenticator::new(record, credentials).map_err(ApiError::internal)?);
    }
    Ok(Json(AuthenticatorList { authenticators }))
}

#[utoipa::path(
    get,
    path = "/authenticators/{authenticator_id}",
    tag = "emulator",
    responses(
        (status = 200, description = "One virtual authenticator.", body = VirtualAuthenticator),
        crate::openapi::NotFound,
    ),
)]
pub async fn get_authenticator(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<VirtualAuthenticator>> {
    let (record, credentials) = load(&state, &id).await?;
    let view = VirtualAuthenticator::new(record, credentials).map_err(ApiError::internal)?;
    Ok(Json(view))
}

#[utoipa::path(
    delete,
    path = "/authenticators/{authenticator_id}",
    tag = "emulator",
    responses(
        (status = 200, description = "The authenticator was deleted.", body = Deleted),
        crate::openapi::NotFound,
    ),
)]
pub async fn delete_authenticator(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Deleted>> {
    if state.store.delete_authenticator(&id).await? {
        Ok(Json(Deleted { deleted: 1 }))
    } else {
        Err(not_found(&id))
    }
}

/// The settings `crate::authenticator` takes.
fn spec(record: &AuthenticatorRecord) -> ApiResult<Spec> {
    Ok(Spec {
        aaguid: aaguid_bytes(&record.aaguid)?,
        algorithm: Algorithm::parse(&record.algorithm)
            .ok_or_else(|| ApiError::internal(format!("algorithm {}", record.algorithm)))?,
        sign_count: record.sign_count,
        private_key: record.private_key.clone(),
    })
}

/// The origin the "browser" is on: the request's, else the auth_origin of the app whose
/// handshake this is.
async fn origin(state: &AppState, request: &CeremonyRequest) -> ApiResult<String> {
    if let Some(origin) = &request.origin {
        return Ok(origin.clone());
    }
    let app_id = state
        .store
        .handshake_app(&request.handshake.id)
        .await?
        .ok_or_else(|| {
            ApiError::invalid_request(format!(
                "handshake {} is not pending (finished or never started); pass \"origin\"",
                request.handshake.id
            ))
        })?;
    let app = crate::api::common::load_app(state, &app_id).await?;
    Ok(app.settings.auth_origin)
}

/// The credentials an authenticator holds that a ceremony can use, as `crate::authenticator`
/// takes them: those for the options' rp id and, when the options list credentials
/// (`allowCredentials`, `excludeCredentials`), only those.
fn held(stored: &[CredentialRecord], public_key: &Value) -> Vec<Credential> {
    let rp_id = public_key["rpId"]
        .as_str()
        .or_else(|| public_key["rp"]["id"].as_str());
    let listed = public_key["allowCredentials"]
        .as_array()
        .or_else(|| public_key["excludeCredentials"].as_array())
        .map(|list| {
            list.iter()
                .filter_map(|d| d["id"].as_str())
                .filter_map(|id| URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).ok())
                .collect::<Vec<_>>()
        });
    let registering = public_key.get("excludeCredentials").is_some();
    stored
        .iter()
        .filter(|c| rp_id.is_none_or(|rp| c.rp_id == rp))
        .filter(|c| match &listed {
            Some(ids) if !ids.is_empty() || registering => ids.contains(&c.cred_id),
            _ => true,
        })
        .map(|c| Credential {
            cred_id: c.cred_id.clone(),
            rp_id: c.rp_id.clone(),
            user_handle: c.user_handle.clone(),
            private_key: c.private_key.clone(),
            sign_count: c.sign_count.and_then(|n| u32::try_from(n).ok()),
        })
        .collect()
}

fn refused(error: String) -> ApiError {
    ApiError::invalid_request(format!("virtual authenticator: {error}"))
}

/// What a ceremony needs: the authenticator's settings, the credentials it can use, where the
/// "browser" is, and what is stored (to write changes back).
struct Prepared {
    spec: Spec,
    usable: Vec<Credential>,
    origin: String,
    stored: Vec<CredentialRecord>,
}

async fn prepare(state: &AppState, id: &str, request: &CeremonyRequest) -> ApiResult<Prepared> {
    let (record, stored) = load(state, id).await?;
    Ok(Prepared {
        spec: spec(&record)?,
        usable: held(&stored, &request.handshake.challenge["publicKey"]),
        origin: origin(state, request).await?,
        stored,
    })
}

#[utoipa::path(
    post,
    path = "/authenticators/{authenticator_id}/register",
    tag = "emulator",
    request_body = CeremonyRequest,
    responses(
        (status = 200, description = "The credential the authenticator created, to send to the finish call.", body = CeremonyResponse),
        crate::openapi::NotFound,
    ),
)]
pub async fn register(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<CeremonyRequest>,
) -> ApiResult<Json<CeremonyResponse>> {
    let ready = prepare(&state, &id, &request).await?;
    let options = request.handshake.challenge.clone();
    let (response, created) =
        authenticator::register(&ready.spec, &ready.usable, &ready.origin, options)
            .await
            .map_err(refused)?;
    let created = CredentialRecord {
        cred_id: created.cred_id,
        rp_id: created.rp_id,
        user_handle: created.user_handle,
        private_key: created.private_key,
        sign_count: created.sign_count.map(i64::from),
        created_at: state.clock.timestamp().0,
    };
    state
        .store
        .put_authenticator_credential(&id, &created)
        .await?;
    Ok(Json(CeremonyResponse::answering(request, response)))
}

#[utoipa::path(
    post,
    path = "/authenticators/{authenticator_id}/login",
    tag = "emulator",
    request_body = CeremonyRequest,
    responses(
        (status = 200, description = "The assertion the authenticator made, to send to the finish call.", body = CeremonyResponse),
        crate::openapi::NotFound,
    ),
)]
pub async fn login(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<CeremonyRequest>,
) -> ApiResult<Json<CeremonyResponse>> {
    let ready = prepare(&state, &id, &request).await?;
    let options = request.handshake.challenge.clone();
    let (response, updated) =
        authenticator::login(&ready.spec, &ready.usable, &ready.origin, options)
            .await
            .map_err(refused)?;
    if let Some(updated) = updated
        && let Some(before) = ready.stored.iter().find(|c| c.cred_id == updated.cred_id)
    {
        let changed = CredentialRecord {
            sign_count: updated.sign_count.map(i64::from),
            ..before.clone()
        };
        state
            .store
            .put_authenticator_credential(&id, &changed)
            .await?;
    }
    Ok(Json(CeremonyResponse::answering(request, response)))
}

/// A start response's `handshake`, kept as JSON: `challenge` goes to the authenticator as is.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct StartedHandshake {
    pub id: String,
    pub challenge: Value,
}

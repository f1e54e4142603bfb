//! Extractors that fail in Passage's error shape instead of axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, RawPathParams, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::state::AppState;
use crate::domain::app::App;
use crate::domain::ids::{hash_secret, is_plausible_id};
use crate::error::ApiError;
use crate::store::KeyCheck;

/// A JSON object body, parsed whatever the Content-Type (curl users forget it; the SDKs always
/// send it). An empty body reads as `{}`. Errors name the offending field.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

/// A JSON array body (the metadata-schema endpoint takes one); otherwise as [`ApiJson`].
#[derive(Debug)]
pub struct ApiJsonArray<T>(pub Vec<T>);

/// The JSON kind a body must have.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Object,
    Array,
}

/// Reads the body as JSON of `kind` and converts it to `T`: syntax errors are reported before
/// the kind, and the kind before any field error.
async fn json_body<S, T>(request: Request, state: &S, kind: Kind) -> Result<T, ApiError>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    let bytes = Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            ApiError::invalid_request(format!("Cannot read the request body: {rejection}"))
        })?;
    let value: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(&bytes).map_err(|error| {
            ApiError::invalid_request(format!("The request body is not valid JSON: {error}"))
        })?
    };
    match (kind, &value) {
        (Kind::Object, Value::Object(_)) | (Kind::Array, Value::Array(_)) => from_value(value),
        (Kind::Object, _) => Err(ApiError::invalid_request(
            "The request body must be a JSON object.",
        )),
        (Kind::Array, _) => Err(ApiError::invalid_request(
            "The request body must be a JSON array.",
        )),
    }
}

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        json_body(request, state, Kind::Object).await.map(ApiJson)
    }
}

impl<S, T> FromRequest<S> for ApiJsonArray<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        json_body(request, state, Kind::Array)
            .await
            .map(ApiJsonArray)
    }
}

/// Converts a parsed body into `T`, naming the path of the first bad field
/// (`user_metadata.age: invalid type ...`).
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if path == "." {
            ApiError::invalid_request(format!("Invalid request body: {inner}"))
        } else {
            ApiError::invalid_request(format!("{path}: {inner}"))
        }
    })
}

/// Path parameters; an undecodable one is answered as 400 `invalid_request`.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|rejection| ApiError::invalid_request(format!("Bad path: {rejection}")))
    }
}

/// The bearer credential of a request; `what` names it in the error ("API key").
fn bearer<'a>(parts: &'a Parts, what: &str) -> Result<&'a str, ApiError> {
    let missing = || {
        ApiError::invalid_access_token(format!(
            "Missing {what}: send the header `Authorization: Bearer <{what}>`."
        ))
    };
    let value = parts.headers.get(AUTHORIZATION).ok_or_else(missing)?;
    let value = value.to_str().map_err(|_| missing())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(missing)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(missing());
    }
    Ok(token)
}

/// The `{app_id}` of the route, checked for shape.
async fn path_app_id(parts: &mut Parts) -> Result<String, ApiError> {
    let params = RawPathParams::from_request_parts(parts, &())
        .await
        .map_err(|rejection| ApiError::invalid_request(format!("Bad path: {rejection}")))?;
    let app_id = params
        .iter()
        .find(|(name, _)| *name == "app_id")
        .map(|(_, value)| value.to_owned())
        .ok_or_else(ApiError::app_not_found)?;
    if is_plausible_id(&app_id) {
        Ok(app_id)
    } else {
        Err(ApiError::app_not_found())
    }
}

/// A Management API caller: the app of the path exists and the bearer is one of its API keys
/// (or the emulator's admin key, standing in for Passage's console session).
#[derive(Debug, Clone)]
pub struct ManagementAuth {
    pub app_id: String,
}

impl FromRequestParts<AppState> for ManagementAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let app_id = path_app_id(parts).await?;
        let key_hash = hash_secret(bearer(parts, "API key")?);
        match state.store.check_api_key(&app_id, &key_hash).await? {
            KeyCheck::NoSuchApp => Err(ApiError::app_not_found()),
            KeyCheck::Valid => Ok(Self { app_id }),
            KeyCheck::Invalid if key_hash == *state.admin_key_hash => Ok(Self { app_id }),
            KeyCheck::Invalid => Err(ApiError::invalid_access_token(format!(
                "The API key is not valid for app {app_id}."
            ))),
        }
    }
}

/// Whether the bearer is the emulator's admin key (401 when there is no bearer).
fn holds_admin_key(parts: &Parts, state: &AppState) -> Result<bool, ApiError> {
    Ok(hash_secret(bearer(parts, "API key")?) == *state.admin_key_hash)
}

/// A caller holding the emulator's admin key: needed where no app exists yet (`POST /apps`).
#[derive(Debug, Clone, Copy)]
pub struct AdminAuth;

impl FromRequestParts<AppState> for AdminAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if holds_admin_key(parts, state)? {
            Ok(Self)
        } else {
            Err(ApiError::invalid_access_token(
                "This console endpoint needs the emulator's admin key (--admin-key).",
            ))
        }
    }
}

/// A caller of a console operation on an app (changing or deleting it, its API keys, its
/// metadata schema): the app exists and the bearer is the emulator's admin key. An app's own
/// API key covers the SDKs' operations only, as in Passage, where these were the console's.
#[derive(Debug, Clone)]
pub struct ConsoleAuth {
    pub app_id: String,
}

impl FromRequestParts<AppState> for ConsoleAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let app_id = path_app_id(parts).await?;
        let admin = holds_admin_key(parts, state)?;
        if !state.store.app_exists(&app_id).await? {
            return Err(ApiError::app_not_found());
        }
        if admin {
            Ok(Self { app_id })
        } else {
            Err(ApiError::invalid_access_token(
                "This console operation needs the emulator's admin key (--admin-key); an \
                 app's API key covers the SDKs' operations only.",
            ))
        }
    }
}

/// A caller of `GET /apps/{app_id}`, whose bearer is optional in Passage's spec
/// (`security: [{}, {bearerAuth: []}]`): no credential is fine, a wrong one is not.
#[derive(Debug, Clone)]
pub struct OptionalManagementAuth {
    pub app_id: String,
}

impl FromRequestParts<AppState> for OptionalManagementAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if parts.headers.contains_key(AUTHORIZATION) {
            let ManagementAuth { app_id } =
                ManagementAuth::from_request_parts(parts, state).await?;
            return Ok(Self { app_id });
        }
        let app_id = path_app_id(parts).await?;
        if state.store.app_exists(&app_id).await? {
            Ok(Self { app_id })
        } else {
            Err(ApiError::app_not_found())
        }
    }
}

/// The `{app_id}` of an Auth API or emulator route, checked for shape (a malformed one is an
/// unknown app). Whether the app exists is the handler's question.
#[derive(Debug, Clone)]
pub struct PathApp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathApp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        path_app_id(parts).await.map(PathApp)
    }
}

/// The Auth API's base URL as this request reached it: `https://auth.passage.id/v1` when routed
/// by Host, otherwise `http://{Host}/auth/v1`.
#[derive(Debug, Clone)]
pub struct AuthBase(pub String);

impl<S: Send + Sync> FromRequestParts<S> for AuthBase {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if parts.extensions.get::<super::PublicPrefix>().is_some() {
            return Ok(Self("https://auth.passage.id/v1".into()));
        }
        let host = parts
            .headers
            .get(axum::http::header::HOST)
            .and_then(|value| value.to_str().ok())
            .filter(|host| !host.is_empty())
            .unwrap_or("127.0.0.1");
        Ok(Self(format!("http://{host}/auth/v1")))
    }
}

impl AuthBase {
    /// The emulator's own origin under an Auth API base this extractor made
    /// (`https://auth.passage.id` under Host routing).
    pub fn origin_of(auth_base: &str) -> &str {
        auth_base
            .strip_suffix("/auth/v1")
            .or_else(|| auth_base.strip_suffix("/v1"))
            .unwrap_or(auth_base)
    }
}

/// A signed-in user of the Auth API's current-user endpoints: the bearer is an auth token of
/// the app in the path, valid at the emulator's time, of a user that still exists.
#[derive(Debug, Clone)]
pub struct UserAuth {
    pub app: App,
    pub user_id: String,
}

impl FromRequestParts<AppState> for UserAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let app_id = path_app_id(parts).await?;
        let app = state
            .store
            .app(&app_id)
            .await?
            .ok_or_else(ApiError::app_not_found)?;
        let token = bearer(parts, "auth token")?;
        let claims = state.verify_auth_token(&app, token).await?.map_err(|why| {
            ApiError::invalid_access_token(format!("The auth token is not valid: {why}."))
        })?;
        // The cached read: the handler reads the same user again.
        if state
            .store
            .user_with_devices(&app_id, &claims.sub)
            .await?
            .is_none()
        {
            return Err(ApiError::user_not_found());
        }
        Ok(Self {
            app,
            user_id: claims.sub,
        })
    }
}

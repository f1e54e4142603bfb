//! Hosted login's token and userinfo endpoints. The access token is a Passage auth token (the
//! same JWT every other login gives), the refresh token a Passage refresh token, and the ID
//! token an RS256 JWT signed with the app's key, verifiable against the app's JWKS.

use axum::Json;
use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::hosted::KIND;
use super::hosted_models::{OAuthError, TokenRequest, TokenResponse, UserInfoResponse};
use super::session::{self, Family};
use super::tokens::rotate;
use crate::api::common::{active_user, load_app};
use crate::api::oauth;
use crate::domain::app::App;
use crate::domain::oidc::{IdTokenClaims, IdTokenGrant};
use crate::domain::tokens::SigningKey;
use crate::http::AppState;
use crate::http::extract::{AuthBase, PathApp};
use crate::http::query::ApiForm;

type OAuthResult<T> = Result<T, OAuthError>;

/// Passage (hosted): `POST /token` with `grant_type=authorization_code` (`code`,
/// `redirect_uri`, `code_verifier`, `client_id`) or `grant_type=refresh_token`. Parameters may
/// come in the form body or the query; the client may authenticate with HTTP Basic.
///
/// Emulator: the client secret is not checked (the emulator keeps none); the client id must
/// be the app id.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/token",
    tag = "auth",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Tokens.", body = TokenResponse),
        (status = 400, description = "An OAuth error.", body = super::hosted_models::OAuthErrorBody),
        (status = 401, description = "An OAuth error (invalid_client).", body = super::hosted_models::OAuthErrorBody),
    ),
)]
pub async fn token(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    AuthBase(base): AuthBase,
    headers: HeaderMap,
    form: Result<ApiForm<TokenRequest>, crate::error::ApiError>,
) -> OAuthResult<Response> {
    let ApiForm(request) = form?;
    let app = load_app(&state, &app_id).await?;
    let client_id = basic_client_id(&headers).unwrap_or_else(|| request.client_id.clone());
    if client_id != app_id {
        return Err(OAuthError::new(
            "invalid_client",
            format!("client_id `{client_id}` is not this app's client id (the app id)"),
        ));
    }
    let (user_id, family, nonce, auth_time) = match request.grant_type.as_str() {
        "authorization_code" => {
            let code =
                oauth::redeem_code(&state, &app_id, KIND, &request.code, &request.code_verifier)
                    .await
                    .map_err(|error| OAuthError::from_api("invalid_grant", error))?;
            if !request.redirect_uri.is_empty() && request.redirect_uri != code.redirect_uri {
                return Err(OAuthError::new(
                    "invalid_grant",
                    "redirect_uri: not the one the authorization was made for",
                ));
            }
            let user_id = code
                .user_id
                .ok_or_else(|| OAuthError::new("server_error", "a hosted code without a user"))?;
            (user_id, Family::New, code.nonce, code.auth_time)
        }
        "refresh_token" => {
            let (user_id, family) = rotate(&state, &app, &request.refresh_token)
                .await
                .map_err(|error| OAuthError::from_api("invalid_grant", error))?;
            let now = state.clock.timestamp().unix_seconds();
            (user_id, family, String::new(), now)
        }
        other => {
            return Err(OAuthError::new(
                "unsupported_grant_type",
                format!("grant_type `{other}`: use authorization_code or refresh_token"),
            ));
        }
    };
    let user = active_user(&state, &app_id, &user_id)
        .await
        .map_err(|error| OAuthError::from_api("invalid_grant", error))?;
    let session = session::issue(&state, &app, &user_id, family).await?;
    let issuer = format!("{base}/apps/{app_id}");
    let now = state.clock.timestamp().unix_seconds();
    let claims = IdTokenClaims::new(&IdTokenGrant {
        issuer: &issuer,
        app_id: &app_id,
        user: &user,
        access_token: &session.auth_token,
        nonce: &nonce,
        auth_time,
        now,
        lifetime: id_token_lifetime(&app),
    });
    let key = signing_key(&state, &app).await?;
    let id_token = key
        .sign(&claims)
        .map_err(|why| OAuthError::new("server_error", why))?;
    let body = TokenResponse {
        access_token: session.auth_token,
        token_type: "Bearer",
        expires_in: app.settings.session_timeout_length,
        refresh_token: session.refresh_token,
        id_token,
        scope: "openid",
    };
    let mut response = Json(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The app's `id_token_lifetime`, or its session length when it set none.
fn id_token_lifetime(app: &App) -> i64 {
    app.settings
        .id_token_lifetime
        .filter(|lifetime| *lifetime > 0)
        .unwrap_or(app.settings.session_timeout_length)
}

async fn signing_key(state: &AppState, app: &App) -> OAuthResult<SigningKey> {
    state
        .store
        .active_signing_key(&app.id)
        .await
        .map_err(crate::error::ApiError::from)?
        .ok_or_else(|| OAuthError::new("server_error", "the app has no signing key"))
}

/// The client id of an `Authorization: Basic` header (client_secret_basic).
fn basic_client_id(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, _secret) = decoded.split_once(':')?;
    percent_encoding::percent_decode_str(id)
        .decode_utf8()
        .ok()
        .map(|id| id.into_owned())
}

/// Passage (hosted): `GET` or `POST /userinfo` with `Authorization: Bearer <access token>`.
#[utoipa::path(
    method(get, post),
    path = "/apps/{app_id}/userinfo",
    tag = "auth",
    security(("auth_token" = [])),
    responses(
        (status = 200, description = "Claims about the signed-in user.", body = UserInfoResponse),
        (status = 400, description = "An OAuth error (no such app).", body = super::hosted_models::OAuthErrorBody),
        (status = 401, description = "An OAuth error (invalid_token).", body = super::hosted_models::OAuthErrorBody),
    ),
)]
pub async fn userinfo(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    headers: HeaderMap,
) -> OAuthResult<Json<UserInfoResponse>> {
    let invalid = |why: &str| OAuthError::new("invalid_token", why.to_owned());
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(|| invalid("an access token (Authorization: Bearer) is required"))?;
    let app = load_app(&state, &app_id).await?;
    let claims = state
        .verify_auth_token(&app, token)
        .await
        .map_err(crate::error::ApiError::from)?
        .map_err(|why| invalid(&format!("the access token is not valid: {why}")))?;
    let user = active_user(&state, &app_id, &claims.sub)
        .await
        .map_err(|error| invalid(&error.message))?;
    Ok(Json(UserInfoResponse {
        sub: user.id,
        email: user.email,
        email_verified: user.email_verified,
        phone: user.phone.clone(),
        phone_number: user.phone,
        phone_number_verified: user.phone_verified,
    }))
}

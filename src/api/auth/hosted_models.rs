//! Hosted login DTOs: OpenID Connect's authorize, token, userinfo and logout parameters and
//! answers (RFC 6749, OpenID Connect Core 1.0), as the mobile SDKs and OIDC clients send them.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// `GET /apps/{app_id}/authorize` (passage-android `HostedUtils.kt`).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuthorizeQuery {
    pub client_id: String,
    pub redirect_uri: String,
    #[serde(default)]
    pub response_type: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub nonce: String,
    #[serde(default)]
    pub code_challenge: String,
    #[serde(default)]
    pub code_challenge_method: String,
    #[serde(default)]
    pub login_hint: String,
}

/// What the hosted page posts when the person signed in (an auth token) or gave up (`error`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteRequest {
    #[serde(default)]
    pub auth_token: String,
    #[serde(default)]
    pub error: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CompleteResponse {
    /// Where the page sends the browser: the app's redirect URI with `code` (or `error`) and
    /// `state`.
    pub redirect_to: String,
}

/// The token endpoint's parameters (form body, or query as passage-android sends them).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    #[serde(default)]
    pub grant_type: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub redirect_uri: String,
    #[serde(default)]
    pub code_verifier: String,
    #[serde(default)]
    pub client_id: String,
    // `client_secret` may come too: the emulator keeps no secret to check it against.
    #[serde(default)]
    pub refresh_token: String,
}

/// RFC 6749 section 5.1, plus the ID token.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub id_token: String,
    pub scope: &'static str,
}

/// OpenID Connect Core section 5.3.2.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserInfoResponse {
    pub sub: String,
    pub email: String,
    pub email_verified: bool,
    pub phone: String,
    pub phone_number: String,
    pub phone_number_verified: bool,
}

/// `GET /apps/{app_id}/logout` (passage-android `HostedUtils.kt`).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogoutQuery {
    #[serde(default)]
    pub id_token_hint: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub post_logout_redirect_uri: String,
    #[serde(default)]
    pub state: String,
}

/// An OAuth error as RFC 6749 section 5.2 shapes it (`{"error","error_description"}`):
/// OpenID Connect clients parse this at the token and userinfo endpoints, not Passage's
/// `{"code","error"}`.
#[derive(Debug)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct OAuthErrorBody<'a> {
    error: &'a str,
    error_description: &'a str,
}

impl OAuthError {
    pub fn new(error: &'static str, description: impl Into<String>) -> Self {
        let status = match error {
            "invalid_client" | "invalid_token" => StatusCode::UNAUTHORIZED,
            "server_error" => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        };
        Self {
            status,
            error,
            description: description.into(),
        }
    }

    /// A Passage error met on the way: its message, under the OAuth code `error`.
    pub fn from_api(error: &'static str, api: ApiError) -> Self {
        if api.status().is_server_error() {
            Self::new("server_error", api.message)
        } else {
            Self::new(error, api.message)
        }
    }
}

impl From<ApiError> for OAuthError {
    fn from(api: ApiError) -> Self {
        Self::from_api("invalid_request", api)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = OAuthErrorBody {
            error: self.error,
            error_description: &self.description,
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.error == "invalid_token" {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        response
    }
}

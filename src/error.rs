//! The one error type. Passage answers every failure with `{"code": "...", "error": "..."}`,
//! and the official SDKs parse `code` against a per-status enum (passage-python drops codes it
//! does not know), so each constructor below pairs a status with a code from that status's list
//! in REFERENCE section 2.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Every error code the emulator answers with. Names are Passage's, serialised in snake_case.
/// The OpenAPI document groups these by [`ErrorCode::status`] into one schema per status
/// (`Error404`, ...), as Passage's own documents do (`404Error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // 400
    InvalidRequest,
    // 401
    InvalidAccessToken,
    InvalidRefreshToken,
    InvalidMagicLink,
    ExceededAttempts,
    WebauthnLoginFailed,
    DiscoverableLoginFailed,
    /// Management (Passkey Flex verify).
    InvalidNonce,
    // 403
    OperationNotAllowed,
    UserNotActive,
    /// Management (Passkey Flex).
    CannotCreateTransaction,
    // 404
    AppNotFound,
    UserNotFound,
    MagicLinkNotFound,
    SocialConnectionNotFound,
    DeviceNotFound,
    ApiKeyNotFound,
    MetadataFieldNotFound,
    /// Management (events). Emulator: Passage's code for an unknown event is not documented.
    EventNotFound,
    /// Management (email templates, console).
    EmailTemplateNotFound,
    /// Management (email provider, console).
    EmailProviderNotFound,
    /// Emulator API only (the inbox): no Passage client reads it.
    MessageNotFound,
    TransactionNotFound,
    /// Emulator API only (virtual authenticators).
    AuthenticatorNotFound,
    /// Emulator API only (the request journal).
    RequestNotFound,
    /// Emulator API only (fault injection).
    FaultNotFound,
    /// Emulator API only (snapshots).
    SnapshotNotFound,
    /// Emulator: no route has this path (Passage's lists have no generic 404).
    RouteNotFound,
    // 405, emulator: the path exists, the method does not (with `Allow`).
    MethodNotAllowed,
    // 413, emulator: a body over the limit.
    PayloadTooLarge,
    // 409
    UserHasNoPasskeys,
    /// Management (claim-app, 2023 spec).
    CannotClaimApp,
    // 500
    InternalServerError,
}

impl ErrorCode {
    /// The status every answer with this code has: one table, so a status and its code
    /// cannot disagree.
    pub fn status(self) -> StatusCode {
        match self {
            Self::InvalidRequest => StatusCode::BAD_REQUEST,
            Self::InvalidAccessToken
            | Self::InvalidRefreshToken
            | Self::InvalidMagicLink
            | Self::ExceededAttempts
            | Self::WebauthnLoginFailed
            | Self::DiscoverableLoginFailed
            | Self::InvalidNonce => StatusCode::UNAUTHORIZED,
            Self::OperationNotAllowed | Self::UserNotActive | Self::CannotCreateTransaction => {
                StatusCode::FORBIDDEN
            }
            Self::AppNotFound
            | Self::UserNotFound
            | Self::MagicLinkNotFound
            | Self::SocialConnectionNotFound
            | Self::DeviceNotFound
            | Self::ApiKeyNotFound
            | Self::MetadataFieldNotFound
            | Self::MessageNotFound
            | Self::EventNotFound
            | Self::EmailTemplateNotFound
            | Self::EmailProviderNotFound
            | Self::TransactionNotFound
            | Self::AuthenticatorNotFound
            | Self::RequestNotFound
            | Self::FaultNotFound
            | Self::SnapshotNotFound
            | Self::RouteNotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::UserHasNoPasskeys | Self::CannotClaimApp => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::InternalServerError => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Passage's error body (`Model4xxError` in the generated clients).
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub error: String,
}

#[derive(Debug)]
pub struct ApiError {
    /// Always `code.status()`: set only by [`ApiError::new`].
    status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    /// An error with `code`; its status follows from the code ([`ErrorCode::status`]).
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status: code.status(),
            code,
            message: message.into(),
        }
    }

    /// The HTTP status, which follows from the code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// 400 `invalid_request`: the message should tell the caller what to fix.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, message)
    }

    /// 401 `invalid_access_token`: missing, malformed or foreign API key.
    pub fn invalid_access_token(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidAccessToken, message)
    }

    /// 401 with another code of the 401 list (`invalid_refresh_token`, `exceeded_attempts`).
    pub fn unauthorized(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(code, message)
    }

    /// 403 `operation_not_allowed` or `user_not_active`.
    pub fn forbidden(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(code, message)
    }

    pub fn user_not_active() -> Self {
        Self::forbidden(ErrorCode::UserNotActive, "User is not active.")
    }

    /// 404 with one of the resource codes (`app_not_found`, `user_not_found`, ...).
    pub fn not_found(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(code, message)
    }

    /// 404 `route_not_found`. Emulator: Passage's per-status code lists have no generic "not
    /// found", so a path no route has gets the emulator's own code, with a message naming the
    /// method and path (a wrong method on a known path is a 405, see `http::shapes`).
    pub fn no_route(method: &axum::http::Method, path: &str) -> Self {
        Self::new(
            ErrorCode::RouteNotFound,
            format!(
                "No such route: {method} {path}. The Management API is under /api/v1, the Auth \
                 API under /auth/v1, the emulator's own API under /_emulator."
            ),
        )
    }

    /// The emulator's answer for a status it made without a code (a method the path does not
    /// take, a body over the limit, an extractor's rejection): the code that status implies.
    pub fn for_status(status: StatusCode, message: impl Into<String>) -> Self {
        let code = match status.as_u16() {
            400 | 415 | 422 => ErrorCode::InvalidRequest,
            401 => ErrorCode::InvalidAccessToken,
            403 => ErrorCode::OperationNotAllowed,
            404 => ErrorCode::RouteNotFound,
            405 => ErrorCode::MethodNotAllowed,
            413 => ErrorCode::PayloadTooLarge,
            _ => ErrorCode::InternalServerError,
        };
        Self::new(code, message)
    }

    /// 409 (`user_has_no_passkeys`).
    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(code, message)
    }

    pub fn user_has_no_passkeys() -> Self {
        Self::conflict(ErrorCode::UserHasNoPasskeys, "User has no passkeys.")
    }

    pub fn app_not_found() -> Self {
        Self::not_found(ErrorCode::AppNotFound, "App not found.")
    }

    pub fn user_not_found() -> Self {
        Self::not_found(ErrorCode::UserNotFound, "User not found.")
    }

    /// 500: logged with its cause; the body carries no internals.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(ErrorCode::InternalServerError, "Internal server error.")
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:?}: {}", self.status, self.code, self.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code,
            error: self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::internal(error)
    }
}

/// A write refused by a unique index is the caller's mistake (400); anything else is ours.
impl From<crate::store::WriteError> for ApiError {
    fn from(error: crate::store::WriteError) -> Self {
        match error {
            crate::store::WriteError::Conflict(message) => Self::invalid_request(message),
            crate::store::WriteError::Database(error) => Self::internal(error),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    /// One table decides the status: a constructor cannot pair a code with another status.
    #[test]
    fn the_status_follows_from_the_code() {
        let user = ApiError::not_found(ErrorCode::UserNotFound, "x");
        assert_eq!(user.status(), StatusCode::NOT_FOUND);
        let mismatched = ApiError::forbidden(ErrorCode::InvalidRequest, "x");
        assert_eq!(mismatched.status(), StatusCode::BAD_REQUEST);
        let media = ApiError::for_status(StatusCode::UNSUPPORTED_MEDIA_TYPE, "x");
        assert_eq!(
            (media.status(), media.code),
            (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest)
        );
        assert_eq!(
            ErrorCode::PayloadTooLarge.status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }
}

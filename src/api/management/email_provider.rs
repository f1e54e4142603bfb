//! The app's email provider (`GET/POST/PATCH /apps/{app_id}/email-provider`) and the console's
//! test email (`POST /apps/{app_id}/email-test`), 2023 spec. Behind the admin key.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::api::common::{deliver_test_email, load_app};
use crate::domain::email_provider::{EmailProvider, EmailProviderResponse, StoredEmailProvider};
use crate::domain::email_templates;
use crate::domain::identifiers::normalize_email;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ConsoleAuth};

fn not_found() -> ApiError {
    ApiError::not_found(
        ErrorCode::EmailProviderNotFound,
        "The app has no email provider: create one with POST.",
    )
}

/// Passage: `getEmailProviderHandler`; 404 `email_provider_not_found` before one is set.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/email-provider",
    tag = "management",
    security(("admin_key" = [])),
    responses(
        (status = 200, description = "The provider (no secrets).", body = EmailProviderResponse),
        crate::openapi::NotFound,
    ),
)]
pub async fn get_email_provider(
    State(state): State<AppState>,
    auth: ConsoleAuth,
) -> ApiResult<Json<EmailProviderResponse>> {
    let app = load_app(&state, &auth.app_id).await?;
    let provider = app.email_provider.as_ref().ok_or_else(not_found)?;
    Ok(Json(EmailProviderResponse::from(provider)))
}

/// Passage: `createEmailProviderHandler`, 201. `type` and `from_address` are required; type
/// `smtp` (the emulator's) needs `config.smtp_url`. One provider per app: a second is a 400.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/email-provider",
    tag = "management",
    security(("admin_key" = [])),
    request_body = EmailProvider,
    responses(
        (status = 201, description = "The provider (no secrets).", body = EmailProviderResponse),
        crate::openapi::BadRequest,
    ),
)]
pub async fn create_email_provider(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiJson(request): ApiJson<EmailProvider>,
) -> ApiResult<(StatusCode, Json<EmailProviderResponse>)> {
    let app = load_app(&state, &auth.app_id).await?;
    if app.email_provider.is_some() {
        return Err(ApiError::invalid_request(
            "The app has an email provider already: change it with PATCH.",
        ));
    }
    let provider = StoredEmailProvider::apply(None, request).map_err(ApiError::invalid_request)?;
    state.store.put_email_provider(&app.id, &provider).await?;
    Ok((
        StatusCode::CREATED,
        Json(EmailProviderResponse::from(&provider)),
    ))
}

/// Passage: `updateEmailProviderHandler`: the members given change.
#[utoipa::path(
    patch,
    path = "/apps/{app_id}/email-provider",
    tag = "management",
    security(("admin_key" = [])),
    request_body = EmailProvider,
    responses(
        (status = 200, description = "The provider as changed (no secrets).", body = EmailProviderResponse),
        crate::openapi::BadRequest,
        crate::openapi::NotFound,
    ),
)]
pub async fn update_email_provider(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiJson(request): ApiJson<EmailProvider>,
) -> ApiResult<Json<EmailProviderResponse>> {
    let app = load_app(&state, &auth.app_id).await?;
    let base = app.email_provider.as_ref().ok_or_else(not_found)?;
    let provider =
        StoredEmailProvider::apply(Some(base), request).map_err(ApiError::invalid_request)?;
    state.store.put_email_provider(&app.id, &provider).await?;
    Ok(Json(EmailProviderResponse::from(&provider)))
}

/// Passage: `SendEmailRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendEmailRequest {
    pub html_template: String,
    pub recipient_email: String,
    pub subject: String,
    /// The template's data (`{{.name}}` reads `variables.name`).
    #[serde(default)]
    pub variables: Map<String, Value>,
}

/// Passage: `sendTestEmailHandler`, 200 without a body: the subject and HTML, rendered with the
/// request's `variables`, go to the inbox (kind `email_test`) and to the app's `smtp`
/// provider and `--smtp-relay` if any. An unknown variable is a 400 naming it.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/email-test",
    tag = "management",
    security(("admin_key" = [])),
    request_body = SendEmailRequest,
    responses(
        (status = 200, description = "The email is in the inbox."),
        crate::openapi::BadRequest,
    ),
)]
pub async fn send_test_email(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiJson(request): ApiJson<SendEmailRequest>,
) -> ApiResult<StatusCode> {
    let app = load_app(&state, &auth.app_id).await?;
    let recipient = normalize_email(&request.recipient_email)
        .map_err(|error| ApiError::invalid_request(format!("recipient_email: {error}")))?;
    if request.subject.len() > email_templates::SUBJECT_LIMIT
        || request.html_template.len() > email_templates::HTML_LIMIT
    {
        return Err(ApiError::invalid_request(
            "subject or html_template: too long",
        ));
    }
    let data = json!(request.variables);
    let (subject, html) =
        email_templates::render_with(&request.subject, &request.html_template, &data)
            .map_err(ApiError::invalid_request)?;
    deliver_test_email(&state, &app, &recipient, subject, html).await?;
    Ok(StatusCode::OK)
}

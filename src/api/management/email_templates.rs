//! Email templates (2023 spec, console): list (the app's, or the default of each type), create,
//! read, change, delete (204). An enabled template is what the inbox message of its type is
//! rendered from (`api::common::deliver`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::api::common::load_app;
use crate::domain::app::App;
use crate::domain::email_templates::{self, EmailTemplate, EmailTemplateType};
use crate::domain::ids::new_id;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, ConsoleAuth};
use crate::store::WriteError;

/// Passage: the list's `{templates}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListEmailTemplatesResponse {
    pub templates: Vec<EmailTemplate>,
}

/// Passage: `{template}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmailTemplateResponse {
    pub template: EmailTemplate,
}

/// Passage: `CreateEmailTemplateRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEmailTemplateRequest {
    #[serde(default)]
    pub enabled: bool,
    #[serde(rename = "type")]
    pub template_type: EmailTemplateType,
    pub html: String,
    pub subject: String,
}

/// Passage: `UpdateEmailTemplateRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEmailTemplateRequest {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub html: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
}

fn check(app: &App, subject: &str, html: &str) -> ApiResult<()> {
    email_templates::check(app, subject, html).map_err(ApiError::invalid_request)
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(
        ErrorCode::EmailTemplateNotFound,
        format!("No email template {id}."),
    )
}

fn find(app: &App, id: &str) -> ApiResult<EmailTemplate> {
    app.email_templates
        .iter()
        .find(|template| template.id == id)
        .cloned()
        .ok_or_else(|| not_found(id))
}

/// Passage: `listEmailTemplatesHandler`: one template per type, the app's or the default
/// (`id` `""`).
#[utoipa::path(
    get,
    path = "/apps/{app_id}/email-templates",
    tag = "management",
    security(("admin_key" = [])),
    responses((status = 200, description = "A template of each type.", body = ListEmailTemplatesResponse)),
)]
pub async fn list_email_templates(
    State(state): State<AppState>,
    auth: ConsoleAuth,
) -> ApiResult<Json<ListEmailTemplatesResponse>> {
    let app = load_app(&state, &auth.app_id).await?;
    let templates = EmailTemplateType::ALL
        .into_iter()
        .map(|kind| {
            let own = app.email_templates.iter().find(|t| t.template_type == kind);
            own.cloned().unwrap_or_else(|| {
                let (subject, html) = kind.default_template();
                EmailTemplate {
                    id: String::new(),
                    enabled: false,
                    template_type: kind,
                    html: html.to_owned(),
                    subject: subject.to_owned(),
                }
            })
        })
        .collect();
    Ok(Json(ListEmailTemplatesResponse { templates }))
}

/// Passage: `createEmailTemplateHandler`, 201. One template per type: a second is a 400.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/email-templates",
    tag = "management",
    security(("admin_key" = [])),
    request_body = CreateEmailTemplateRequest,
    responses(
        (status = 201, description = "The template.", body = EmailTemplateResponse),
        crate::openapi::BadRequest,
    ),
)]
pub async fn create_email_template(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiJson(request): ApiJson<CreateEmailTemplateRequest>,
) -> ApiResult<(StatusCode, Json<EmailTemplateResponse>)> {
    let app = load_app(&state, &auth.app_id).await?;
    check(&app, &request.subject, &request.html)?;
    let template = EmailTemplate {
        id: new_id(),
        enabled: request.enabled,
        template_type: request.template_type,
        html: request.html,
        subject: request.subject,
    };
    let now = state.clock.timestamp();
    match state
        .store
        .insert_email_template(&app.id, &template, now)
        .await
    {
        Ok(()) => Ok((
            StatusCode::CREATED,
            Json(EmailTemplateResponse { template }),
        )),
        Err(WriteError::Conflict(message)) => Err(ApiError::invalid_request(message)),
        Err(WriteError::Database(error)) => Err(error.into()),
    }
}

/// Passage: `getEmailTemplateHandler`.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/email-templates/{template_id}",
    tag = "management",
    security(("admin_key" = [])),
    responses(
        (status = 200, description = "The template.", body = EmailTemplateResponse),
        crate::openapi::NotFound,
    ),
)]
pub async fn get_email_template(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiPath((_app_id, id)): ApiPath<(String, String)>,
) -> ApiResult<Json<EmailTemplateResponse>> {
    let app = load_app(&state, &auth.app_id).await?;
    Ok(Json(EmailTemplateResponse {
        template: find(&app, &id)?,
    }))
}

/// Passage: `updateEmailTemplateHandler`: the members given change.
#[utoipa::path(
    patch,
    path = "/apps/{app_id}/email-templates/{template_id}",
    tag = "management",
    security(("admin_key" = [])),
    request_body = UpdateEmailTemplateRequest,
    responses(
        (status = 200, description = "The template as changed.", body = EmailTemplateResponse),
        crate::openapi::BadRequest,
        crate::openapi::NotFound,
    ),
)]
pub async fn update_email_template(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiPath((_app_id, id)): ApiPath<(String, String)>,
    ApiJson(request): ApiJson<UpdateEmailTemplateRequest>,
) -> ApiResult<Json<EmailTemplateResponse>> {
    let app = load_app(&state, &auth.app_id).await?;
    let mut template = find(&app, &id)?;
    if let Some(enabled) = request.enabled {
        template.enabled = enabled;
    }
    if let Some(html) = request.html {
        template.html = html;
    }
    if let Some(subject) = request.subject {
        template.subject = subject;
    }
    check(&app, &template.subject, &template.html)?;
    if !state
        .store
        .update_email_template(&app.id, &template)
        .await?
    {
        return Err(not_found(&id));
    }
    Ok(Json(EmailTemplateResponse { template }))
}

/// Passage: `deleteEmailTemplateHandler`, **204**; the type's default applies again.
#[utoipa::path(
    delete,
    path = "/apps/{app_id}/email-templates/{template_id}",
    tag = "management",
    security(("admin_key" = [])),
    responses(
        (status = 204, description = "The template was deleted."),
        crate::openapi::NotFound,
    ),
)]
pub async fn delete_email_template(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiPath((_app_id, id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    if state.store.delete_email_template(&auth.app_id, &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found(&id))
    }
}

//! `POST /apps/{app_id}/import/users` (2023 spec, console): users from a CSV file, sent as
//! Passage's console sent it (multipart/form-data, field `csv_user_import`) or as the body
//! itself (`text/csv`). Bad rows are reported by line; good rows are imported, all in one
//! transaction; rows naming a user the app has are reported as existing.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, header};
use serde::Serialize;
use std::collections::BTreeMap;

use crate::api::common::load_app;
use crate::domain::user_import::{self, ParsedImport};
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::http::extract::ConsoleAuth;
use crate::store::WriteError;

/// The most a file may weigh: 30,000 users of a few hundred bytes.
const FILE_LIMIT: usize = 16 * 1024 * 1024;

/// Passage: `UserCSVImportError`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserCsvImportError {
    pub errors: Vec<String>,
    pub identifier: String,
}

/// Passage: `UserCSVImportResponse`. `imported` and `existing` list each user as
/// `{id, email, phone, line}` (strings).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserCsvImportResponse {
    pub errors: Vec<UserCsvImportError>,
    pub existing: Vec<BTreeMap<String, String>>,
    pub imported: Vec<BTreeMap<String, String>>,
    pub num_users_errored: usize,
    pub num_users_existing: usize,
    pub num_users_imported: usize,
    pub num_users_received: usize,
}

/// The CSV text: the `csv_user_import` part of a multipart body, or the whole body.
async fn csv_text(headers: &HeaderMap, body: Bytes) -> ApiResult<String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let bytes = if content_type.starts_with("multipart/form-data") {
        let boundary = multer::parse_boundary(content_type)
            .map_err(|error| ApiError::invalid_request(format!("multipart body: {error}")))?;
        let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
        let mut multipart = multer::Multipart::new(stream, boundary);
        let mut file = None;
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|error| ApiError::invalid_request(format!("multipart body: {error}")))?
        {
            if field.name() == Some("csv_user_import") {
                file = Some(field.bytes().await.map_err(|error| {
                    ApiError::invalid_request(format!("csv_user_import: {error}"))
                })?);
            }
        }
        file.ok_or_else(|| ApiError::invalid_request("csv_user_import: required (the CSV file)"))?
    } else {
        body
    };
    String::from_utf8(bytes.to_vec())
        .map_err(|_| ApiError::invalid_request("csv_user_import: not UTF-8 text"))
}

fn listed(
    user: &crate::domain::fixtures::FixtureUser,
    line: usize,
    id: Option<&str>,
) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("id".to_owned(), id.unwrap_or(&user.id).to_owned()),
        ("email".to_owned(), user.email.clone()),
        ("phone".to_owned(), user.phone.clone()),
        ("line".to_owned(), line.to_string()),
    ])
}

/// Passage: `import-users`.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/import/users",
    tag = "management",
    security(("admin_key" = [])),
    request_body(content = String, description = "CSV: multipart/form-data with the file in `csv_user_import`, or the CSV itself as text/csv. Columns: id, email, email_verified, phone, phone_verified, status, created_at, user_metadata (JSON), external_id.", content_type = "text/csv"),
    responses(
        (status = 200, description = "What was imported, what existed, what was wrong.", body = UserCsvImportResponse),
        crate::openapi::BadRequest,
    ),
)]
pub async fn import_users(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<UserCsvImportResponse>> {
    let body = axum::body::to_bytes(body, FILE_LIMIT).await.map_err(|_| {
        ApiError::invalid_request(format!(
            "The file is over {} MiB.",
            FILE_LIMIT / (1024 * 1024)
        ))
    })?;
    let text = csv_text(&headers, body).await?;
    let app = load_app(&state, &auth.app_id).await?;
    let ParsedImport {
        received,
        users,
        errors,
    } = user_import::parse(&text, &app.user_metadata_schema).map_err(ApiError::invalid_request)?;
    let (lines, rows): (Vec<usize>, Vec<_>) = users.into_iter().unzip();
    let outcome = match state
        .store
        .import_users(&app.id, &rows, state.clock.timestamp())
        .await
    {
        Ok(outcome) => outcome,
        Err(WriteError::Conflict(message)) => return Err(ApiError::invalid_request(message)),
        Err(WriteError::Database(error)) => return Err(error.into()),
    };
    let imported: Vec<_> = outcome
        .imported
        .iter()
        .map(|index| listed(&rows[*index], lines[*index], None))
        .collect();
    // An existing row is listed with the id of the user it matched.
    let existing: Vec<_> = outcome
        .existing
        .iter()
        .map(|(index, id)| listed(&rows[*index], lines[*index], Some(id)))
        .collect();
    Ok(Json(UserCsvImportResponse {
        num_users_errored: errors.len(),
        num_users_existing: existing.len(),
        num_users_imported: imported.len(),
        num_users_received: received,
        errors: errors
            .into_iter()
            .map(|error| UserCsvImportError {
                errors: error.errors,
                identifier: error.identifier,
            })
            .collect(),
        existing,
        imported,
    }))
}

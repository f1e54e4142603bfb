//! `GET /_emulator/export[?app_id=][&format=]`: the emulator's state as a document to keep
//! or hand over: by default a fixture document that `--fixtures` loads back ([`crate::export`]);
//! `format=passkeys` is the migration export ([`super::passkey_export`]).

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;

use super::passkey_export::{PasskeyExport, PasskeyExportApp};
use crate::domain::fixtures::FixtureFile;
use crate::error::{ApiError, ApiResult};
use crate::export;
use crate::http::AppState;

#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// A fixture document holding the whole state (docs/FIXTURES.md).
    #[default]
    Fixtures,
    /// Per user, identifiers and passkeys with their public keys (docs/MIGRATION.md).
    Passkeys,
}

/// What the export answers: one of the two documents, by `format`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ExportDocument {
    Fixtures(FixtureFile),
    Passkeys(PasskeyExport),
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// Only this app (default: every app).
    #[serde(default)]
    pub app_id: Option<String>,
    #[serde(default)]
    #[param(inline)]
    pub format: ExportFormat,
}

/// The ids of the apps to export, oldest first: one app, or all of them.
async fn app_ids(state: &AppState, app_id: Option<&str>) -> ApiResult<Vec<String>> {
    match app_id {
        Some(id) => {
            super::check_app_id(state, id).await?;
            Ok(vec![id.to_owned()])
        }
        None => Ok(state.store.app_ids().await?),
    }
}

#[utoipa::path(
    get,
    path = "/export",
    tag = "emulator",
    params(ExportQuery),
    responses(
        (status = 200, description = "The state: a fixture document (docs/FIXTURES.md), or with `format=passkeys` the migration export (docs/MIGRATION.md).", body = ExportDocument),
        crate::openapi::BadRequest,
        crate::openapi::NotFound,
    ),
)]
pub async fn export(
    State(state): State<AppState>,
    query: Result<Query<ExportQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<ExportDocument>> {
    let Query(query) = query.map_err(|error| ApiError::invalid_request(error.body_text()))?;
    let ids = app_ids(&state, query.app_id.as_deref()).await?;
    match query.format {
        ExportFormat::Passkeys => {
            let mut apps = Vec::with_capacity(ids.len());
            for id in ids {
                let Some(app) = state.store.app(&id).await? else {
                    continue;
                };
                let users = state.store.export_users(&id).await?;
                apps.push(PasskeyExportApp::new(&app, users));
            }
            Ok(Json(ExportDocument::Passkeys(PasskeyExport {
                format: "passkeys",
                exported_at: state.clock.timestamp(),
                apps,
            })))
        }
        ExportFormat::Fixtures => {
            let every_app = query.app_id.is_none();
            let document =
                export::fixture_document(&state.store, state.clock.timestamp(), &ids, every_app)
                    .await
                    .map_err(ApiError::internal)?;
            Ok(Json(ExportDocument::Fixtures(document)))
        }
    }
}

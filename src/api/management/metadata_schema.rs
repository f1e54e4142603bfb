//! The user metadata schema (2023 console spec): list and add fields, get, update and delete
//! one field.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::domain::ids::{is_plausible_id, new_id};
use crate::domain::metadata::{UserMetadataField, UserMetadataFieldType, field_name_from_friendly};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiJsonArray, ApiPath, ConsoleAuth};
use crate::store::WriteError;

/// Passage: `UserMetadataSchemaResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserMetadataSchemaResponse {
    pub user_metadata_schema: Vec<UserMetadataField>,
}

/// Passage: `UserMetadataFieldResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserMetadataFieldResponse {
    pub user_metadata_field: UserMetadataField,
}

/// Passage: `CreateUserMetadataField`.
///
/// Emulator: `field_name` may be given; otherwise it is derived from `friendly_name`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateUserMetadataField {
    pub friendly_name: String,
    #[serde(rename = "type")]
    pub field_type: UserMetadataFieldType,
    pub profile: bool,
    pub registration: bool,
    #[serde(default)]
    pub field_name: Option<String>,
}

/// Passage: `UpdateUserMetadataField`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct UpdateUserMetadataField {
    #[serde(default)]
    pub friendly_name: Option<String>,
    #[serde(default)]
    pub profile: Option<bool>,
    #[serde(default)]
    pub registration: Option<bool>,
}

fn field_not_found() -> ApiError {
    ApiError::not_found(
        ErrorCode::MetadataFieldNotFound,
        "Metadata field not found.",
    )
}

async fn schema_response(
    state: &AppState,
    app_id: &str,
) -> ApiResult<Json<UserMetadataSchemaResponse>> {
    let user_metadata_schema = state.store.metadata_schema(app_id).await?;
    Ok(Json(UserMetadataSchemaResponse {
        user_metadata_schema,
    }))
}

/// Passage: `get-app-metadata-schema`.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/user-metadata",
    tag = "management",
    security(("admin_key" = [])),
    responses(
        (status = 200, description = "The app's user metadata fields.", body = UserMetadataSchemaResponse),
    ),
)]
pub async fn get_app_metadata_schema(
    State(state): State<AppState>,
    auth: ConsoleAuth,
) -> ApiResult<Json<UserMetadataSchemaResponse>> {
    schema_response(&state, &auth.app_id).await
}

/// Passage: `add-app-metadata-schema`: the body is an array of new fields; answers the whole
/// schema.
#[utoipa::path(
    post,
    path = "/apps/{app_id}/user-metadata",
    tag = "management",
    security(("admin_key" = [])),
    request_body = Vec<CreateUserMetadataField>,
    responses(
        (status = 200, description = "The fields, the new ones added.", body = UserMetadataSchemaResponse),
    ),
)]
pub async fn add_app_metadata_schema(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiJsonArray(request): ApiJsonArray<CreateUserMetadataField>,
) -> ApiResult<Json<UserMetadataSchemaResponse>> {
    let mut fields: Vec<UserMetadataField> = Vec::with_capacity(request.len());
    for (index, field) in request.into_iter().enumerate() {
        let friendly_name = field.friendly_name.trim().to_owned();
        let field_name = field
            .field_name
            .map(|name| name.trim().to_owned())
            .unwrap_or_else(|| field_name_from_friendly(&friendly_name));
        if friendly_name.is_empty() || field_name.is_empty() {
            return Err(ApiError::invalid_request(format!(
                "[{index}].friendly_name: must name the field"
            )));
        }
        if fields.iter().any(|known| known.field_name == field_name) {
            return Err(ApiError::invalid_request(format!(
                "[{index}]: field `{field_name}` is given twice"
            )));
        }
        fields.push(UserMetadataField {
            id: new_id(),
            field_name,
            friendly_name,
            field_type: field.field_type,
            profile: field.profile,
            registration: field.registration,
        });
    }
    state
        .store
        .add_metadata_fields(&auth.app_id, &fields)
        .await
        .map_err(|error| match error {
            WriteError::Conflict(_) => {
                ApiError::invalid_request("A metadata field with that field_name already exists.")
            }
            WriteError::Database(error) => ApiError::internal(error),
        })?;
    schema_response(&state, &auth.app_id).await
}

async fn field(state: &AppState, app_id: &str, field_id: &str) -> ApiResult<UserMetadataField> {
    if !is_plausible_id(field_id) {
        return Err(field_not_found());
    }
    state
        .store
        .metadata_field(app_id, field_id)
        .await?
        .ok_or_else(field_not_found)
}

/// Passage: `get-metadata-field`.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/user-metadata/{metadata_field_id}",
    tag = "management",
    security(("admin_key" = [])),
    responses((status = 200, description = "One field.", body = UserMetadataFieldResponse)),
)]
pub async fn get_metadata_field(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiPath((_app_id, field_id)): ApiPath<(String, String)>,
) -> ApiResult<Json<UserMetadataFieldResponse>> {
    let user_metadata_field = field(&state, &auth.app_id, &field_id).await?;
    Ok(Json(UserMetadataFieldResponse {
        user_metadata_field,
    }))
}

/// Passage: `update-metadata-field` (friendly name and flags; name and type are fixed).
#[utoipa::path(
    patch,
    path = "/apps/{app_id}/user-metadata/{metadata_field_id}",
    tag = "management",
    security(("admin_key" = [])),
    request_body = UpdateUserMetadataField,
    responses(
        (status = 200, description = "The field as changed.", body = UserMetadataFieldResponse),
    ),
)]
pub async fn update_metadata_field(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiPath((_app_id, field_id)): ApiPath<(String, String)>,
    ApiJson(request): ApiJson<UpdateUserMetadataField>,
) -> ApiResult<Json<UserMetadataFieldResponse>> {
    let mut updated = field(&state, &auth.app_id, &field_id).await?;
    if let Some(friendly_name) = request.friendly_name {
        let friendly_name = friendly_name.trim().to_owned();
        if friendly_name.is_empty() {
            return Err(ApiError::invalid_request(
                "friendly_name: must not be empty",
            ));
        }
        updated.friendly_name = friendly_name;
    }
    updated.profile = request.profile.unwrap_or(updated.profile);
    updated.registration = request.registration.unwrap_or(updated.registration);
    if !state
        .store
        .update_metadata_field(&auth.app_id, &updated)
        .await?
    {
        return Err(field_not_found());
    }
    Ok(Json(UserMetadataFieldResponse {
        user_metadata_field: updated,
    }))
}

/// Passage: `delete-metadata-field`: 200 with an empty body. Values users already hold stay
/// stored; new writes of that field are refused.
#[utoipa::path(
    delete,
    path = "/apps/{app_id}/user-metadata/{metadata_field_id}",
    tag = "management",
    security(("admin_key" = [])),
    responses((status = 200, description = "The field is gone (users keep their values).")),
)]
pub async fn delete_metadata_field(
    State(state): State<AppState>,
    auth: ConsoleAuth,
    ApiPath((_app_id, field_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    if is_plausible_id(&field_id)
        && state
            .store
            .delete_metadata_field(&auth.app_id, &field_id)
            .await?
    {
        Ok(StatusCode::OK)
    } else {
        Err(field_not_found())
    }
}

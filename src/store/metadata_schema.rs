//! The per-app user metadata schema.

use sqlx::FromRow;

use super::{Store, WriteError};
use crate::domain::metadata::{UserMetadataField, UserMetadataFieldType};

#[derive(FromRow)]
struct FieldRow {
    id: String,
    field_name: String,
    friendly_name: String,
    field_type: String,
    profile: bool,
    registration: bool,
}

impl FieldRow {
    fn into_domain(self) -> Result<UserMetadataField, sqlx::Error> {
        let field_type = UserMetadataFieldType::parse(&self.field_type).ok_or_else(|| {
            sqlx::Error::Decode(format!("unknown field type {}", self.field_type).into())
        })?;
        Ok(UserMetadataField {
            id: self.id,
            field_name: self.field_name,
            friendly_name: self.friendly_name,
            field_type,
            profile: self.profile,
            registration: self.registration,
        })
    }
}

const COLUMNS: &str = "id, field_name, friendly_name, field_type, profile, registration";

impl Store {
    pub async fn metadata_schema(
        &self,
        app_id: &str,
    ) -> Result<Vec<UserMetadataField>, sqlx::Error> {
        let rows: Vec<FieldRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM user_metadata_fields WHERE app_id = ? ORDER BY position, id"
        )))
        .bind(app_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(FieldRow::into_domain).collect()
    }

    pub async fn metadata_field(
        &self,
        app_id: &str,
        id: &str,
    ) -> Result<Option<UserMetadataField>, sqlx::Error> {
        let row: Option<FieldRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM user_metadata_fields WHERE app_id = ? AND id = ?"
        )))
        .bind(app_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(FieldRow::into_domain).transpose()
    }

    /// Adds fields after the existing ones, all or none.
    pub async fn add_metadata_fields(
        &self,
        app_id: &str,
        fields: &[UserMetadataField],
    ) -> Result<(), WriteError> {
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        for field in fields {
            sqlx::query(
                "INSERT INTO user_metadata_fields \
                 (id, app_id, field_name, friendly_name, field_type, profile, registration, position) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, \
                   (SELECT COALESCE(MAX(position), 0) + 1 FROM user_metadata_fields WHERE app_id = ?))",
            )
            .bind(&field.id)
            .bind(app_id)
            .bind(&field.field_name)
            .bind(&field.friendly_name)
            .bind(field.field_type.as_str())
            .bind(field.profile)
            .bind(field.registration)
            .bind(app_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.apps_changed();
        Ok(())
    }

    /// Writes back friendly name and flags (the type and name of a field never change).
    pub async fn update_metadata_field(
        &self,
        app_id: &str,
        field: &UserMetadataField,
    ) -> Result<bool, sqlx::Error> {
        let result = sqlx::query(
            "UPDATE user_metadata_fields SET friendly_name = ?, profile = ?, registration = ? \
             WHERE app_id = ? AND id = ?",
        )
        .bind(&field.friendly_name)
        .bind(field.profile)
        .bind(field.registration)
        .bind(app_id)
        .bind(&field.id)
        .execute(&self.pool)
        .await?;
        self.apps_changed();
        Ok(result.rows_affected() == 1)
    }

    pub async fn delete_metadata_field(&self, app_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        self.delete_app_row(
            "DELETE FROM user_metadata_fields WHERE app_id = ? AND id = ?",
            app_id,
            id,
        )
        .await
    }
}

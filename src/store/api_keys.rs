//! API keys, stored as SHA-256 hashes with a short prefix for display.

use sqlx::FromRow;

use super::{Store, WriteError};
use crate::domain::timestamp::Timestamp;

/// Passage: `ApiKey` (the plaintext is only ever returned at creation).
#[derive(Debug, Clone, FromRow)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub key_prefix: String,
    pub role: String,
    pub created_at: i64,
}

/// A key to store: the caller hashes the secret.
#[derive(Debug)]
pub struct NewApiKey<'a> {
    pub id: &'a str,
    pub app_id: &'a str,
    pub name: &'a str,
    pub key_prefix: &'a str,
    pub key_hash: &'a str,
    pub role: &'a str,
    pub created_at: Timestamp,
}

const COLUMNS: &str = "id, app_id, name, key_prefix, role, created_at";

impl Store {
    pub async fn insert_api_key(&self, key: &NewApiKey<'_>) -> Result<(), WriteError> {
        sqlx::query(
            "INSERT INTO api_keys (id, app_id, name, key_prefix, key_hash, role, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(key.id)
        .bind(key.app_id)
        .bind(key.name)
        .bind(key.key_prefix)
        .bind(key.key_hash)
        .bind(key.role)
        .bind(key.created_at.0)
        .execute(&self.pool)
        .await?;
        self.apps_changed();
        Ok(())
    }

    pub async fn api_keys(&self, app_id: &str) -> Result<Vec<ApiKey>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM api_keys WHERE app_id = ? ORDER BY created_at, id"
        )))
        .bind(app_id)
        .fetch_all(&self.pool)
        .await
    }

    /// The app's keys as an export writes them: by hash, so they keep working when loaded.
    pub async fn exported_api_keys(
        &self,
        app_id: &str,
    ) -> Result<Vec<crate::domain::fixtures::FixtureApiKey>, sqlx::Error> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT id, name, key_prefix, key_hash FROM api_keys \
             WHERE app_id = ? ORDER BY created_at, id",
        )
        .bind(app_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, name, prefix, hash)| crate::domain::fixtures::FixtureApiKey {
                    id: Some(id),
                    name,
                    key: String::new(),
                    key_hash: Some(hash),
                    key_prefix: Some(prefix),
                },
            )
            .collect())
    }

    pub async fn api_key(&self, app_id: &str, id: &str) -> Result<Option<ApiKey>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM api_keys WHERE app_id = ? AND id = ?"
        )))
        .bind(app_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn rename_api_key(
        &self,
        app_id: &str,
        id: &str,
        name: &str,
    ) -> Result<bool, sqlx::Error> {
        let result = sqlx::query("UPDATE api_keys SET name = ? WHERE app_id = ? AND id = ?")
            .bind(name)
            .bind(app_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() == 1)
    }

    pub async fn delete_api_key(&self, app_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        self.delete_app_row(
            "DELETE FROM api_keys WHERE app_id = ? AND id = ?",
            app_id,
            id,
        )
        .await
    }
}

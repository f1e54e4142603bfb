//! Apps.

use std::collections::HashSet;
use std::sync::Arc;

use sqlx::FromRow;

use super::Store;
use crate::domain::app::{App, AppSettings};
use crate::domain::timestamp::Timestamp;

#[derive(FromRow)]
struct AppRow {
    id: String,
    settings: String,
    created_at: i64,
}

/// The outcome of checking a bearer key against an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCheck {
    NoSuchApp,
    Valid,
    Invalid,
}

pub(super) fn settings_json(settings: &AppSettings) -> Result<String, sqlx::Error> {
    serde_json::to_string(settings).map_err(|error| sqlx::Error::Encode(Box::new(error)))
}

impl Store {
    /// The app with its metadata schema, or `None`.
    pub async fn app(&self, id: &str) -> Result<Option<App>, sqlx::Error> {
        if let Some(app) = self.apps.get(id) {
            return Ok(Some(App::clone(&app)));
        }
        let generation = self.apps.generation();
        let row: Option<AppRow> =
            sqlx::query_as("SELECT id, settings, created_at FROM apps WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let settings: AppSettings = serde_json::from_str(&row.settings)
            .map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
        let user_metadata_schema = self.metadata_schema(&row.id).await?;
        let email_templates = self.email_templates(&row.id).await?;
        let email_provider = self.email_provider(&row.id).await?;
        let rsa_public_key = self
            .active_signing_key(&row.id)
            .await?
            .map(|key| key.rsa_public_key())
            .unwrap_or_default();
        let app = App {
            id: row.id,
            settings,
            user_metadata_schema,
            email_templates,
            email_provider,
            rsa_public_key,
            created_at: Timestamp(row.created_at),
        };
        self.apps
            .insert_if_current(generation, id, Arc::new(app.clone()));
        Ok(Some(app))
    }

    /// Counts for `get-app-stats`: users, users with a passkey, users signed in since `since`.
    pub async fn app_stats(&self, app_id: &str, since: Timestamp) -> Result<AppStats, sqlx::Error> {
        let (total_users, webauthn_users, active_users): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COALESCE(SUM(users), 0) FROM user_counts WHERE app_id = ?1), \
               (SELECT COUNT(DISTINCT user_id) FROM webauthn_devices WHERE app_id = ?1), \
               (SELECT COUNT(*) FROM users WHERE app_id = ?1 AND last_login_at > ?2)",
        )
        .bind(app_id)
        .bind(since.0)
        .fetch_one(&self.pool)
        .await?;
        Ok(AppStats {
            total_users,
            webauthn_users,
            active_users,
        })
    }

    pub async fn app_exists(&self, id: &str) -> Result<bool, sqlx::Error> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM apps WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    /// Every app id, in creation order (for the start-up banner).
    pub async fn app_ids(&self) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT id FROM apps ORDER BY created_at, id")
            .fetch_all(&self.pool)
            .await
    }

    /// Checks a key hash against the app's keys, from memory after the first request.
    pub async fn check_api_key(
        &self,
        app_id: &str,
        key_hash: &str,
    ) -> Result<KeyCheck, sqlx::Error> {
        let hashes = match self.keys.get(app_id) {
            Some(hashes) => hashes,
            None => {
                let generation = self.keys.generation();
                if !self.app_exists(app_id).await? {
                    return Ok(KeyCheck::NoSuchApp);
                }
                let hashes: Vec<String> =
                    sqlx::query_scalar("SELECT key_hash FROM api_keys WHERE app_id = ?")
                        .bind(app_id)
                        .fetch_all(&self.pool)
                        .await?;
                let hashes: HashSet<String> = hashes.into_iter().collect();
                let valid = hashes.contains(key_hash);
                self.keys
                    .insert_if_current(generation, app_id, Arc::new(hashes));
                return Ok(if valid {
                    KeyCheck::Valid
                } else {
                    KeyCheck::Invalid
                });
            }
        };
        Ok(if hashes.contains(key_hash) {
            KeyCheck::Valid
        } else {
            KeyCheck::Invalid
        })
    }

    pub async fn insert_app(
        &self,
        id: &str,
        settings: &AppSettings,
        now: Timestamp,
    ) -> Result<(), super::WriteError> {
        sqlx::query("INSERT INTO apps (id, settings, created_at) VALUES (?, ?, ?)")
            .bind(id)
            .bind(settings_json(settings)?)
            .bind(now.0)
            .execute(&self.pool)
            .await?;
        self.apps_changed();
        Ok(())
    }

    /// Replaces an app's settings; false when the app does not exist.
    pub async fn update_app_settings(
        &self,
        id: &str,
        settings: &AppSettings,
    ) -> Result<bool, sqlx::Error> {
        let result = sqlx::query("UPDATE apps SET settings = ? WHERE id = ?")
            .bind(settings_json(settings)?)
            .bind(id)
            .execute(&self.pool)
            .await?;
        self.apps_changed();
        Ok(result.rows_affected() == 1)
    }

    /// Deletes an app and, by cascade, everything that belongs to it.
    pub async fn delete_app(&self, id: &str) -> Result<bool, sqlx::Error> {
        let result = sqlx::query("DELETE FROM apps WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        self.apps_changed();
        self.users_changed();
        Ok(result.rows_affected() == 1)
    }
}

/// What `get-app-stats` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppStats {
    pub total_users: i64,
    pub webauthn_users: i64,
    /// Users whose last sign-in is after the `since` asked for.
    pub active_users: i64,
}

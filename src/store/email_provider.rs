//! Apps' email providers (migration 0014), loaded with the app into the apps cache.

use super::Store;
use crate::domain::email_provider::StoredEmailProvider;

impl Store {
    pub(super) async fn email_provider(
        &self,
        app_id: &str,
    ) -> Result<Option<StoredEmailProvider>, sqlx::Error> {
        let json: Option<String> =
            sqlx::query_scalar("SELECT provider FROM email_providers WHERE app_id = ?")
                .bind(app_id)
                .fetch_optional(&self.pool)
                .await?;
        json.map(|json| {
            serde_json::from_str(&json).map_err(|error| sqlx::Error::Decode(Box::new(error)))
        })
        .transpose()
    }

    /// Stores the app's provider (replacing one).
    pub async fn put_email_provider(
        &self,
        app_id: &str,
        provider: &StoredEmailProvider,
    ) -> Result<(), sqlx::Error> {
        let json = serde_json::to_string(provider)
            .map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
        sqlx::query(
            "INSERT INTO email_providers (app_id, provider) VALUES (?, ?) \
             ON CONFLICT (app_id) DO UPDATE SET provider = excluded.provider",
        )
        .bind(app_id)
        .bind(json)
        .execute(&self.pool)
        .await?;
        self.apps_changed();
        Ok(())
    }
}

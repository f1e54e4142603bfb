//! Apps' email templates (migration 0013). They ride along with the app in the apps cache: the
//! sending path reads them with the app, at no extra query.

use sqlx::Row;

use super::{Store, WriteError};
use crate::domain::email_templates::{EmailTemplate, EmailTemplateType};
use crate::domain::timestamp::Timestamp;

fn template(row: &sqlx::sqlite::SqliteRow) -> Result<EmailTemplate, sqlx::Error> {
    let kind: String = row.try_get("type")?;
    Ok(EmailTemplate {
        id: row.try_get("id")?,
        enabled: row.try_get("enabled")?,
        template_type: EmailTemplateType::parse(&kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown template type {kind}").into()))?,
        html: row.try_get("html")?,
        subject: row.try_get("subject")?,
    })
}

impl Store {
    /// The app's templates, oldest first.
    pub(super) async fn email_templates(
        &self,
        app_id: &str,
    ) -> Result<Vec<EmailTemplate>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, type, enabled, subject, html FROM email_templates \
             WHERE app_id = ? ORDER BY created_at, id",
        )
        .bind(app_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(template).collect()
    }

    /// Stores a new template; a conflict if the app has one of that type.
    pub async fn insert_email_template(
        &self,
        app_id: &str,
        template: &EmailTemplate,
        now: Timestamp,
    ) -> Result<(), WriteError> {
        let result = sqlx::query(
            "INSERT INTO email_templates (id, app_id, type, enabled, subject, html, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (app_id, type) DO NOTHING",
        )
        .bind(&template.id)
        .bind(app_id)
        .bind(template.template_type.as_str())
        .bind(template.enabled)
        .bind(&template.subject)
        .bind(&template.html)
        .bind(now.0)
        .execute(&self.pool)
        .await?;
        self.apps_changed();
        if result.rows_affected() == 0 {
            return Err(WriteError::Conflict(format!(
                "The app has a {} template already: change it with PATCH.",
                template.template_type.as_str()
            )));
        }
        Ok(())
    }

    /// Replaces a template's subject, HTML and switch; false if the app has no such template.
    pub async fn update_email_template(
        &self,
        app_id: &str,
        template: &EmailTemplate,
    ) -> Result<bool, sqlx::Error> {
        let result = sqlx::query(
            "UPDATE email_templates SET enabled = ?, subject = ?, html = ? \
             WHERE app_id = ? AND id = ?",
        )
        .bind(template.enabled)
        .bind(&template.subject)
        .bind(&template.html)
        .bind(app_id)
        .bind(&template.id)
        .execute(&self.pool)
        .await?;
        self.apps_changed();
        Ok(result.rows_affected() == 1)
    }

    pub async fn delete_email_template(&self, app_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        self.delete_app_row(
            "DELETE FROM email_templates WHERE app_id = ? AND id = ?",
            app_id,
            id,
        )
        .await
    }
}

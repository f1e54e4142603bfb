//! Passkey readiness reports (migration 0012).

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::Store;
use crate::domain::readiness::PasskeyReadinessReport;
use crate::domain::timestamp::Timestamp;

/// Reports kept: the sweep drops older ones.
const REPORTS_KEPT: i64 = 10_000;

const COLUMNS: &str = "id, app_id, client_key, device_id, security_key, platform, \
    synced_credential, cross_device_credential, conditional_ui, origin, app_identifier, \
    device_os, device_os_version, user_agent, ip_addr, created_at";

fn report(row: &SqliteRow) -> Result<PasskeyReadinessReport, sqlx::Error> {
    Ok(PasskeyReadinessReport {
        id: row.try_get("id")?,
        app_id: row.try_get("app_id")?,
        client_key: row.try_get("client_key")?,
        device_id: row.try_get("device_id")?,
        security_key: row.try_get("security_key")?,
        platform: row.try_get("platform")?,
        synced_credential: row.try_get("synced_credential")?,
        cross_device_credential: row.try_get("cross_device_credential")?,
        conditional_ui: row.try_get("conditional_ui")?,
        origin: row.try_get("origin")?,
        app_identifier: row.try_get("app_identifier")?,
        device_os: row.try_get("device_os")?,
        device_os_version: row.try_get("device_os_version")?,
        user_agent: row.try_get("user_agent")?,
        ip_addr: row.try_get("ip_addr")?,
        created_at: Timestamp(row.try_get("created_at")?),
    })
}

impl Store {
    pub async fn insert_readiness(&self, r: &PasskeyReadinessReport) -> Result<(), sqlx::Error> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO passkey_readiness_reports ({COLUMNS}) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )))
        .bind(&r.id)
        .bind(&r.app_id)
        .bind(&r.client_key)
        .bind(&r.device_id)
        .bind(r.security_key)
        .bind(r.platform)
        .bind(r.synced_credential)
        .bind(r.cross_device_credential)
        .bind(r.conditional_ui)
        .bind(&r.origin)
        .bind(&r.app_identifier)
        .bind(&r.device_os)
        .bind(&r.device_os_version)
        .bind(&r.user_agent)
        .bind(&r.ip_addr)
        .bind(r.created_at.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Reports, newest first: of one app, or all; at most `limit`.
    pub async fn readiness_reports(
        &self,
        app_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<PasskeyReadinessReport>, sqlx::Error> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM passkey_readiness_reports \
             WHERE ?1 IS NULL OR app_id = ?1 ORDER BY rowid DESC LIMIT ?2"
        )))
        .bind(app_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(report).collect()
    }

    pub async fn delete_readiness_reports(&self) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM passkey_readiness_reports")
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Drops reports past the newest [`REPORTS_KEPT`] (the minute sweep).
    pub async fn trim_readiness_reports(&self) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "DELETE FROM passkey_readiness_reports \
             WHERE rowid <= (SELECT MAX(rowid) FROM passkey_readiness_reports) - ?",
        )
        .bind(REPORTS_KEPT)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}

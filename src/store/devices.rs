//! WebAuthn devices.

use sqlx::FromRow;

use super::Store;
use crate::domain::device::{Device, WebAuthnType};
use crate::domain::timestamp::Timestamp;

#[derive(FromRow)]
struct DeviceRow {
    id: String,
    app_id: String,
    user_id: String,
    cred_id: String,
    public_key: Vec<u8>,
    sign_count: i64,
    aaguid: String,
    transports: String,
    backup_eligible: bool,
    backup_state: bool,
    friendly_name: String,
    device_type: String,
    usage_count: i64,
    last_login_at: i64,
    created_at: i64,
    updated_at: i64,
}

impl DeviceRow {
    fn into_domain(self) -> Result<Device, sqlx::Error> {
        let device_type = WebAuthnType::parse(&self.device_type).ok_or_else(|| {
            sqlx::Error::Decode(format!("unknown device type {}", self.device_type).into())
        })?;
        let transports = serde_json::from_str(&self.transports)
            .map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
        Ok(Device {
            id: self.id,
            app_id: self.app_id,
            user_id: self.user_id,
            cred_id: self.cred_id,
            public_key: self.public_key,
            sign_count: self.sign_count,
            aaguid: self.aaguid,
            transports,
            backup_eligible: self.backup_eligible,
            backup_state: self.backup_state,
            friendly_name: self.friendly_name,
            device_type,
            usage_count: self.usage_count,
            last_login_at: Timestamp(self.last_login_at),
            created_at: Timestamp(self.created_at),
            updated_at: Timestamp(self.updated_at),
        })
    }
}

impl Store {
    /// A user's devices, oldest first.
    pub async fn devices(&self, app_id: &str, user_id: &str) -> Result<Vec<Device>, sqlx::Error> {
        let rows: Vec<DeviceRow> = sqlx::query_as(
            "SELECT id, app_id, user_id, cred_id, public_key, sign_count, aaguid, transports, \
             backup_eligible, backup_state, friendly_name, device_type, usage_count, \
             last_login_at, created_at, updated_at \
             FROM webauthn_devices WHERE app_id = ? AND user_id = ? ORDER BY created_at, id",
        )
        .bind(app_id)
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(DeviceRow::into_domain).collect()
    }

    pub async fn delete_device(
        &self,
        app_id: &str,
        user_id: &str,
        id: &str,
    ) -> Result<bool, sqlx::Error> {
        let result =
            sqlx::query("DELETE FROM webauthn_devices WHERE app_id = ? AND user_id = ? AND id = ?")
                .bind(app_id)
                .bind(user_id)
                .bind(id)
                .execute(&self.pool)
                .await?;
        Ok(result.rows_affected() == 1)
    }
}

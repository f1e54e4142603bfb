//! WebAuthn devices.

use std::collections::HashMap;

use serde::Deserialize;
use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, Row};

use super::Store;
use super::events::{events_from_json, recent_events_json};
use super::social::{CONNECTIONS_JSON, connections_from_json};
use super::users::{USER_COLUMNS, UserRow};
use crate::domain::device::{Device, WebAuthnType};
use crate::domain::timestamp::Timestamp;
use crate::domain::user::{UserStatus, UserWithDevices};

/// The device columns, each prefixed with `d.` and aliased `d_<name>` so that they can share
/// a row with another table's columns.
const DEVICE_COLUMNS: &str = "d.id AS d_id, d.app_id AS d_app_id, d.user_id AS d_user_id, \
    d.cred_id AS d_cred_id, d.public_key AS d_public_key, d.sign_count AS d_sign_count, \
    d.aaguid AS d_aaguid, d.transports AS d_transports, d.backup_eligible AS d_backup_eligible, \
    d.backup_state AS d_backup_state, d.friendly_name AS d_friendly_name, \
    d.device_type AS d_device_type, d.usage_count AS d_usage_count, \
    d.last_login_at AS d_last_login_at, d.created_at AS d_created_at, d.updated_at AS d_updated_at";

/// Reads the `d_*` columns of a row.
fn device_from_row(row: &SqliteRow) -> Result<Device, sqlx::Error> {
    let device_type: String = row.try_get("d_device_type")?;
    let device_type = WebAuthnType::parse(&device_type)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown device type {device_type}").into()))?;
    let transports: String = row.try_get("d_transports")?;
    let transports =
        serde_json::from_str(&transports).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    Ok(Device {
        id: row.try_get("d_id")?,
        user_id: row.try_get("d_user_id")?,
        cred_id: row.try_get("d_cred_id")?,
        public_key: row.try_get("d_public_key")?,
        sign_count: row.try_get("d_sign_count")?,
        aaguid: row.try_get("d_aaguid")?,
        transports,
        backup_eligible: row.try_get("d_backup_eligible")?,
        backup_state: row.try_get("d_backup_state")?,
        friendly_name: row.try_get("d_friendly_name")?,
        device_type,
        usage_count: row.try_get("d_usage_count")?,
        last_login_at: Timestamp(row.try_get("d_last_login_at")?),
        created_at: Timestamp(row.try_get("d_created_at")?),
        updated_at: Timestamp(row.try_get("d_updated_at")?),
    })
}

/// A credential a registration created.
#[derive(Debug)]
pub struct NewDevice<'a> {
    pub id: &'a str,
    pub app_id: &'a str,
    pub user_id: &'a str,
    pub cred_id: &'a str,
    pub public_key: &'a [u8],
    pub sign_count: i64,
    pub aaguid: &'a str,
    pub transports: &'a [String],
    pub backup_eligible: bool,
    pub backup_state: bool,
    pub friendly_name: &'a str,
    pub device_type: WebAuthnType,
    pub now: Timestamp,
}

/// What a successful login changes on a device.
#[derive(Debug, Clone, Copy)]
pub struct DeviceLogin {
    pub sign_count: i64,
    pub backup_eligible: bool,
    pub backup_state: bool,
    pub now: Timestamp,
}

impl Store {
    pub async fn insert_device(&self, device: &NewDevice<'_>) -> Result<(), super::WriteError> {
        let transports = serde_json::to_string(device.transports)
            .map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
        sqlx::query(
            "INSERT INTO webauthn_devices (id, app_id, user_id, cred_id, public_key, sign_count, \
               aaguid, transports, backup_eligible, backup_state, friendly_name, device_type, \
               usage_count, last_login_at, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 0, ?13, ?14, ?14)",
        )
        .bind(device.id)
        .bind(device.app_id)
        .bind(device.user_id)
        .bind(device.cred_id)
        .bind(device.public_key)
        .bind(device.sign_count)
        .bind(device.aaguid)
        .bind(transports)
        .bind(device.backup_eligible)
        .bind(device.backup_state)
        .bind(device.friendly_name)
        .bind(device.device_type.as_str())
        .bind(Timestamp::NEVER.0)
        .bind(device.now.0)
        .execute(&self.pool)
        .await?;
        self.user_changed(device.user_id);
        Ok(())
    }

    /// The device of an app with this credential id (base64url), with its user's status: what
    /// a passkey login checks, in one query.
    pub async fn device_by_cred_id(
        &self,
        app_id: &str,
        cred_id: &str,
    ) -> Result<Option<(Device, UserStatus)>, sqlx::Error> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DEVICE_COLUMNS}, u.status AS u_status FROM webauthn_devices d \
             JOIN users u ON u.id = d.user_id WHERE d.app_id = ? AND d.cred_id = ?"
        )))
        .bind(app_id)
        .bind(cred_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let status: String = row.try_get("u_status")?;
        let status = UserStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {status}").into()))?;
        Ok(Some((device_from_row(&row)?, status)))
    }

    /// Records a login with a device. The sign count only moves forward: a concurrent login
    /// that already stored a higher count wins, and this one reports false.
    pub async fn record_device_login(
        &self,
        id: &str,
        login: DeviceLogin,
    ) -> Result<bool, sqlx::Error> {
        let result: Option<String> = sqlx::query_scalar(
            "UPDATE webauthn_devices SET sign_count = ?1, backup_eligible = ?2, \
               backup_state = ?3, usage_count = usage_count + 1, last_login_at = ?4, \
               updated_at = ?4 \
             WHERE id = ?5 AND (sign_count = 0 OR sign_count < ?1) RETURNING user_id",
        )
        .bind(login.sign_count)
        .bind(login.backup_eligible)
        .bind(login.backup_state)
        .bind(login.now.0)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match result {
            Some(user_id) => {
                self.user_changed(&user_id);
                true
            }
            None => false,
        })
    }

    /// A user's devices, oldest first.
    pub async fn devices(&self, app_id: &str, user_id: &str) -> Result<Vec<Device>, sqlx::Error> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DEVICE_COLUMNS} FROM webauthn_devices d \
             WHERE d.app_id = ? AND d.user_id = ? ORDER BY d.created_at, d.id"
        )))
        .bind(app_id)
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(device_from_row).collect()
    }

    /// The user with devices and social connections, as Management `UserInfo` needs them: from
    /// the read cache, or read with the other misses of the moment ([`super::user_loader`]).
    pub async fn user_with_devices(
        &self,
        app_id: &str,
        id: &str,
    ) -> Result<Option<UserWithDevices>, sqlx::Error> {
        // With the events waiting for the user merged in (`EventQueue::merged`).
        let found = match self.event_queue.merged(|| self.users.get(id)) {
            Some(cached) => Some(cached),
            None => self.user_loader.load(id).await?,
        };
        Ok(found
            .filter(|found| found.user.app_id == app_id)
            .map(|found| UserWithDevices::clone(&found)))
    }

    /// Renames a user's device; false when the user has no such device.
    pub async fn rename_device(
        &self,
        app_id: &str,
        user_id: &str,
        id: &str,
        friendly_name: &str,
        now: Timestamp,
    ) -> Result<bool, sqlx::Error> {
        let result = sqlx::query(
            "UPDATE webauthn_devices SET friendly_name = ?, updated_at = ? \
             WHERE app_id = ? AND user_id = ? AND id = ?",
        )
        .bind(friendly_name)
        .bind(now.0)
        .bind(app_id)
        .bind(user_id)
        .bind(id)
        .execute(&self.pool)
        .await?;
        self.user_changed(user_id);
        Ok(result.rows_affected() == 1)
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
        self.user_changed(user_id);
        Ok(result.rows_affected() == 1)
    }
}

/// A user's devices as one JSON column, oldest first: an array of [`DeviceJson`]s (each an
/// array in its field order), `[]` without devices.
///
/// A user is read as one row: a LEFT JOIN on devices gave a row per device, sixteen more
/// columns (NULL for a user without devices), and a sort to keep a user's rows together;
/// sqlx copies every column of every row on its connection's thread, and the join cost a
/// cache-miss `GET user` about 7% of its CPU at a million users.
const DEVICES_JSON: &str = "(SELECT json_group_array(json_array(id, user_id, cred_id, \
    hex(public_key), sign_count, aaguid, json(transports), backup_eligible, backup_state, \
    friendly_name, device_type, usage_count, last_login_at, created_at, updated_at)) \
    FROM (SELECT * FROM webauthn_devices d WHERE d.user_id = u.id \
    ORDER BY d.created_at, d.id)) AS devices";

/// One device of a [`DEVICES_JSON`] column (serde reads a struct from an array in field
/// order); the public key in hexadecimal, flags as 0 or 1.
#[derive(Debug, Deserialize)]
struct DeviceJson {
    id: String,
    user_id: String,
    cred_id: String,
    public_key: String,
    sign_count: i64,
    aaguid: String,
    transports: Vec<String>,
    backup_eligible: i64,
    backup_state: i64,
    friendly_name: String,
    device_type: String,
    usage_count: i64,
    last_login_at: i64,
    created_at: i64,
    updated_at: i64,
}

impl DeviceJson {
    fn into_device(self) -> Result<Device, sqlx::Error> {
        let device_type = WebAuthnType::parse(&self.device_type).ok_or_else(|| {
            sqlx::Error::Decode(format!("unknown device type {}", self.device_type).into())
        })?;
        let public_key =
            hex::decode(&self.public_key).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
        Ok(Device {
            id: self.id,
            user_id: self.user_id,
            cred_id: self.cred_id,
            public_key,
            sign_count: self.sign_count,
            aaguid: self.aaguid,
            transports: self.transports,
            backup_eligible: self.backup_eligible != 0,
            backup_state: self.backup_state != 0,
            friendly_name: self.friendly_name,
            device_type,
            usage_count: self.usage_count,
            last_login_at: Timestamp(self.last_login_at),
            created_at: Timestamp(self.created_at),
            updated_at: Timestamp(self.updated_at),
        })
    }
}

/// The devices of a [`DEVICES_JSON`] column.
fn devices_from_json(json: &str) -> Result<Vec<Device>, sqlx::Error> {
    let devices: Vec<DeviceJson> =
        serde_json::from_str(json).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    devices.into_iter().map(DeviceJson::into_device).collect()
}

/// The columns of a user with devices, social connections and recent events (JSON columns).
fn user_with_devices_columns(events: bool) -> String {
    format!(
        "{USER_COLUMNS}, {DEVICES_JSON}, {CONNECTIONS_JSON}, {}",
        recent_events_json(events)
    )
}

/// Users with their devices, social connections and recent events, by id, for a JSON array of
/// ids: one row per user.
pub(super) async fn users_with_devices(
    executor: impl sqlx::SqliteExecutor<'_>,
    ids: &str,
    events: bool,
) -> Result<HashMap<String, UserWithDevices>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM users u WHERE u.id IN (SELECT value FROM json_each(?))",
        user_with_devices_columns(events)
    )))
    .bind(ids)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|row| user_with_devices(row).map(|user| (user.user.id.clone(), user)))
        .collect()
}

/// A row of [`user_with_devices_columns`] as a user.
fn user_with_devices(row: &SqliteRow) -> Result<UserWithDevices, sqlx::Error> {
    let user = UserRow::from_row(row)?.into_domain()?;
    Ok(UserWithDevices {
        recent_events: events_from_json(row.try_get("recent_events")?, &user.app_id, &user.id)?,
        social_connections: connections_from_json(row.try_get("social_connections")?)?,
        devices: devices_from_json(row.try_get("devices")?)?,
        user,
    })
}

impl Store {
    /// Every user of an app with devices and social connections, oldest first: what an export
    /// holds. Read in one query, so one consistent moment.
    pub async fn export_users(&self, app_id: &str) -> Result<Vec<UserWithDevices>, sqlx::Error> {
        self.flush_events().await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM users u WHERE u.app_id = ? ORDER BY u.created_at, u.id",
            user_with_devices_columns(self.events)
        )))
        .bind(app_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_with_devices).collect()
    }
}

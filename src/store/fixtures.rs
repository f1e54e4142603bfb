//! Loading fixtures: one transaction per file, every row an upsert keyed by its fixed id, so
//! that loading the same file twice leaves one copy (and restores fixture values).

use std::collections::HashSet;

use sqlx::{QueryBuilder, Sqlite, Transaction};

use super::apps::settings_json;
use super::users::metadata_json;
use super::{Store, WriteError};
use crate::domain::fixtures::{FixtureApp, FixtureFile, FixtureUser};
use crate::domain::ids::{hash_secret, new_id};
use crate::domain::timestamp::Timestamp;

/// What a fixture file contained.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FixtureSummary {
    pub apps: usize,
    pub users: usize,
    pub devices: usize,
}

impl Store {
    pub async fn load_fixtures(
        &self,
        file: &FixtureFile,
        now: Timestamp,
    ) -> Result<FixtureSummary, WriteError> {
        let users: usize = file.apps.iter().map(|app| app.users.len()).sum();
        let mut connection = self.pool.acquire().await?;
        // A large load writes fourteen user indexes at random places: with SQLite's default
        // 2 MiB page cache it re-reads index pages from the file. 8 MiB for the load took
        // 100,000 users from 2.2-2.9 s to 2.0 s for 7 MiB more memory after it (64 MiB: no
        // faster, 70 MiB more). The connection gets its own size back after.
        let restore = if users > BIG_LOAD {
            let size: i64 = sqlx::query_scalar("PRAGMA cache_size")
                .fetch_one(&mut *connection)
                .await?;
            sqlx::query("PRAGMA cache_size = -8192")
                .execute(&mut *connection)
                .await?;
            Some(size)
        } else {
            None
        };
        let result = self.load_fixtures_on(&mut connection, file, now).await;
        if let Some(size) = restore {
            sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA cache_size = {size}")))
                .execute(&mut *connection)
                .await?;
        }
        result
    }

    async fn load_fixtures_on(
        &self,
        connection: &mut sqlx::SqliteConnection,
        file: &FixtureFile,
        now: Timestamp,
    ) -> Result<FixtureSummary, WriteError> {
        use sqlx::Connection;
        let mut tx = connection.begin_with(super::BEGIN_WRITE).await?;
        let mut summary = FixtureSummary::default();
        for app in &file.apps {
            upsert_app(&mut tx, app, now).await?;
            summary.apps += 1;
            for batch in app.users.chunks(INSERT_BATCH) {
                if is_new(&mut tx, batch).await? {
                    insert_users(&mut tx, &app.id, batch, now).await?;
                } else {
                    for user in batch {
                        upsert_user(&mut tx, &app.id, user, now).await?;
                    }
                }
                for user in batch {
                    upsert_credentials(&mut tx, &app.id, user, now).await?;
                    summary.users += 1;
                    summary.devices += user.devices.len();
                }
            }
        }
        tx.commit().await?;
        self.apps_changed();
        self.users_changed();
        Ok(summary)
    }
}

/// Loads of more users than this get a larger page cache while they run.
const BIG_LOAD: usize = 10_000;

/// Users written by one statement when none of them exists yet: 13 values a row keeps a
/// statement under SQLite's 32,766 parameters. Each statement costs a round trip to sqlx's
/// database thread, which dominated loading 100,000 users one statement at a time (issue 15).
pub(super) const INSERT_BATCH: usize = 500;

/// Whether every user of `batch` is absent from the database and named once in it: then a
/// plain multi-row insert means the same as upserting them one by one.
async fn is_new(
    tx: &mut Transaction<'_, Sqlite>,
    batch: &[FixtureUser],
) -> Result<bool, WriteError> {
    let ids: HashSet<&str> = batch.iter().map(|user| user.id.as_str()).collect();
    if ids.len() != batch.len() {
        return Ok(false);
    }
    let mut query = QueryBuilder::<Sqlite>::new("SELECT EXISTS (SELECT 1 FROM users WHERE id IN (");
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
    query.push("))");
    let exists: bool = query.build_query_scalar().fetch_one(&mut **tx).await?;
    Ok(!exists)
}

/// Inserts users known to be new, as [`upsert_user`] would have.
pub(super) async fn insert_users(
    tx: &mut Transaction<'_, Sqlite>,
    app_id: &str,
    batch: &[FixtureUser],
    now: Timestamp,
) -> Result<(), WriteError> {
    let mut query = QueryBuilder::<Sqlite>::new(
        "INSERT INTO users (id, app_id, email, phone, external_id, status, email_verified, \
           phone_verified, user_metadata, login_count, last_login_at, created_at, updated_at) ",
    );
    let mut failure = None;
    query.push_values(batch, |mut row, user| {
        let metadata = metadata_json(user.user_metadata.as_ref()).unwrap_or_else(|error| {
            failure = Some(error);
            None
        });
        row.push_bind(&user.id)
            .push_bind(app_id)
            .push_bind(&user.email)
            .push_bind(&user.phone)
            .push_bind(&user.external_id)
            .push_bind(user.status.as_str())
            .push_bind(user.email_verified)
            .push_bind(user.phone_verified)
            .push_bind(metadata)
            .push_bind(user.login_count)
            .push_bind(user.last_login_at.unwrap_or(Timestamp::NEVER).0)
            .push_bind(user.created_at.unwrap_or(now).0)
            .push_bind(user.updated_at.unwrap_or(now).0);
    });
    if let Some(error) = failure {
        return Err(error.into());
    }
    query.build().execute(&mut **tx).await?;
    Ok(())
}

async fn upsert_app(
    tx: &mut Transaction<'_, Sqlite>,
    app: &FixtureApp,
    now: Timestamp,
) -> Result<(), WriteError> {
    sqlx::query(
        "INSERT INTO apps (id, settings, created_at) VALUES (?, ?, ?) \
         ON CONFLICT(id) DO UPDATE SET settings = excluded.settings",
    )
    .bind(&app.id)
    .bind(settings_json(&app.settings)?)
    .bind(now.0)
    .execute(&mut **tx)
    .await?;

    if let Some(key) = &app.signing_key {
        super::signing_keys::activate_in(tx, &app.id, &key.kid, &key.private_key_pem, now).await?;
    }
    for key in &app.retired_signing_keys {
        super::signing_keys::retired_in(tx, &app.id, key).await?;
    }

    for key in &app.api_keys {
        let id = key.id.clone().unwrap_or_else(new_id);
        let prefix = match &key.key_prefix {
            Some(prefix) => prefix.clone(),
            None => key.key.chars().take(6).collect(),
        };
        let hash = match &key.key_hash {
            Some(hash) => hash.clone(),
            None => hash_secret(&key.key),
        };
        sqlx::query(
            "INSERT INTO api_keys (id, app_id, name, key_prefix, key_hash, role, created_at) \
             VALUES (?, ?, ?, ?, ?, 'admin', ?) ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(&app.id)
        .bind(&key.name)
        .bind(&prefix)
        .bind(hash)
        .bind(now.0)
        .execute(&mut **tx)
        .await?;
    }

    for template in &app.email_templates {
        sqlx::query(
            "INSERT INTO email_templates (id, app_id, type, enabled, subject, html, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (app_id, type) DO UPDATE SET \
               enabled = excluded.enabled, subject = excluded.subject, html = excluded.html",
        )
        .bind(template.id_in(&app.id))
        .bind(&app.id)
        .bind(template.template_type.as_str())
        .bind(template.enabled)
        .bind(&template.subject)
        .bind(&template.html)
        .bind(now.0)
        .execute(&mut **tx)
        .await?;
    }

    for (position, field) in app.schema().iter().enumerate() {
        sqlx::query(
            "INSERT INTO user_metadata_fields \
             (id, app_id, field_name, friendly_name, field_type, profile, registration, position) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT(app_id, field_name) DO UPDATE SET friendly_name = excluded.friendly_name, \
               field_type = excluded.field_type, profile = excluded.profile, \
               registration = excluded.registration, position = excluded.position",
        )
        .bind(&field.id)
        .bind(&app.id)
        .bind(&field.field_name)
        .bind(&field.friendly_name)
        .bind(field.field_type.as_str())
        .bind(field.profile)
        .bind(field.registration)
        .bind(position as i64)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn upsert_user(
    tx: &mut Transaction<'_, Sqlite>,
    app_id: &str,
    user: &FixtureUser,
    now: Timestamp,
) -> Result<(), WriteError> {
    let metadata = metadata_json(user.user_metadata.as_ref())?;
    let result = sqlx::query(
        "INSERT INTO users (id, app_id, email, phone, external_id, status, email_verified, \
           phone_verified, user_metadata, login_count, last_login_at, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, COALESCE(?11, ?13), COALESCE(?12, ?14), \
           COALESCE(?15, ?14)) \
         ON CONFLICT(id) DO UPDATE SET email = excluded.email, phone = excluded.phone, \
           external_id = excluded.external_id, status = excluded.status, \
           email_verified = excluded.email_verified, phone_verified = excluded.phone_verified, \
           user_metadata = excluded.user_metadata, login_count = excluded.login_count, \
           last_login_at = COALESCE(?11, users.last_login_at), \
           created_at = COALESCE(?12, users.created_at), updated_at = COALESCE(?15, ?14) \
         WHERE users.app_id = excluded.app_id",
    )
    .bind(&user.id)
    .bind(app_id)
    .bind(&user.email)
    .bind(&user.phone)
    .bind(&user.external_id)
    .bind(user.status.as_str())
    .bind(user.email_verified)
    .bind(user.phone_verified)
    .bind(metadata)
    .bind(user.login_count)
    .bind(user.last_login_at.map(|t| t.0))
    .bind(user.created_at.map(|t| t.0))
    .bind(Timestamp::NEVER.0)
    .bind(now.0)
    .bind(user.updated_at.map(|t| t.0))
    .execute(&mut **tx)
    .await?;
    if result.rows_affected() == 0 {
        return Err(WriteError::Conflict(format!(
            "user {} belongs to another app",
            user.id
        )));
    }
    Ok(())
}

/// The user's passkeys and linked provider accounts.
async fn upsert_credentials(
    tx: &mut Transaction<'_, Sqlite>,
    app_id: &str,
    user: &FixtureUser,
    now: Timestamp,
) -> Result<(), WriteError> {
    for device in &user.devices {
        let transports = serde_json::to_string(&device.transports)
            .map_err(|error| WriteError::Database(sqlx::Error::Encode(Box::new(error))))?;
        let result = sqlx::query(
            "INSERT INTO webauthn_devices (id, app_id, user_id, cred_id, public_key, sign_count, \
               aaguid, transports, backup_eligible, backup_state, friendly_name, device_type, \
               usage_count, last_login_at, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, \
               COALESCE(?14, ?16), COALESCE(?15, ?17), COALESCE(?18, ?17)) \
             ON CONFLICT(id) DO UPDATE SET cred_id = excluded.cred_id, \
               public_key = excluded.public_key, sign_count = excluded.sign_count, \
               aaguid = excluded.aaguid, transports = excluded.transports, \
               backup_eligible = excluded.backup_eligible, backup_state = excluded.backup_state, \
               friendly_name = excluded.friendly_name, device_type = excluded.device_type, \
               usage_count = excluded.usage_count, \
               last_login_at = COALESCE(?14, webauthn_devices.last_login_at), \
               created_at = COALESCE(?15, webauthn_devices.created_at), \
               updated_at = COALESCE(?18, ?17) \
             WHERE webauthn_devices.user_id = excluded.user_id",
        )
        .bind(&device.id)
        .bind(app_id)
        .bind(&user.id)
        .bind(&device.cred_id)
        .bind(device.public_key_bytes())
        .bind(device.sign_count)
        .bind(&device.aaguid)
        .bind(transports)
        .bind(device.backup_eligible)
        .bind(device.backup_state)
        .bind(&device.friendly_name)
        .bind(device.device_type.as_str())
        .bind(device.usage_count)
        .bind(device.last_login_at.map(|t| t.0))
        .bind(device.created_at.map(|t| t.0))
        .bind(Timestamp::NEVER.0)
        .bind(now.0)
        .bind(device.updated_at.map(|t| t.0))
        .execute(&mut **tx)
        .await?;
        if result.rows_affected() == 0 {
            return Err(WriteError::Conflict(format!(
                "device {} belongs to another user",
                device.id
            )));
        }
    }
    for connection in &user.social_connections {
        let identity = connection.identity(&user.email);
        sqlx::query(
            "INSERT INTO social_connections (app_id, user_id, provider, provider_id, \
               provider_identifier, created_at, last_login_at) VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT(user_id, provider) DO UPDATE SET provider_id = excluded.provider_id, \
               provider_identifier = excluded.provider_identifier",
        )
        .bind(app_id)
        .bind(&user.id)
        .bind(identity.provider.as_str())
        .bind(&identity.provider_id)
        .bind(&identity.email)
        .bind(connection.created_at.unwrap_or(now).0)
        .bind(connection.last_login_at.unwrap_or(Timestamp::NEVER).0)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

//! Apps' RSA signing keys.

use std::sync::Arc;

use sqlx::{FromRow, Sqlite, Transaction};

use super::{Store, WriteError};
use crate::domain::fixtures::{FixtureRetiredKey, FixtureSigningKey};
use crate::domain::timestamp::Timestamp;
use crate::domain::tokens::SigningKey;

#[derive(FromRow)]
struct KeyRow {
    kid: String,
    private_key_pem: String,
    retired_at: Option<i64>,
}

/// A parsed key and when it was retired (`None` while it signs).
#[derive(Debug, Clone)]
pub(super) struct StoredKey {
    key: SigningKey,
    retired_at: Option<i64>,
}

/// A parsed RSA key (private and public parts, precomputed values): a few kilobytes each.
impl super::read_cache::Weigh for Vec<StoredKey> {
    fn weight(&self) -> usize {
        24 + self.len() * (8 << 10)
    }
}

impl Store {
    /// Every key of the app, parsed, newest first: from memory after the first call, since
    /// parsing an RSA key costs about as much as signing with it.
    async fn signing_keys(&self, app_id: &str) -> Result<Arc<Vec<StoredKey>>, sqlx::Error> {
        if let Some(keys) = self.signing_keys.get(app_id) {
            return Ok(keys);
        }
        let generation = self.signing_keys.generation();
        let rows: Vec<KeyRow> = sqlx::query_as(
            "SELECT kid, private_key_pem, retired_at FROM signing_keys \
             WHERE app_id = ? ORDER BY created_at DESC, kid",
        )
        .bind(app_id)
        .fetch_all(&self.pool)
        .await?;
        let keys = rows
            .into_iter()
            .map(|row| {
                let key = SigningKey::from_pem(row.kid, row.private_key_pem)
                    .map_err(|error| sqlx::Error::Decode(error.into()))?;
                Ok(StoredKey {
                    key,
                    retired_at: row.retired_at,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let keys = Arc::new(keys);
        self.signing_keys
            .insert_if_current(generation, app_id, Arc::clone(&keys));
        Ok(keys)
    }

    /// The key that signs new tokens.
    pub async fn active_signing_key(
        &self,
        app_id: &str,
    ) -> Result<Option<SigningKey>, sqlx::Error> {
        let keys = self.signing_keys(app_id).await?;
        Ok(keys
            .iter()
            .find(|stored| stored.retired_at.is_none())
            .map(|stored| stored.key.clone()))
    }

    /// The keys a JWKS publishes: the active one first, then those retired after `since`,
    /// newest first.
    pub async fn published_signing_keys(
        &self,
        app_id: &str,
        since: Timestamp,
    ) -> Result<Vec<SigningKey>, sqlx::Error> {
        let keys = self.signing_keys(app_id).await?;
        let active = keys.iter().filter(|stored| stored.retired_at.is_none());
        let retired = keys
            .iter()
            .filter(|stored| stored.retired_at.is_some_and(|at| at > since.0));
        Ok(active
            .chain(retired)
            .map(|stored| stored.key.clone())
            .collect())
    }

    /// The app's active key and the retired ones still published after `since`, PEM and
    /// all, as an export writes them.
    pub async fn exported_signing_keys(
        &self,
        app_id: &str,
        since: Timestamp,
    ) -> Result<(Option<FixtureSigningKey>, Vec<FixtureRetiredKey>), sqlx::Error> {
        let rows: Vec<KeyRow> = sqlx::query_as(
            "SELECT kid, private_key_pem, retired_at FROM signing_keys \
             WHERE app_id = ? AND (retired_at IS NULL OR retired_at > ?) \
             ORDER BY created_at DESC, kid",
        )
        .bind(app_id)
        .bind(since.0)
        .fetch_all(&self.pool)
        .await?;
        let mut active = None;
        let mut retired = Vec::new();
        for row in rows {
            match row.retired_at {
                None => {
                    active = Some(FixtureSigningKey {
                        kid: row.kid,
                        private_key_pem: row.private_key_pem,
                    })
                }
                Some(at) => retired.push(FixtureRetiredKey {
                    kid: row.kid,
                    private_key_pem: row.private_key_pem,
                    retired_at: Timestamp(at),
                }),
            }
        }
        Ok((active, retired))
    }

    /// Apps that have no active key (new apps, fixtures without one).
    pub async fn apps_without_signing_key(&self) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT id FROM apps WHERE NOT EXISTS \
             (SELECT 1 FROM signing_keys k WHERE k.app_id = apps.id AND k.retired_at IS NULL) \
             ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
    }

    /// Makes `key` the app's active key, retiring the one it replaces (if any) at `now`.
    /// A key already stored under that kid is reactivated, not duplicated.
    pub async fn activate_signing_key(
        &self,
        app_id: &str,
        key: &SigningKey,
        now: Timestamp,
    ) -> Result<(), WriteError> {
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        activate_in(&mut tx, app_id, &key.kid, &key.private_key_pem, now).await?;
        tx.commit().await?;
        self.apps_changed();
        Ok(())
    }
}

/// [`Store::activate_signing_key`] inside a caller's transaction (fixtures use it too).
pub(super) async fn activate_in(
    tx: &mut Transaction<'_, Sqlite>,
    app_id: &str,
    kid: &str,
    private_key_pem: &str,
    now: Timestamp,
) -> Result<(), WriteError> {
    sqlx::query(
        "UPDATE signing_keys SET retired_at = ? \
         WHERE app_id = ? AND retired_at IS NULL AND kid <> ?",
    )
    .bind(now.0)
    .bind(app_id)
    .bind(kid)
    .execute(&mut **tx)
    .await?;
    let result = sqlx::query(
        "INSERT INTO signing_keys (kid, app_id, private_key_pem, created_at, retired_at) \
         VALUES (?, ?, ?, ?, NULL) \
         ON CONFLICT(kid) DO UPDATE SET retired_at = NULL \
         WHERE signing_keys.app_id = excluded.app_id",
    )
    .bind(kid)
    .bind(app_id)
    .bind(private_key_pem)
    .bind(now.0)
    .execute(&mut **tx)
    .await?;
    if result.rows_affected() == 0 {
        return Err(WriteError::Conflict(format!(
            "signing key {kid} belongs to another app"
        )));
    }
    Ok(())
}

/// Stores a key retired at `key.retired_at` (an export's), or moves an existing key of that
/// kid to that retirement, inside a caller's transaction.
pub(super) async fn retired_in(
    tx: &mut Transaction<'_, Sqlite>,
    app_id: &str,
    key: &FixtureRetiredKey,
) -> Result<(), WriteError> {
    let result = sqlx::query(
        "INSERT INTO signing_keys (kid, app_id, private_key_pem, created_at, retired_at) \
         VALUES (?1, ?2, ?3, ?4, ?4) \
         ON CONFLICT(kid) DO UPDATE SET retired_at = excluded.retired_at \
         WHERE signing_keys.app_id = excluded.app_id",
    )
    .bind(&key.kid)
    .bind(app_id)
    .bind(&key.private_key_pem)
    .bind(key.retired_at.0)
    .execute(&mut **tx)
    .await?;
    if result.rows_affected() == 0 {
        return Err(WriteError::Conflict(format!(
            "signing key {} belongs to another app",
            key.kid
        )));
    }
    Ok(())
}

//! The built-in virtual authenticators and the credentials they hold.

use sqlx::FromRow;

use super::{Store, WriteError};

#[derive(Debug, Clone, FromRow)]
pub struct AuthenticatorRecord {
    pub id: String,
    pub name: String,
    pub aaguid: String,
    pub algorithm: String,
    pub sign_count: bool,
    pub private_key: Option<Vec<u8>>,
    pub created_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct CredentialRecord {
    pub cred_id: Vec<u8>,
    pub rp_id: String,
    pub user_handle: Option<Vec<u8>>,
    pub private_key: Vec<u8>,
    pub sign_count: Option<i64>,
    pub created_at: i64,
}

const AUTHENTICATOR_COLUMNS: &str =
    "id, name, aaguid, algorithm, sign_count, private_key, created_at";
const CREDENTIAL_COLUMNS: &str = "cred_id, rp_id, user_handle, private_key, sign_count, created_at";

impl Store {
    /// Creates an authenticator, or replaces one with the same id (fixtures reload), with its
    /// credentials.
    pub async fn put_authenticator(
        &self,
        authenticator: &AuthenticatorRecord,
        credentials: &[CredentialRecord],
    ) -> Result<(), WriteError> {
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        sqlx::query("DELETE FROM virtual_authenticators WHERE id = ?")
            .bind(&authenticator.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO virtual_authenticators ({AUTHENTICATOR_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
        )))
        .bind(&authenticator.id)
        .bind(&authenticator.name)
        .bind(&authenticator.aaguid)
        .bind(&authenticator.algorithm)
        .bind(authenticator.sign_count)
        .bind(&authenticator.private_key)
        .bind(authenticator.created_at)
        .execute(&mut *tx)
        .await?;
        for credential in credentials {
            insert_credential(&mut *tx, &authenticator.id, credential).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn authenticators(&self) -> Result<Vec<AuthenticatorRecord>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {AUTHENTICATOR_COLUMNS} FROM virtual_authenticators ORDER BY created_at, id"
        )))
        .fetch_all(&self.pool)
        .await
    }

    pub async fn authenticator(
        &self,
        id: &str,
    ) -> Result<Option<AuthenticatorRecord>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {AUTHENTICATOR_COLUMNS} FROM virtual_authenticators WHERE id = ?"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    /// An authenticator's credentials, oldest first.
    pub async fn authenticator_credentials(
        &self,
        id: &str,
    ) -> Result<Vec<CredentialRecord>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CREDENTIAL_COLUMNS} FROM virtual_credentials \
             WHERE authenticator_id = ? ORDER BY created_at, rowid"
        )))
        .bind(id)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn delete_authenticator(&self, id: &str) -> Result<bool, sqlx::Error> {
        let result = sqlx::query("DELETE FROM virtual_authenticators WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Stores a credential a ceremony created or changed (its counter).
    pub async fn put_authenticator_credential(
        &self,
        authenticator_id: &str,
        credential: &CredentialRecord,
    ) -> Result<(), sqlx::Error> {
        insert_credential(&self.pool, authenticator_id, credential).await
    }
}

async fn insert_credential<'e, E: sqlx::SqliteExecutor<'e>>(
    executor: E,
    authenticator_id: &str,
    credential: &CredentialRecord,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO virtual_credentials (authenticator_id, cred_id, rp_id, user_handle, \
           private_key, sign_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (authenticator_id, cred_id) DO UPDATE SET sign_count = excluded.sign_count",
    )
    .bind(authenticator_id)
    .bind(&credential.cred_id)
    .bind(&credential.rp_id)
    .bind(&credential.user_handle)
    .bind(&credential.private_key)
    .bind(credential.sign_count)
    .bind(credential.created_at)
    .execute(executor)
    .await?;
    Ok(())
}

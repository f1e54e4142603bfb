//! WebAuthn handshakes and Passkey Flex transactions and nonces: each is used at most once.

use super::events::EventFlow;
use sqlx::FromRow;

use super::Store;
use crate::domain::timestamp::Timestamp;

/// A started ceremony to keep until its finish call.
#[derive(Debug)]
pub struct NewHandshake<'a> {
    pub id: &'a str,
    pub app_id: &'a str,
    pub purpose: &'a str,
    pub user_id: Option<&'a str>,
    pub transaction_id: Option<&'a str>,
    pub state: &'a [u8],
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// The ceremony's start event, for a known user.
    pub event: Option<EventFlow<'a>>,
}

/// A handshake as finish takes it (and thereby deletes it).
#[derive(Debug, FromRow)]
pub struct Handshake {
    pub purpose: String,
    pub user_id: Option<String>,
    pub transaction_id: Option<String>,
    pub state: Vec<u8>,
    pub expires_at: i64,
}

#[derive(Debug)]
pub struct NewTransaction<'a> {
    pub id: &'a str,
    pub app_id: &'a str,
    pub kind: &'a str,
    pub external_id: &'a str,
    pub passkey_display_name: &'a str,
    pub user_id: &'a str,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, FromRow)]
pub struct Transaction {
    pub id: String,
    pub kind: String,
    pub external_id: String,
    pub passkey_display_name: String,
    pub user_id: String,
    pub expires_at: i64,
}

impl Store {
    pub async fn insert_handshake(&self, handshake: &NewHandshake<'_>) -> Result<(), sqlx::Error> {
        let sql = "INSERT INTO webauthn_handshakes \
               (id, app_id, purpose, user_id, transaction_id, state, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        let query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(handshake.id)
            .bind(handshake.app_id)
            .bind(handshake.purpose)
            .bind(handshake.user_id)
            .bind(handshake.transaction_id)
            .bind(handshake.state)
            .bind(handshake.created_at.0)
            .bind(handshake.expires_at.0);
        self.insert_starting(query, handshake.event, handshake.created_at)
            .await
    }

    /// Takes a handshake out: of two concurrent finish calls only one gets it.
    pub async fn take_handshake(
        &self,
        app_id: &str,
        id: &str,
    ) -> Result<Option<Handshake>, sqlx::Error> {
        sqlx::query_as(
            "DELETE FROM webauthn_handshakes WHERE app_id = ? AND id = ? \
             RETURNING purpose, user_id, transaction_id, state, expires_at",
        )
        .bind(app_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    /// The app a handshake belongs to (the virtual authenticator's default origin).
    pub async fn handshake_app(&self, id: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT app_id FROM webauthn_handshakes WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn insert_transaction(&self, tx: &NewTransaction<'_>) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO flex_transactions (id, app_id, kind, external_id, passkey_display_name, \
               user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(tx.id)
        .bind(tx.app_id)
        .bind(tx.kind)
        .bind(tx.external_id)
        .bind(tx.passkey_display_name)
        .bind(tx.user_id)
        .bind(tx.created_at.0)
        .bind(tx.expires_at.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn transaction(
        &self,
        app_id: &str,
        id: &str,
    ) -> Result<Option<Transaction>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, kind, external_id, passkey_display_name, user_id, expires_at \
             FROM flex_transactions WHERE app_id = ? AND id = ?",
        )
        .bind(app_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn delete_transaction(&self, app_id: &str, id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM flex_transactions WHERE app_id = ? AND id = ?")
            .bind(app_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn insert_nonce(
        &self,
        app_id: &str,
        nonce_hash: &str,
        user_id: &str,
        created_at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO flex_nonces (nonce_hash, app_id, user_id, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(nonce_hash)
        .bind(app_id)
        .bind(user_id)
        .bind(created_at.0)
        .bind(expires_at.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Redeems a nonce once: the user it was issued for, unless used, unknown or expired.
    pub async fn take_nonce(
        &self,
        app_id: &str,
        nonce_hash: &str,
        now: Timestamp,
    ) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar(
            "DELETE FROM flex_nonces WHERE app_id = ? AND nonce_hash = ? AND expires_at > ? \
             RETURNING user_id",
        )
        .bind(app_id)
        .bind(nonce_hash)
        .bind(now.0)
        .fetch_optional(&self.pool)
        .await
    }
}

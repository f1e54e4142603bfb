//! Forgetting what can no longer be used: rows past their expiry (handshakes, passcodes, magic
//! links, Flex transactions and nonces, OAuth grants and codes, refresh-token families), and
//! inbox messages past the inbox's size, oldest first. Without it a long-running emulator
//! grows with every ceremony a test starts and never finishes.

use super::Store;
use crate::domain::timestamp::Timestamp;

/// Tables whose rows carry `expires_at` and are useless after it.
const EXPIRING: [&str; 8] = [
    "webauthn_handshakes",
    "otps",
    "magic_links",
    "flex_transactions",
    "flex_nonces",
    "oauth_grants",
    "oauth_codes",
    "refresh_tokens",
];

impl Store {
    /// Deletes every row that expired before `before`; returns how many went.
    pub async fn sweep_expired(&self, before: Timestamp) -> Result<u64, sqlx::Error> {
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let mut removed = 0;
        for table in EXPIRING {
            removed += sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE expires_at < ?"
            )))
            .bind(before.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(removed)
    }

    /// Keeps the messages among the last `keep` put in the inbox (arrival numbers past
    /// `newest - keep`), so the oldest go first; returns how many went. A range on the
    /// arrival index: it costs what it deletes, not the size of the inbox.
    pub async fn trim_messages(&self, keep: u64, newest: i64) -> Result<u64, sqlx::Error> {
        let keep = i64::try_from(keep).unwrap_or(i64::MAX);
        // Until the inbox has had `keep` messages there is nothing to delete: no query.
        let oldest_kept = match newest.checked_sub(keep) {
            Some(oldest_kept) if oldest_kept >= 1 => oldest_kept,
            _ => return Ok(0),
        };
        let removed = sqlx::query("DELETE FROM messages WHERE seq <= ?")
            .bind(oldest_kept)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(removed)
    }
}

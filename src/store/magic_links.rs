//! Magic links: issued, activated at most once, polled by the device that asked for them.

use super::events::EventFlow;
use crate::domain::messages::Channel;
use sqlx::FromRow;

use super::Store;
use crate::domain::timestamp::Timestamp;

/// A link to store; the secret itself is only ever held as a hash.
#[derive(Debug)]
pub struct NewMagicLink<'a> {
    pub id: &'a str,
    pub app_id: &'a str,
    pub user_id: &'a str,
    pub secret_hash: &'a str,
    pub purpose: &'a str,
    pub channel: Channel,
    pub identifier: &'a str,
    pub new_identifier: Option<&'a str>,
    pub redirect_url: &'a str,
    pub ttl_seconds: i64,
    pub created_at: Timestamp,
    /// The link's start event.
    pub event: Option<EventFlow<'a>>,
}

/// A stored link (without its secret).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct MagicLinkRecord {
    pub id: String,
    pub app_id: String,
    pub user_id: String,
    pub purpose: String,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub identifier: String,
    pub new_identifier: Option<String>,
    pub redirect_url: String,
    pub ttl_seconds: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub activated_at: Option<i64>,
}

const COLUMNS: &str = "id, app_id, user_id, purpose, channel, identifier, new_identifier, \
    redirect_url, ttl_seconds, created_at, expires_at, activated_at";

impl Store {
    pub async fn insert_magic_link(&self, link: &NewMagicLink<'_>) -> Result<(), sqlx::Error> {
        let sql = "INSERT INTO magic_links (id, app_id, user_id, secret_hash, purpose, channel, \
               identifier, new_identifier, redirect_url, ttl_seconds, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        let query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(link.id)
            .bind(link.app_id)
            .bind(link.user_id)
            .bind(link.secret_hash)
            .bind(link.purpose)
            .bind(link.channel.identifier_kind())
            .bind(link.identifier)
            .bind(link.new_identifier)
            .bind(link.redirect_url)
            .bind(link.ttl_seconds)
            .bind(link.created_at.0)
            .bind(
                link.created_at
                    .0
                    .saturating_add(link.ttl_seconds.saturating_mul(1_000_000)),
            );
        self.insert_starting(query, link.event, link.created_at)
            .await
    }

    /// Activates the live link with this secret, in one statement, so that of any number of
    /// concurrent activations exactly one gets the link back.
    pub async fn activate_magic_link(
        &self,
        app_id: &str,
        secret_hash: &str,
        now: Timestamp,
    ) -> Result<Option<MagicLinkRecord>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE magic_links SET activated_at = ?1 \
             WHERE app_id = ?2 AND secret_hash = ?3 AND activated_at IS NULL AND expires_at > ?1 \
             RETURNING {COLUMNS}"
        )))
        .bind(now.0)
        .bind(app_id)
        .bind(secret_hash)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn magic_link(
        &self,
        app_id: &str,
        id: &str,
    ) -> Result<Option<MagicLinkRecord>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM magic_links WHERE app_id = ? AND id = ?"
        )))
        .bind(app_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }
}

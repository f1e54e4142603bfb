//! Social connections: provider identities linked to users.

use std::collections::HashMap;

use sqlx::FromRow;

use super::{Store, WriteError};
use crate::domain::social::{Provider, ProviderIdentity, SocialConnection};
use crate::domain::timestamp::Timestamp;

#[derive(Debug, FromRow)]
struct ConnectionRow {
    provider: String,
    provider_id: String,
    provider_identifier: String,
    created_at: i64,
    last_login_at: i64,
}

impl ConnectionRow {
    fn into_domain(self) -> Option<SocialConnection> {
        Some(SocialConnection {
            provider: Provider::parse(&self.provider)?,
            provider_id: self.provider_id,
            provider_identifier: self.provider_identifier,
            created_at: Timestamp(self.created_at),
            last_login_at: Timestamp(self.last_login_at),
        })
    }
}

/// The connections of each of `ids` (a JSON array of user ids) that has any, in provider
/// order: the batched read of [`super::user_loader`].
pub(super) async fn connections_of(
    pool: &sqlx::SqlitePool,
    ids: &str,
) -> Result<HashMap<String, Vec<SocialConnection>>, sqlx::Error> {
    #[derive(FromRow)]
    struct Owned {
        user_id: String,
        #[sqlx(flatten)]
        connection: ConnectionRow,
    }
    let rows: Vec<Owned> = sqlx::query_as(
        "SELECT user_id, provider, provider_id, provider_identifier, created_at, last_login_at \
         FROM social_connections WHERE user_id IN (SELECT value FROM json_each(?)) \
         ORDER BY user_id, provider",
    )
    .bind(ids)
    .fetch_all(pool)
    .await?;
    let mut connections: HashMap<String, Vec<SocialConnection>> = HashMap::new();
    for row in rows {
        if let Some(connection) = row.connection.into_domain() {
            connections.entry(row.user_id).or_default().push(connection);
        }
    }
    Ok(connections)
}

impl Store {
    /// A user's connections, in provider order (apple, github, google).
    pub async fn social_connections(
        &self,
        user_id: &str,
    ) -> Result<Vec<SocialConnection>, sqlx::Error> {
        let ids = serde_json::json!([user_id]).to_string();
        let mut connections = connections_of(&self.pool, &ids).await?;
        Ok(connections.remove(user_id).unwrap_or_default())
    }

    /// The user this provider identity is linked to, if any.
    pub async fn social_connection_owner(
        &self,
        app_id: &str,
        identity: &ProviderIdentity,
    ) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT user_id FROM social_connections \
             WHERE app_id = ? AND provider = ? AND provider_id = ?",
        )
        .bind(app_id)
        .bind(identity.provider.as_str())
        .bind(&identity.provider_id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Links an identity to a user, as of `now` (also their last login with it). Conflict when
    /// the user already has one of this provider, or the identity belongs to someone else.
    pub async fn link_social_connection(
        &self,
        app_id: &str,
        user_id: &str,
        identity: &ProviderIdentity,
        now: Timestamp,
    ) -> Result<(), WriteError> {
        sqlx::query(
            "INSERT INTO social_connections (app_id, user_id, provider, provider_id, \
               provider_identifier, created_at, last_login_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(app_id)
        .bind(user_id)
        .bind(identity.provider.as_str())
        .bind(&identity.provider_id)
        .bind(&identity.email)
        .bind(now.0)
        .bind(now.0)
        .execute(&self.pool)
        .await?;
        self.user_changed(user_id);
        Ok(())
    }

    /// Records a sign-in with a linked identity (and the email the provider now gives).
    pub async fn record_social_login(
        &self,
        app_id: &str,
        identity: &ProviderIdentity,
        now: Timestamp,
    ) -> Result<(), sqlx::Error> {
        let users: Vec<String> = sqlx::query_scalar(
            "UPDATE social_connections SET last_login_at = ?, provider_identifier = ? \
             WHERE app_id = ? AND provider = ? AND provider_id = ? RETURNING user_id",
        )
        .bind(now.0)
        .bind(&identity.email)
        .bind(app_id)
        .bind(identity.provider.as_str())
        .bind(&identity.provider_id)
        .fetch_all(&self.pool)
        .await?;
        for user_id in users {
            self.user_changed(&user_id);
        }
        Ok(())
    }

    /// Unlinks a user's connection of one provider; false when there was none.
    pub async fn delete_social_connection(
        &self,
        app_id: &str,
        user_id: &str,
        provider: Provider,
    ) -> Result<bool, sqlx::Error> {
        let result = sqlx::query(
            "DELETE FROM social_connections WHERE app_id = ? AND user_id = ? AND provider = ?",
        )
        .bind(app_id)
        .bind(user_id)
        .bind(provider.as_str())
        .execute(&self.pool)
        .await?;
        self.user_changed(user_id);
        Ok(result.rows_affected() == 1)
    }
}

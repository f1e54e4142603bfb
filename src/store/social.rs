//! Social connections: provider identities linked to users.

use super::{Store, WriteError};
use crate::domain::social::{Provider, ProviderIdentity, SocialConnection};
use crate::domain::timestamp::Timestamp;

/// A user's connections in provider order as one JSON array of
/// `[provider, provider_id, provider_identifier, created_at, last_login_at]`: a column of the
/// query that reads users with their devices (`u` is the user), so that the cache's misses
/// cost one query, not two.
pub(super) const CONNECTIONS_JSON: &str = "(SELECT json_group_array(json_array(provider, \
     provider_id, provider_identifier, created_at, last_login_at)) FROM (SELECT * FROM \
     social_connections s WHERE s.user_id = u.id ORDER BY provider)) AS social_connections";

/// The connections of a [`CONNECTIONS_JSON`] column.
pub(super) fn connections_from_json(json: &str) -> Result<Vec<SocialConnection>, sqlx::Error> {
    let rows: Vec<(String, String, String, i64, i64)> =
        serde_json::from_str(json).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(provider, provider_id, provider_identifier, created_at, last_login_at)| {
                Some(SocialConnection {
                    provider: Provider::parse(&provider)?,
                    provider_id,
                    provider_identifier,
                    created_at: Timestamp(created_at),
                    last_login_at: Timestamp(last_login_at),
                })
            },
        )
        .collect())
}

impl Store {
    /// A user's connections, in provider order (apple, github, google).
    pub async fn social_connections(
        &self,
        user_id: &str,
    ) -> Result<Vec<SocialConnection>, sqlx::Error> {
        let json: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT {CONNECTIONS_JSON} FROM (SELECT ? AS id) u"
        )))
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?;
        connections_from_json(&json)
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

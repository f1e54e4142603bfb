//! Refresh tokens: opaque, stored hashed, single use. Each rotation issues the next token of
//! the same family; presenting a spent token revokes the whole family (it was stolen, or
//! replayed).

use sqlx::FromRow;

use super::Store;
use crate::domain::timestamp::Timestamp;

#[derive(Debug)]
pub struct NewRefreshToken<'a> {
    pub id: &'a str,
    pub app_id: &'a str,
    pub user_id: &'a str,
    pub family_id: &'a str,
    pub token_hash: &'a str,
    pub created_at: Timestamp,
    /// The family's absolute end.
    pub expires_at: Timestamp,
}

/// What presenting a refresh token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The token is spent now; issue the next one in `family_id`, ending at `expires_at`.
    Rotated {
        user_id: String,
        family_id: String,
        expires_at: Timestamp,
    },
    /// Unknown, revoked, or past its absolute or inactivity lifetime.
    Invalid,
    /// Already spent: its family is revoked now.
    Reused,
}

#[derive(FromRow)]
struct Rotated {
    user_id: String,
    family_id: String,
    expires_at: i64,
}

#[derive(FromRow)]
struct State {
    family_id: String,
    used_at: Option<i64>,
}

impl Store {
    pub async fn insert_refresh_token(
        &self,
        token: &NewRefreshToken<'_>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO refresh_tokens (id, app_id, user_id, family_id, token_hash, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(token.id)
        .bind(token.app_id)
        .bind(token.user_id)
        .bind(token.family_id)
        .bind(token.token_hash)
        .bind(token.created_at.0)
        .bind(token.expires_at.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Spends a live token in one statement (so concurrent refreshes cannot both succeed).
    /// A token unused for longer than `inactivity` has lapsed.
    pub async fn spend_refresh_token(
        &self,
        app_id: &str,
        token_hash: &str,
        now: Timestamp,
        inactivity_micros: i64,
    ) -> Result<RefreshOutcome, sqlx::Error> {
        let rotated: Option<Rotated> = sqlx::query_as(
            "UPDATE refresh_tokens SET used_at = ?1 \
             WHERE app_id = ?2 AND token_hash = ?3 AND used_at IS NULL AND revoked_at IS NULL \
               AND expires_at > ?1 AND created_at + ?4 > ?1 \
             RETURNING user_id, family_id, expires_at",
        )
        .bind(now.0)
        .bind(app_id)
        .bind(token_hash)
        .bind(inactivity_micros)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = rotated {
            return Ok(RefreshOutcome::Rotated {
                user_id: row.user_id,
                family_id: row.family_id,
                expires_at: Timestamp(row.expires_at),
            });
        }
        let state: Option<State> = sqlx::query_as(
            "SELECT family_id, used_at FROM refresh_tokens WHERE app_id = ? AND token_hash = ?",
        )
        .bind(app_id)
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        match state {
            Some(State {
                family_id,
                used_at: Some(_),
            }) => {
                self.revoke_refresh_family(&family_id, now).await?;
                Ok(RefreshOutcome::Reused)
            }
            _ => Ok(RefreshOutcome::Invalid),
        }
    }

    async fn revoke_refresh_family(
        &self,
        family_id: &str,
        now: Timestamp,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
        )
        .bind(now.0)
        .bind(family_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Revokes the family of the token (signing out); false when the token is unknown.
    pub async fn revoke_refresh_token(
        &self,
        app_id: &str,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<bool, sqlx::Error> {
        let family: Option<String> = sqlx::query_scalar(
            "SELECT family_id FROM refresh_tokens WHERE app_id = ? AND token_hash = ?",
        )
        .bind(app_id)
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(family) = family else {
            return Ok(false);
        };
        self.revoke_refresh_family(&family, now).await?;
        Ok(true)
    }

    /// Revokes every refresh token of a user (Management `revoke-user-refresh-tokens`).
    pub async fn revoke_user_refresh_tokens(
        &self,
        app_id: &str,
        user_id: &str,
        now: Timestamp,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE refresh_tokens SET revoked_at = ? \
             WHERE app_id = ? AND user_id = ? AND revoked_at IS NULL",
        )
        .bind(now.0)
        .bind(app_id)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

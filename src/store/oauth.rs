//! OAuth trips (social and hosted login): grants from authorize until the app's code, the
//! codes themselves, and identities queued by tests. Grants and codes are spent by
//! `DELETE ... RETURNING`, so each is used at most once, also under concurrent calls.

use sqlx::FromRow;

use super::Store;
use crate::domain::social::{GrantKind, ProviderIdentity};
use crate::domain::timestamp::Timestamp;

/// A grant as authorize writes it.
#[derive(Debug)]
pub struct NewGrant<'a> {
    pub app_id: &'a str,
    pub kind: GrantKind,
    pub connection_type: &'a str,
    pub redirect_uri: &'a str,
    pub state: &'a str,
    pub code_challenge: &'a str,
    pub nonce: &'a str,
    pub login_hint: &'a str,
    /// Social: the Passage callback the provider redirects to.
    pub callback: &'a str,
}

/// A grant as read back: `identity` is set once the person signed in at the provider.
#[derive(Debug, Clone, FromRow)]
pub struct Grant {
    pub id: String,
    pub app_id: String,
    #[sqlx(try_from = "String")]
    pub kind: GrantKind,
    pub connection_type: String,
    pub redirect_uri: String,
    pub state: String,
    pub code_challenge: String,
    pub nonce: String,
    pub login_hint: String,
    pub callback: String,
    pub identity: Option<String>,
    pub provider_code_hash: Option<String>,
    pub expires_at: i64,
}

impl Grant {
    pub fn expired(&self, now: Timestamp) -> bool {
        self.expires_at <= now.0
    }

    /// Who signed in at the provider, once someone did.
    pub fn identity(&self) -> Option<ProviderIdentity> {
        self.identity
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
    }
}

const GRANT_COLUMNS: &str = "id, app_id, kind, connection_type, redirect_uri, state, \
     code_challenge, nonce, login_hint, callback, identity, provider_code_hash, expires_at";

/// What a code handed to the app's redirect URI stands for.
#[derive(Debug)]
pub struct CodeGrant<'a> {
    pub app_id: &'a str,
    pub kind: GrantKind,
    pub redirect_uri: &'a str,
    /// PKCE S256; empty when the hosted flow ran without PKCE.
    pub code_challenge: &'a str,
    pub nonce: &'a str,
    /// Social: who signed in at the provider.
    pub identity: Option<&'a ProviderIdentity>,
    /// Social: the email belongs to a user who has not linked this provider.
    pub link_account: bool,
    /// Hosted: who signed in.
    pub user_id: Option<&'a str>,
}

/// A code as its exchange takes it (and thereby deletes it).
#[derive(Debug, FromRow)]
pub struct Code {
    pub redirect_uri: String,
    pub code_challenge: String,
    pub nonce: String,
    pub identity: Option<String>,
    pub user_id: Option<String>,
    pub auth_time: i64,
    pub expires_at: i64,
}

impl Code {
    pub fn expired(&self, now: Timestamp) -> bool {
        self.expires_at <= now.0
    }

    pub fn identity(&self) -> Option<ProviderIdentity> {
        self.identity
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
    }
}

fn to_json(identity: &ProviderIdentity) -> String {
    serde_json::to_string(identity).expect("an identity serializes")
}

impl Store {
    pub async fn insert_grant(
        &self,
        id: &str,
        grant: &NewGrant<'_>,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO oauth_grants (id, app_id, kind, connection_type, redirect_uri, state, \
               code_challenge, nonce, login_hint, callback, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(grant.app_id)
        .bind(grant.kind.as_str())
        .bind(grant.connection_type)
        .bind(grant.redirect_uri)
        .bind(grant.state)
        .bind(grant.code_challenge)
        .bind(grant.nonce)
        .bind(grant.login_hint)
        .bind(grant.callback)
        .bind(now.0)
        .bind(expires_at.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn grant(&self, id: &str) -> Result<Option<Grant>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {GRANT_COLUMNS} FROM oauth_grants WHERE id = ?"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Records who signed in at the provider and the provider's code for it; false when the
    /// grant is gone, expired or already answered.
    pub async fn answer_grant(
        &self,
        id: &str,
        identity: &ProviderIdentity,
        provider_code_hash: &str,
        now: Timestamp,
    ) -> Result<bool, sqlx::Error> {
        let result = sqlx::query(
            "UPDATE oauth_grants SET identity = ?, provider_code_hash = ? \
             WHERE id = ? AND identity IS NULL AND expires_at > ?",
        )
        .bind(to_json(identity))
        .bind(provider_code_hash)
        .bind(id)
        .bind(now.0)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Takes a grant out: of two concurrent callbacks only one gets it.
    pub async fn take_grant(&self, id: &str) -> Result<Option<Grant>, sqlx::Error> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "DELETE FROM oauth_grants WHERE id = ? RETURNING {GRANT_COLUMNS}"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Stores a code (its hash), issued at `now` (also its `auth_time`) until `expires_at`.
    pub async fn insert_code(
        &self,
        code_hash: &str,
        code: &CodeGrant<'_>,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO oauth_codes (code_hash, app_id, kind, redirect_uri, code_challenge, \
               nonce, identity, link_account, user_id, auth_time, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(code_hash)
        .bind(code.app_id)
        .bind(code.kind.as_str())
        .bind(code.redirect_uri)
        .bind(code.code_challenge)
        .bind(code.nonce)
        .bind(code.identity.map(to_json))
        .bind(code.link_account)
        .bind(code.user_id)
        .bind(now.unix_seconds())
        .bind(now.0)
        .bind(expires_at.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Takes a code of this app and kind out, expired or not (the caller tells the two apart).
    pub async fn take_code(
        &self,
        app_id: &str,
        kind: GrantKind,
        code_hash: &str,
    ) -> Result<Option<Code>, sqlx::Error> {
        sqlx::query_as(
            "DELETE FROM oauth_codes WHERE code_hash = ? AND app_id = ? AND kind = ? \
             RETURNING kind, redirect_uri, code_challenge, nonce, identity, link_account, \
               user_id, auth_time, expires_at",
        )
        .bind(code_hash)
        .bind(app_id)
        .bind(kind.as_str())
        .fetch_optional(&self.pool)
        .await
    }

    /// Queues what the next sign-in at a provider stand-in answers (JSON).
    pub async fn queue_provider_answer(
        &self,
        app_id: &str,
        provider: &str,
        answer: &str,
        now: Timestamp,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO social_next_identities (app_id, provider, identity, created_at) \
             VALUES (?, ?, ?, ?)",
        )
        .bind(app_id)
        .bind(provider)
        .bind(answer)
        .bind(now.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Takes the oldest queued answer for this app and provider (or for any provider).
    pub async fn take_provider_answer(
        &self,
        app_id: &str,
        provider: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar(
            "DELETE FROM social_next_identities WHERE seq = (SELECT seq \
               FROM social_next_identities WHERE app_id = ? AND provider IN (?, '') \
               ORDER BY seq LIMIT 1) \
             RETURNING identity",
        )
        .bind(app_id)
        .bind(provider)
        .fetch_optional(&self.pool)
        .await
    }
}

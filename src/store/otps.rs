//! One-time passcodes: issued, then redeemed at most once, with a bounded number of wrong tries.

use super::events::EventFlow;
use crate::domain::messages::Channel;
use sqlx::FromRow;

use super::Store;
use crate::domain::timestamp::Timestamp;

/// A passcode to store; the code itself is only ever held as a hash.
#[derive(Debug)]
pub struct NewOtp<'a> {
    pub id: &'a str,
    pub app_id: &'a str,
    pub user_id: &'a str,
    pub code_hash: &'a str,
    pub purpose: &'a str,
    pub channel: Channel,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// The passcode's start event.
    pub event: Option<EventFlow<'a>>,
}

/// What an activation attempt found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OtpOutcome {
    /// The one successful use: the passcode is spent now.
    Redeemed { user_id: String, channel: Channel },
    /// No such passcode, or it was used or has expired.
    Invalid,
    /// A wrong code; it counted as a try.
    WrongCode,
    /// Too many wrong tries: the passcode is dead.
    Exhausted,
}

#[derive(FromRow)]
struct Redeemed {
    user_id: String,
    #[sqlx(try_from = "String")]
    channel: Channel,
}

#[derive(FromRow)]
struct State {
    attempts: i64,
    expires_at: i64,
    used_at: Option<i64>,
}

impl Store {
    pub async fn insert_otp(&self, otp: &NewOtp<'_>) -> Result<(), sqlx::Error> {
        let sql = "INSERT INTO otps (id, app_id, user_id, code_hash, purpose, channel, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        let query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(otp.id)
            .bind(otp.app_id)
            .bind(otp.user_id)
            .bind(otp.code_hash)
            .bind(otp.purpose)
            .bind(otp.channel.identifier_kind())
            .bind(otp.created_at.0)
            .bind(otp.expires_at.0);
        self.insert_starting(query, otp.event, otp.created_at).await
    }

    /// Spends the passcode if `code_hash` matches, in one statement, so that of any number of
    /// concurrent attempts exactly one succeeds.
    pub async fn redeem_otp(
        &self,
        app_id: &str,
        id: &str,
        code_hash: &str,
        now: Timestamp,
        max_wrong: i64,
    ) -> Result<OtpOutcome, sqlx::Error> {
        let redeemed: Option<Redeemed> = sqlx::query_as(
            "UPDATE otps SET used_at = ?1 \
             WHERE app_id = ?2 AND id = ?3 AND code_hash = ?4 AND used_at IS NULL \
               AND expires_at > ?1 AND attempts < ?5 \
             RETURNING user_id, channel",
        )
        .bind(now.0)
        .bind(app_id)
        .bind(id)
        .bind(code_hash)
        .bind(max_wrong)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(Redeemed { user_id, channel }) = redeemed {
            return Ok(OtpOutcome::Redeemed { user_id, channel });
        }
        let state: Option<State> = sqlx::query_as(
            "SELECT attempts, expires_at, used_at FROM otps WHERE app_id = ? AND id = ?",
        )
        .bind(app_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(state) = state else {
            return Ok(OtpOutcome::Invalid);
        };
        if state.used_at.is_some() || state.expires_at <= now.0 {
            return Ok(OtpOutcome::Invalid);
        }
        if state.attempts >= max_wrong {
            return Ok(OtpOutcome::Exhausted);
        }
        // A wrong code: count it, unless a concurrent attempt spent the passcode meanwhile.
        sqlx::query("UPDATE otps SET attempts = attempts + 1 WHERE id = ? AND used_at IS NULL")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(OtpOutcome::WrongCode)
    }
}

//! Users.

use super::events::EventFlow;
use crate::domain::messages::Channel;
use serde_json::{Map, Value};
use sqlx::{FromRow, QueryBuilder, Sqlite};

use super::{Store, WriteError};
use crate::domain::identifiers::Identifier;
use crate::domain::timestamp::Timestamp;
use crate::domain::user::{User, UserStatus};

#[derive(FromRow)]
pub(super) struct UserRow {
    id: String,
    app_id: String,
    email: String,
    phone: String,
    external_id: String,
    status: String,
    email_verified: bool,
    phone_verified: bool,
    user_metadata: Option<String>,
    login_count: i64,
    last_login_at: i64,
    created_at: i64,
    updated_at: i64,
}

/// The user columns, qualified so that queries can join: select them `FROM users u`.
pub(super) const USER_COLUMNS: &str = "u.id, u.app_id, u.email, u.phone, u.external_id, \
    u.status, u.email_verified, u.phone_verified, u.user_metadata, u.login_count, \
    u.last_login_at, u.created_at, u.updated_at";

impl UserRow {
    pub(super) fn into_domain(self) -> Result<User, sqlx::Error> {
        let status = UserStatus::parse(&self.status)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {}", self.status).into()))?;
        let user_metadata = match self.user_metadata {
            None => None,
            Some(text) => Some(
                serde_json::from_str::<Map<String, Value>>(&text)
                    .map_err(|error| sqlx::Error::Decode(Box::new(error)))?,
            ),
        };
        Ok(User {
            id: self.id,
            app_id: self.app_id,
            email: self.email,
            phone: self.phone,
            external_id: self.external_id,
            status,
            email_verified: self.email_verified,
            phone_verified: self.phone_verified,
            user_metadata,
            login_count: self.login_count,
            last_login_at: Timestamp(self.last_login_at),
            created_at: Timestamp(self.created_at),
            updated_at: Timestamp(self.updated_at),
        })
    }
}

/// A user to insert; identifiers already normalised, metadata already validated.
#[derive(Debug)]
pub struct NewUser<'a> {
    pub id: &'a str,
    pub app_id: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub external_id: &'a str,
    pub status: UserStatus,
    pub email_verified: bool,
    pub phone_verified: bool,
    pub user_metadata: Option<&'a Map<String, Value>>,
    pub login_count: i64,
    pub last_login_at: Timestamp,
    pub created_at: Timestamp,
}

/// Changes to apply; `None` leaves a column as it is.
#[derive(Debug, Default)]
pub struct UserChanges {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub status: Option<UserStatus>,
    /// Merged into the stored metadata (RFC 7396: `null` removes a key).
    pub user_metadata: Option<Map<String, Value>>,
}

pub(super) fn metadata_json(
    metadata: Option<&Map<String, Value>>,
) -> Result<Option<String>, sqlx::Error> {
    metadata
        .map(serde_json::to_string)
        .transpose()
        .map_err(|error| sqlx::Error::Encode(Box::new(error)))
}

impl Store {
    pub async fn insert_user(&self, user: &NewUser<'_>) -> Result<(), WriteError> {
        sqlx::query(
            "INSERT INTO users (id, app_id, email, phone, external_id, status, email_verified, \
             phone_verified, user_metadata, login_count, last_login_at, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(user.id)
        .bind(user.app_id)
        .bind(user.email)
        .bind(user.phone)
        .bind(user.external_id)
        .bind(user.status.as_str())
        .bind(user.email_verified)
        .bind(user.phone_verified)
        .bind(metadata_json(user.user_metadata)?)
        .bind(user.login_count)
        .bind(user.last_login_at.0)
        .bind(user.created_at.0)
        .bind(user.created_at.0)
        .execute(&self.pool)
        .await?;
        self.user_changed(user.id);
        Ok(())
    }

    pub async fn user(&self, app_id: &str, id: &str) -> Result<Option<User>, sqlx::Error> {
        let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE app_id = ? AND id = ?"
        )))
        .bind(app_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(UserRow::into_domain).transpose()
    }

    /// Applies `changes` in one statement; false when there is no such user.
    ///
    /// Changing the email or phone clears its verified flag: the new address has not been
    /// proven yet.
    pub async fn update_user(
        &self,
        app_id: &str,
        id: &str,
        changes: &UserChanges,
        now: Timestamp,
    ) -> Result<bool, WriteError> {
        // Only the columns the request changes are named: SQLite rewrites every index that
        // holds a column the SET names, changed or not, and an update naming email, phone and
        // status as well wrote 6-8 pages instead of 3 (at a million users, each page of the
        // five indexes a random one: PATCH under load ran 3x slower than at a thousand).
        let mut query = QueryBuilder::<Sqlite>::new("UPDATE users SET ");
        let mut set = query.separated(", ");
        if let Some(email) = &changes.email {
            set.push("email_verified = CASE WHEN email <> ")
                .push_bind_unseparated(email.as_str())
                .push_unseparated(" THEN 0 ELSE email_verified END");
            set.push("email = ").push_bind_unseparated(email.as_str());
        }
        if let Some(phone) = &changes.phone {
            set.push("phone_verified = CASE WHEN phone <> ")
                .push_bind_unseparated(phone.as_str())
                .push_unseparated(" THEN 0 ELSE phone_verified END");
            set.push("phone = ").push_bind_unseparated(phone.as_str());
        }
        if let Some(status) = changes.status {
            set.push("status = ").push_bind_unseparated(status.as_str());
        }
        if let Some(metadata) = metadata_json(changes.user_metadata.as_ref())? {
            set.push("user_metadata = json_patch(COALESCE(user_metadata, '{}'), ")
                .push_bind_unseparated(metadata)
                .push_unseparated(")");
        }
        set.push("updated_at = ").push_bind_unseparated(now.0);
        query
            .push(" WHERE app_id = ")
            .push_bind(app_id)
            .push(" AND id = ")
            .push_bind(id);
        let result = query.build().execute(&self.pool).await?;
        self.user_changed(id);
        Ok(result.rows_affected() == 1)
    }

    pub async fn delete_user(&self, app_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        let result = sqlx::query("DELETE FROM users WHERE app_id = ? AND id = ?")
            .bind(app_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        self.user_changed(id);
        Ok(result.rows_affected() == 1)
    }
}

impl Store {
    /// The user with this external id (Passkey Flex), if any.
    pub async fn user_by_external_id(
        &self,
        app_id: &str,
        external_id: &str,
    ) -> Result<Option<User>, sqlx::Error> {
        let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users u \
             WHERE app_id = ? AND external_id = ? AND external_id <> ''"
        )))
        .bind(app_id)
        .bind(external_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(UserRow::into_domain).transpose()
    }

    /// The user with this email (lower-cased) or E.164 phone, if any.
    pub async fn user_by_identifier(
        &self,
        app_id: &str,
        identifier: &Identifier,
    ) -> Result<Option<User>, sqlx::Error> {
        let (column, value) = match identifier {
            Identifier::Email(email) => ("email", email),
            Identifier::Phone(phone) => ("phone", phone),
        };
        let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            // `<> ''` lets SQLite use the partial unique index of that column; without it the
            // planner cannot tell the bound value is not '' and scans the app's users.
            "SELECT {USER_COLUMNS} FROM users u WHERE app_id = ? AND {column} = ? AND {column} <> ''"
        )))
        .bind(app_id)
        .bind(value)
        .fetch_optional(&self.pool)
        .await?;
        row.map(UserRow::into_domain).transpose()
    }

    /// A successful login: the user is active, the identifier that received the code or link
    /// is verified, the login is counted (one statement), and the ceremony's event is
    /// completed (the one its start recorded, else a new complete one: queued,
    /// [`super::event_queue`]).
    pub async fn record_login(
        &self,
        flow: EventFlow<'_>,
        verified: Option<Channel>,
        now: Timestamp,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE users SET status = 'active', \
             login_count = login_count + 1, last_login_at = ?, updated_at = ?, \
             email_verified = CASE WHEN ? = 'email' THEN 1 ELSE email_verified END, \
             phone_verified = CASE WHEN ? = 'phone' THEN 1 ELSE phone_verified END \
             WHERE app_id = ? AND id = ?",
        )
        .bind(now.0)
        .bind(now.0)
        .bind(verified.map(Channel::identifier_kind))
        .bind(verified.map(Channel::identifier_kind))
        .bind(flow.app_id)
        .bind(flow.user_id)
        .execute(&self.pool)
        .await?;
        if self.events {
            self.event_queue.finished(&flow, now);
        }
        self.user_changed(flow.user_id);
        Ok(())
    }
}

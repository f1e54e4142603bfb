//! `POST /_emulator/reset`: every user of one app or of all, and what belongs to them.

use sqlx::{Connection, SqliteConnection};

use super::Store;

/// What a reset clears besides users (whose rows cascade to devices, passcodes, refresh
/// tokens, nonces and social connections).
const RESET_TABLES: [&str; 7] = [
    "messages",
    "passkey_readiness_reports",
    "webauthn_handshakes",
    "flex_transactions",
    "oauth_grants",
    "oauth_codes",
    "social_next_identities",
];

impl Store {
    /// Removes every user (of one app, or of all), and with them their devices, passcodes,
    /// refresh tokens, Flex nonces and social connections, the inbox's messages, and pending
    /// passkey handshakes, Flex transactions, OAuth grants, codes and queued identities, and
    /// passkey readiness reports. Apps,
    /// keys, metadata schemas and virtual authenticators stay. Returns how many users went.
    pub async fn reset(&self, app_id: Option<&str>) -> Result<u64, sqlx::Error> {
        // Events recorded before the reset go with their users, not onto users seeded after.
        self.flush_events().await?;
        // Foreign keys are off for this one transaction on this one connection (the pragma
        // cannot change inside a transaction): every table that references a user is emptied
        // explicitly below, so the cascade would only probe each child table once per deleted
        // user, and `DELETE FROM users` without a WHERE can then drop the rows wholesale.
        let mut connection = self.pool.acquire().await?;
        foreign_keys(&mut connection, false).await?;
        let result = reset_on(&mut connection, app_id).await;
        foreign_keys(&mut connection, true).await?;
        let removed = result?;
        self.users_changed();
        Ok(removed)
    }
}

/// Turns the connection's foreign-key checks on or off (outside a transaction only: the pragma
/// does nothing inside one).
pub(super) async fn foreign_keys(
    connection: &mut SqliteConnection,
    on: bool,
) -> Result<(), sqlx::Error> {
    let pragma = if on {
        "PRAGMA foreign_keys = ON"
    } else {
        "PRAGMA foreign_keys = OFF"
    };
    sqlx::query(pragma).execute(connection).await?;
    Ok(())
}

/// The tables with a foreign key to one of `parents`, read from the schema so that a table
/// added later is reset (and checked) too.
async fn tables_referencing(
    connection: &mut SqliteConnection,
    parents: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    let parents = serde_json::to_string(parents).unwrap_or_default();
    sqlx::query_scalar(
        "SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
         WHERE m.type = 'table' AND f.\"table\" IN (SELECT value FROM json_each(?)) \
         ORDER BY m.name",
    )
    .bind(parents)
    .fetch_all(connection)
    .await
}

/// Deletes the rows of `table` (of one app, or all of them); answers how many went.
async fn delete_rows(
    connection: &mut SqliteConnection,
    table: &str,
    app_id: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let done = match app_id {
        Some(app_id) => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE app_id = ?"
            )))
            .bind(app_id)
            .execute(connection)
            .await?
        }
        None => {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
                .execute(connection)
                .await?
        }
    };
    Ok(done.rows_affected())
}

/// The tables of counts that triggers on `users` keep (migrations 0008 and 0009).
const KEPT_COUNTS: [&str; 2] = ["user_counts", "user_field_counts"];

/// Deletes every user and empties the counts kept of them. The triggers that keep the counts
/// are set aside meanwhile: SQLite drops a table's rows wholesale only when no trigger watches
/// it, and deleting them one by one through fourteen indexes is what made reset slow.
async fn delete_every_user(connection: &mut SqliteConnection) -> Result<u64, sqlx::Error> {
    let triggers = set_aside_triggers(connection, Some("users")).await?;
    let users = delete_rows(connection, "users", None).await?;
    for table in KEPT_COUNTS {
        delete_rows(connection, table, None).await?;
    }
    put_back_triggers(connection, triggers).await?;
    Ok(users)
}

/// A trigger set aside: its name and the SQL that made it.
pub(super) type Trigger = (String, String);

/// Drops the triggers on `table` (or on every table), inside the caller's transaction, and
/// answers their own SQL from the schema, for [`put_back_triggers`].
pub(super) async fn set_aside_triggers(
    connection: &mut SqliteConnection,
    table: Option<&str>,
) -> Result<Vec<Trigger>, sqlx::Error> {
    let triggers: Vec<Trigger> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' \
         AND (?1 IS NULL OR tbl_name = ?1)",
    )
    .bind(table)
    .fetch_all(&mut *connection)
    .await?;
    for (name, _) in &triggers {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP TRIGGER \"{name}\"")))
            .execute(&mut *connection)
            .await?;
    }
    Ok(triggers)
}

pub(super) async fn put_back_triggers(
    connection: &mut SqliteConnection,
    triggers: Vec<Trigger>,
) -> Result<(), sqlx::Error> {
    for (_, sql) in triggers {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *connection)
            .await?;
    }
    Ok(())
}

/// Rows whose foreign key points at a row of one of `emptied`, which no longer exists. Only
/// the tables referencing those are checked, so the check costs what they hold, not the
/// whole database.
async fn dangling_rows(
    connection: &mut SqliteConnection,
    emptied: &[String],
) -> Result<Option<String>, sqlx::Error> {
    for table in tables_referencing(connection, emptied).await? {
        let dangling: Option<String> =
            sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_check(?) LIMIT 1")
                .bind(&table)
                .fetch_optional(&mut *connection)
                .await?;
        if dangling.is_some() {
            return Ok(dangling);
        }
    }
    Ok(None)
}

/// `Store::reset`'s transaction, on a connection with foreign keys off. It checks the keys
/// itself before committing: a row left pointing at a removed row rolls everything back.
async fn reset_on(
    connection: &mut SqliteConnection,
    app_id: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let mut tables: Vec<String> = RESET_TABLES.iter().map(|t| (*t).to_owned()).collect();
    tables.extend(tables_referencing(connection, &["users".to_owned()]).await?);
    let mut tx = connection.begin_with(super::BEGIN_WRITE).await?;
    for table in &tables {
        delete_rows(&mut tx, table, app_id).await?;
    }
    let users = match app_id {
        Some(_) => delete_rows(&mut tx, "users", app_id).await?,
        None => delete_every_user(&mut tx).await?,
    };
    tables.push("users".to_owned());
    if let Some(table) = dangling_rows(&mut tx, &tables).await? {
        return Err(sqlx::Error::Protocol(format!(
            "reset would leave rows of {table} pointing at removed rows"
        )));
    }
    tx.commit().await?;
    Ok(users)
}

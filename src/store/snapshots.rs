//! Snapshots (`/_emulator/snapshots`): the rows of every table of the emulator's state, copied
//! under a name and put back on request, so a test suite seeds once and restores between tests.
//!
//! A snapshot's rows live in tables of their own, `snapshot_{seq}_{table}` (migration 0011),
//! made by `CREATE TABLE ... AS SELECT`: taking a snapshot and restoring one are a statement per
//! table, with no row passing through the emulator. The snapshot's name is never part of SQL
//! text; only its sequence number is.

use sqlx::{Connection, Row, SqliteConnection};

use super::Store;
use super::reset::{foreign_keys, put_back_triggers, set_aside_triggers};
use crate::domain::timestamp::Timestamp;

/// One snapshot, as its catalog row holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRecord {
    pub name: String,
    pub created_at: Timestamp,
    /// The clock's offset from the system clock when the snapshot was taken.
    pub clock_offset_micros: i64,
    pub users: i64,
}

/// The tables of the emulator's state: every table but SQLite's and sqlx's own and the
/// snapshots'. Read from the schema, so a table a later migration adds is copied too.
const STATE_TABLES: &str = "SELECT name FROM sqlite_master WHERE type = 'table' \
     AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_sqlx%' ESCAPE '\\' \
     AND name NOT LIKE 'snapshot\\_%' ESCAPE '\\' AND name <> 'emulator_snapshots' \
     ORDER BY name";

const CATALOG: &str = "SELECT seq, name, created_at, clock_offset_micros, users \
     FROM emulator_snapshots";

fn record(row: &sqlx::sqlite::SqliteRow) -> Result<(i64, SnapshotRecord), sqlx::Error> {
    Ok((
        row.try_get("seq")?,
        SnapshotRecord {
            name: row.try_get("name")?,
            created_at: Timestamp(row.try_get("created_at")?),
            clock_offset_micros: row.try_get("clock_offset_micros")?,
            users: row.try_get("users")?,
        },
    ))
}

async fn find(
    connection: &mut SqliteConnection,
    name: &str,
) -> Result<Option<(i64, SnapshotRecord)>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{CATALOG} WHERE name = ?")))
        .bind(name)
        .fetch_optional(connection)
        .await?;
    row.as_ref().map(record).transpose()
}

async fn state_tables(connection: &mut SqliteConnection) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(STATE_TABLES).fetch_all(connection).await
}

/// Drops the snapshot `seq`'s tables and its catalog row.
async fn drop_snapshot(connection: &mut SqliteConnection, seq: i64) -> Result<(), sqlx::Error> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ESCAPE '\\'",
    )
    .bind(format!("snapshot\\_{seq}\\_%"))
    .fetch_all(&mut *connection)
    .await?;
    for table in tables {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP TABLE \"{table}\"")))
            .execute(&mut *connection)
            .await?;
    }
    sqlx::query("DELETE FROM emulator_snapshots WHERE seq = ?")
        .bind(seq)
        .execute(connection)
        .await?;
    Ok(())
}

impl Store {
    /// Copies every table's rows under `name`, replacing a snapshot of that name, in one
    /// transaction (so the copy is of one moment).
    pub async fn create_snapshot(
        &self,
        name: &str,
        now: Timestamp,
        clock_offset_micros: i64,
    ) -> Result<SnapshotRecord, sqlx::Error> {
        self.flush_events().await?;
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        if let Some((seq, _)) = find(&mut tx, name).await? {
            drop_snapshot(&mut tx, seq).await?;
        }
        let users: i64 = sqlx::query_scalar("SELECT COALESCE(SUM(users), 0) FROM user_counts")
            .fetch_one(&mut *tx)
            .await?;
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO emulator_snapshots (name, created_at, clock_offset_micros, users) \
             VALUES (?, ?, ?, ?) RETURNING seq",
        )
        .bind(name)
        .bind(now.0)
        .bind(clock_offset_micros)
        .bind(users)
        .fetch_one(&mut *tx)
        .await?;
        for table in state_tables(&mut tx).await? {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "CREATE TABLE \"snapshot_{seq}_{table}\" AS SELECT * FROM \"{table}\""
            )))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(SnapshotRecord {
            name: name.to_owned(),
            created_at: now,
            clock_offset_micros,
            users,
        })
    }

    /// Every snapshot, oldest first.
    pub async fn list_snapshots(&self) -> Result<Vec<SnapshotRecord>, sqlx::Error> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{CATALOG} ORDER BY seq")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| record(row).map(|(_, snapshot)| snapshot))
            .collect()
    }

    /// Puts every table back as the snapshot `name` holds it (`None`: no such snapshot).
    /// Callers put the clock back too (the record carries its offset).
    pub async fn restore_snapshot(
        &self,
        name: &str,
    ) -> Result<Option<SnapshotRecord>, sqlx::Error> {
        // Events recorded before the restore are written first, not into the restored state.
        self.flush_events().await?;
        // Foreign keys are off for the transaction, as for reset: the rows come back from one
        // consistent moment, in no particular table order.
        let mut connection = self.pool.acquire().await?;
        foreign_keys(&mut connection, false).await?;
        let result = restore_on(&mut connection, name).await;
        foreign_keys(&mut connection, true).await?;
        let restored = result?;
        if restored.is_some() {
            self.users_changed();
            self.apps_changed();
        }
        Ok(restored)
    }

    /// Drops the snapshot `name`; `false` if there was none.
    pub async fn delete_snapshot(&self, name: &str) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool.begin_with(super::BEGIN_WRITE).await?;
        let Some((seq, _)) = find(&mut tx, name).await? else {
            return Ok(false);
        };
        drop_snapshot(&mut tx, seq).await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// The restore's transaction: every state table emptied (triggers set aside, so the counts
/// they keep come back as copied rather than counted twice) and refilled from the copy.
async fn restore_on(
    connection: &mut SqliteConnection,
    name: &str,
) -> Result<Option<SnapshotRecord>, sqlx::Error> {
    let mut tx = connection.begin_with(super::BEGIN_WRITE).await?;
    let Some((seq, snapshot)) = find(&mut tx, name).await? else {
        return Ok(None);
    };
    let tables = state_tables(&mut tx).await?;
    let triggers = set_aside_triggers(&mut tx, None).await?;
    for table in &tables {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM \"{table}\"")))
            .execute(&mut *tx)
            .await?;
    }
    for table in &tables {
        let copy = format!("snapshot_{seq}_{table}");
        // The copy's own columns, named: a column a later migration added takes its default,
        // and a table added after the snapshot stays empty.
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                .bind(&copy)
                .fetch_all(&mut *tx)
                .await?;
        if columns.is_empty() {
            continue;
        }
        let columns = columns
            .iter()
            .map(|column| format!("\"{column}\""))
            .collect::<Vec<_>>()
            .join(", ");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO \"{table}\" ({columns}) SELECT {columns} FROM \"{copy}\""
        )))
        .execute(&mut *tx)
        .await?;
    }
    put_back_triggers(&mut tx, triggers).await?;
    tx.commit().await?;
    Ok(Some(snapshot))
}

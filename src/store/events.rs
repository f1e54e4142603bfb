//! Users' sign-in and registration events (migrations/0010_user_events.sql, 0015): queued
//! when a ceremony starts for a known user and when it finishes (with the login, in
//! `Store::record_login`) and written in batches ([`super::event_queue`], [`write_batch`]);
//! read back as a user's recent events (with the user, through the read cache) and as the
//! app's event list.

use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{FromRow, QueryBuilder, Sqlite};

use super::event_queue::Batch;
use super::user_list::push_comparison;
use super::{Comparison, FilterValue, Store};
use crate::domain::events::{Action, Client, Method, RECENT_EVENTS, UserEvent};
use crate::domain::social::Provider;
use crate::domain::timestamp::Timestamp;

/// How many events the database keeps at most; the oldest go first (the sweep trims them).
const EVENTS_KEPT: i64 = 100_000;

/// What a ceremony's event records.
#[derive(Debug, Clone, Copy)]
pub struct EventFlow<'a> {
    pub app_id: &'a str,
    pub user_id: &'a str,
    /// The ceremony's id (link, passcode, handshake, transaction), when it has one.
    pub flow_id: Option<&'a str>,
    pub method: Method,
    pub action: Action,
    pub client: &'a Client,
    pub social_login_type: Option<Provider>,
}

/// The columns of an event, `e` being `user_events`.
pub(super) const EVENT_COLUMNS: &str = "e.id, e.app_id, e.user_id, e.flow_id, e.type, e.action, \
     e.identifier, e.ip_addr, e.user_agent, e.social_login_type, e.created_at, e.completed_at";

#[derive(Debug, FromRow)]
pub(super) struct EventRow {
    id: String,
    app_id: String,
    user_id: String,
    flow_id: Option<String>,
    #[sqlx(rename = "type")]
    event_type: String,
    action: String,
    identifier: String,
    ip_addr: String,
    user_agent: String,
    social_login_type: Option<String>,
    created_at: i64,
    completed_at: Option<i64>,
}

impl EventRow {
    pub(super) fn into_domain(self) -> UserEvent {
        UserEvent {
            id: self.id,
            app_id: self.app_id,
            user_id: self.user_id,
            flow_id: self.flow_id,
            event_type: self.event_type,
            action: Action::parse(&self.action).unwrap_or(Action::Other),
            identifier: self.identifier,
            client: Client {
                ip_addr: self.ip_addr,
                user_agent: self.user_agent,
            },
            social_login_type: self.social_login_type.as_deref().and_then(Provider::parse),
            created_at: Timestamp(self.created_at),
            completed_at: self.completed_at.map(Timestamp),
        }
    }
}

/// A user's most recent events, newest first, as one JSON array of
/// `[id, flow_id, type, action, identifier, ip_addr, user_agent, social_login_type,
/// created_at, completed_at]`: a column of the query that reads users for the cache (`u` is
/// the user).
/// Without events (`Store::events`), an empty array: what the column costs is events' cost.
pub(super) fn recent_events_json(events: bool) -> String {
    if !events {
        return "'[]' AS recent_events".to_owned();
    }
    format!(
        "(SELECT json_group_array(json_array(id, flow_id, type, action, identifier, ip_addr, \
         user_agent, social_login_type, created_at, completed_at)) \
         FROM (SELECT * FROM user_events e WHERE e.user_id = u.id \
         ORDER BY e.created_at DESC, e.id DESC LIMIT {RECENT_EVENTS})) AS recent_events"
    )
}

type EventJson = (
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
);

/// The events of a [`recent_events_json`] column, for the user `user`.
pub(super) fn events_from_json(
    json: &str,
    app_id: &str,
    user_id: &str,
) -> Result<Vec<UserEvent>, sqlx::Error> {
    let rows: Vec<EventJson> =
        serde_json::from_str(json).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                flow_id,
                event_type,
                action,
                identifier,
                ip_addr,
                user_agent,
                social,
                created,
                completed,
            )| {
                EventRow {
                    id,
                    app_id: app_id.to_owned(),
                    user_id: user_id.to_owned(),
                    flow_id,
                    event_type,
                    action,
                    identifier,
                    ip_addr,
                    user_agent,
                    social_login_type: social,
                    created_at: created,
                    completed_at: completed,
                }
                .into_domain()
            },
        )
        .collect())
}

/// Every event is inserted for a user the app has (none otherwise: a user deleted meanwhile),
/// but a finish whose ceremony has an incomplete event (which [`COMPLETE_BATCH`] completes),
/// and a start already recorded (`OR IGNORE`: the unique index of incomplete events' flows).
/// The identifier is the user's email, else phone, else external id. CROSS JOIN keeps the
/// batch the outer loop: each user is found by key.
const INSERT_BATCH: &str = "INSERT OR IGNORE INTO user_events (id, app_id, user_id, flow_id, \
       type, action, identifier, ip_addr, user_agent, social_login_type, created_at, \
       completed_at) \
     SELECT j.value ->> 'id', u.app_id, u.id, j.value ->> 'flow_id', j.value ->> 'type', \
       j.value ->> 'action', COALESCE(NULLIF(u.email, ''), NULLIF(u.phone, ''), u.external_id), \
       j.value ->> 'ip_addr', j.value ->> 'user_agent', j.value ->> 'social_login_type', \
       j.value ->> 'created_at', j.value ->> 'completed_at' \
     FROM json_each(?) j CROSS JOIN users u \
     WHERE u.id = j.value ->> 'user_id' AND u.app_id = j.value ->> 'app_id' \
       AND NOT (j.value ->> 'completes' AND EXISTS (SELECT 1 FROM user_events e \
         WHERE e.flow_id = j.value ->> 'flow_id' AND e.completed_at IS NULL))";

/// Finishes of ceremonies whose start was written before complete its event (after
/// [`INSERT_BATCH`], which leaves them out).
const COMPLETE_BATCH: &str = "UPDATE user_events SET type = j.value ->> 'type', \
       completed_at = j.value ->> 'completed_at' \
     FROM json_each(?) j \
     WHERE user_events.flow_id = j.value ->> 'flow_id' \
       AND user_events.app_id = j.value ->> 'app_id' \
       AND user_events.user_id = j.value ->> 'user_id' \
       AND user_events.completed_at IS NULL";

/// Writes a batch of [`super::event_queue`]: [`INSERT_BATCH`], then [`COMPLETE_BATCH`] when
/// it holds finishes whose start was written before, whatever its size.
///
/// One round trip, no explicit transaction: a transaction held across the round trips of
/// `BEGIN`, the statements and `COMMIT` kept the write lock while the connection's thread
/// waited for the next one. A batch that fails is dropped, so a completion without its
/// insert is the same loss as neither.
pub(super) async fn write_batch(
    executor: impl sqlx::SqliteExecutor<'_>,
    batch: &Batch,
) -> Result<(), sqlx::Error> {
    let query = if batch.completions == "[]" {
        sqlx::query(INSERT_BATCH).bind(&batch.events)
    } else {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{INSERT_BATCH}; {COMPLETE_BATCH}"
        )))
        .bind(&batch.events)
        .bind(&batch.completions)
    };
    query.execute(executor).await?;
    Ok(())
}

impl Store {
    /// Runs a ceremony's insert (its arguments already bound to `query`) and, for a ceremony
    /// started for a known user, queues its incomplete event ([`super::event_queue`]): found
    /// again by the ceremony's id when it finishes (`record_login`).
    pub(super) async fn insert_starting<'q>(
        &self,
        query: Query<'q, Sqlite, SqliteArguments>,
        event: Option<EventFlow<'q>>,
        now: Timestamp,
    ) -> Result<(), sqlx::Error> {
        query.execute(&self.pool).await?;
        if let Some(flow) = event.filter(|_| self.events) {
            self.event_queue.started(&flow, now);
        }
        Ok(())
    }

    /// Waits until every event recorded so far is written: before any read of events but a
    /// user's recent ones (which merge those waiting).
    pub(super) async fn flush_events(&self) -> Result<(), sqlx::Error> {
        if self.event_queue.is_empty() {
            return Ok(());
        }
        self.user_loader.flush(false).await
    }

    /// One event of the app.
    pub async fn event(&self, app_id: &str, id: &str) -> Result<Option<UserEvent>, sqlx::Error> {
        self.flush_events().await?;
        let row: Option<EventRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {EVENT_COLUMNS} FROM user_events e WHERE e.app_id = ? AND e.id = ?"
        )))
        .bind(app_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(EventRow::into_domain))
    }

    /// Keeps the newest [`EVENTS_KEPT`] events; returns how many went. A range on the rowid,
    /// which grows with each insert: it costs what it deletes.
    pub async fn trim_events(&self) -> Result<u64, sqlx::Error> {
        let removed = sqlx::query(
            "DELETE FROM user_events \
             WHERE rowid <= (SELECT MAX(rowid) FROM user_events) - ?",
        )
        .bind(EVENTS_KEPT)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(removed)
    }
}

/// Fields the event list filters and orders by (Passage's query parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventField {
    Id,
    Identifier,
    UserId,
    Type,
    IpAddr,
    UserAgent,
    CreatedAt,
}

impl EventField {
    pub const ALL: [(&'static str, EventField); 7] = [
        ("id", Self::Id),
        ("identifier", Self::Identifier),
        ("user_id", Self::UserId),
        ("type", Self::Type),
        ("ip_addr", Self::IpAddr),
        ("user_agent", Self::UserAgent),
        ("created_at", Self::CreatedAt),
    ];

    fn column(self) -> &'static str {
        match self {
            Self::Id => "e.id",
            Self::Identifier => "e.identifier",
            Self::UserId => "e.user_id",
            Self::Type => "e.type",
            Self::IpAddr => "e.ip_addr",
            Self::UserAgent => "e.user_agent",
            Self::CreatedAt => "e.created_at",
        }
    }
}

/// A filter of the event list: `like:` values are substrings (`%` a wildcard).
#[derive(Debug, Clone)]
pub struct EventFilter {
    pub field: EventField,
    pub comparison: Comparison,
    pub value: FilterValue,
}

/// What the event list asks for.
#[derive(Debug, Clone)]
pub struct EventListQuery {
    pub filters: Vec<EventFilter>,
    /// `(field, descending)`; ties fall to `created_at` then `id`, newest first.
    pub order: Vec<(EventField, bool)>,
    /// Only events created strictly before this instant.
    pub created_before: Timestamp,
    pub page: i64,
    pub limit: i64,
}

impl Store {
    /// One page of the app's events, and how many the filters select on all pages.
    pub async fn list_events(
        &self,
        app_id: &str,
        list: &EventListQuery,
    ) -> Result<(Vec<UserEvent>, i64), sqlx::Error> {
        self.flush_events().await?;
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM user_events e");
        push_event_where(&mut count, app_id, list);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        let mut page =
            QueryBuilder::<Sqlite>::new(format!("SELECT {EVENT_COLUMNS} FROM user_events e"));
        push_event_where(&mut page, app_id, list);
        page.push(" ORDER BY ");
        for (field, descending) in &list.order {
            page.push(field.column())
                .push(if *descending { " DESC, " } else { " ASC, " });
        }
        page.push("e.created_at DESC, e.id DESC LIMIT ")
            .push_bind(list.limit)
            .push(" OFFSET ")
            .push_bind((list.page - 1).saturating_mul(list.limit));
        let rows: Vec<EventRow> = page.build_query_as().fetch_all(&self.pool).await?;
        Ok((rows.into_iter().map(EventRow::into_domain).collect(), total))
    }
}

fn push_event_where(query: &mut QueryBuilder<Sqlite>, app_id: &str, list: &EventListQuery) {
    query
        .push(" WHERE e.app_id = ")
        .push_bind(app_id.to_owned())
        .push(" AND e.created_at < ")
        .push_bind(list.created_before.0);
    for filter in &list.filters {
        let comparison = filter.comparison;
        push_comparison(
            query,
            filter.field.column(),
            comparison.operator(),
            &filter.value,
            comparison.is_like(),
        );
    }
}

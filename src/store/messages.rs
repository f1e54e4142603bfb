//! The inbox: every message the emulator "sent", in arrival order.

use sqlx::{FromRow, QueryBuilder, Sqlite};

use super::Store;
use crate::domain::messages::{Channel, Message, MessageKind};
use crate::domain::timestamp::Timestamp;

/// A message as the inbox holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub id: String,
    pub app_id: String,
    pub channel: Channel,
    pub recipient: String,
    pub kind: MessageKind,
    pub language: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub magic_link: Option<String>,
    pub otp: Option<String>,
    pub created_at: Timestamp,
    /// Arrival order.
    pub seq: i64,
}

/// Which messages a list or delete concerns; `None` matches all.
#[derive(Debug, Clone, Default)]
pub struct MessageFilter {
    pub recipient: Option<String>,
    pub channel: Option<Channel>,
    pub kind: Option<MessageKind>,
    pub app_id: Option<String>,
}

impl MessageFilter {
    /// The same test as the SQL filter, for messages as they arrive.
    pub fn matches(&self, message: &StoredMessage) -> bool {
        self.recipient
            .as_ref()
            .is_none_or(|r| *r == message.recipient)
            && self.channel.is_none_or(|c| c == message.channel)
            && self.kind.is_none_or(|k| k == message.kind)
            && self.app_id.as_ref().is_none_or(|a| *a == message.app_id)
    }
}

#[derive(FromRow)]
struct MessageRow {
    id: String,
    app_id: String,
    channel: String,
    recipient: String,
    kind: String,
    language: String,
    subject: String,
    text_body: String,
    html_body: String,
    magic_link: Option<String>,
    otp: Option<String>,
    created_at: i64,
    seq: i64,
}

impl MessageRow {
    fn into_domain(self) -> Result<StoredMessage, sqlx::Error> {
        let decode =
            |what: &str, value: &str| sqlx::Error::Decode(format!("unknown {what} {value}").into());
        Ok(StoredMessage {
            channel: Channel::parse(&self.channel)
                .ok_or_else(|| decode("channel", &self.channel))?,
            kind: MessageKind::parse(&self.kind).ok_or_else(|| decode("kind", &self.kind))?,
            id: self.id,
            app_id: self.app_id,
            recipient: self.recipient,
            language: self.language,
            subject: self.subject,
            text: self.text_body,
            html: self.html_body,
            magic_link: self.magic_link,
            otp: self.otp,
            created_at: Timestamp(self.created_at),
            seq: self.seq,
        })
    }
}

const COLUMNS: &str = "id, app_id, channel, recipient, kind, language, subject, text_body, \
    html_body, magic_link, otp, created_at, seq";

fn push_filter(query: &mut QueryBuilder<Sqlite>, filter: &MessageFilter) {
    query.push(" WHERE 1 = 1");
    if let Some(recipient) = &filter.recipient {
        query.push(" AND recipient = ").push_bind(recipient.clone());
    }
    if let Some(channel) = filter.channel {
        query.push(" AND channel = ").push_bind(channel.as_str());
    }
    if let Some(kind) = filter.kind {
        query.push(" AND kind = ").push_bind(kind.as_str());
    }
    if let Some(app_id) = &filter.app_id {
        query.push(" AND app_id = ").push_bind(app_id.clone());
    }
}

impl Store {
    pub async fn insert_message(
        &self,
        id: &str,
        app_id: &str,
        message: &Message,
        now: Timestamp,
    ) -> Result<StoredMessage, sqlx::Error> {
        let row: MessageRow = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "INSERT INTO messages ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \
               (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages)) RETURNING {COLUMNS}"
        )))
        .bind(id)
        .bind(app_id)
        .bind(message.channel.as_str())
        .bind(&message.recipient)
        .bind(message.kind.as_str())
        .bind(message.language)
        .bind(&message.subject)
        .bind(&message.text)
        .bind(&message.html)
        .bind(&message.magic_link)
        .bind(&message.otp)
        .bind(now.0)
        .fetch_one(&self.pool)
        .await?;
        let message = row.into_domain()?;
        // Nobody listening is fine.
        let _ = self.messages.send(message.clone());
        Ok(message)
    }

    /// Newest first; returns the page and the number of matching messages.
    pub async fn list_messages(
        &self,
        filter: &MessageFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<StoredMessage>, i64), sqlx::Error> {
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM messages");
        push_filter(&mut count, filter);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        let mut select = QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM messages"));
        push_filter(&mut select, filter);
        select.push(" ORDER BY seq DESC LIMIT ").push_bind(limit);
        select.push(" OFFSET ").push_bind(offset);
        let rows: Vec<MessageRow> = select.build_query_as().fetch_all(&self.pool).await?;
        let messages = rows
            .into_iter()
            .map(MessageRow::into_domain)
            .collect::<Result<_, _>>()?;
        Ok((messages, total))
    }

    pub async fn message(&self, id: &str) -> Result<Option<StoredMessage>, sqlx::Error> {
        let row: Option<MessageRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM messages WHERE id = ?"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(MessageRow::into_domain).transpose()
    }

    /// The newest message matching `filter` that arrived after the message `after_seq`.
    pub async fn latest_message(
        &self,
        filter: &MessageFilter,
        after_seq: i64,
    ) -> Result<Option<StoredMessage>, sqlx::Error> {
        let mut select = QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM messages"));
        push_filter(&mut select, filter);
        select.push(" AND seq > ").push_bind(after_seq);
        select.push(" ORDER BY seq DESC LIMIT 1");
        let row: Option<MessageRow> = select.build_query_as().fetch_optional(&self.pool).await?;
        row.map(MessageRow::into_domain).transpose()
    }

    pub async fn delete_messages(&self, filter: &MessageFilter) -> Result<u64, sqlx::Error> {
        let mut delete = QueryBuilder::<Sqlite>::new("DELETE FROM messages");
        push_filter(&mut delete, filter);
        Ok(delete.build().execute(&self.pool).await?.rows_affected())
    }

    pub async fn delete_message(&self, id: &str) -> Result<bool, sqlx::Error> {
        let result = sqlx::query("DELETE FROM messages WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() == 1)
    }
}

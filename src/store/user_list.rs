//! The Management list-users query: filters with operators, ordering, a time anchor and pages.

use sqlx::{QueryBuilder, Sqlite};

use super::Store;
use super::users::{USER_COLUMNS, UserRow};
use crate::domain::timestamp::Timestamp;
use crate::domain::user::User;

/// Fields the list can filter on (Passage's query parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    /// Email, phone or external id.
    Identifier,
    Id,
    LoginCount,
    Status,
    CreatedAt,
    UpdatedAt,
    LastLoginAt,
}

/// Passage's prefix operators: `<val>`, `ne:`, `gt:`, `lt:`, `like:`, `not_like:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Eq,
    Ne,
    Gt,
    Lt,
    Like,
    NotLike,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    Text(String),
    Integer(i64),
    Time(Timestamp),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub field: FilterField,
    pub comparison: Comparison,
    pub value: FilterValue,
    /// For `identifier`: the value as a normalised phone number, when it is one.
    pub phone: Option<String>,
}

/// Fields the list can be ordered by (`identifier` cannot, as in Passage).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    Id,
    Email,
    Phone,
    ExternalId,
    LoginCount,
    Status,
    CreatedAt,
    UpdatedAt,
    LastLoginAt,
}

impl SortField {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "id" => Self::Id,
            "email" => Self::Email,
            "phone" => Self::Phone,
            "external_id" => Self::ExternalId,
            "login_count" => Self::LoginCount,
            "status" => Self::Status,
            "created_at" => Self::CreatedAt,
            "updated_at" => Self::UpdatedAt,
            "last_login_at" => Self::LastLoginAt,
            _ => return None,
        })
    }

    fn column(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::ExternalId => "external_id",
            Self::LoginCount => "login_count",
            Self::Status => "status",
            Self::CreatedAt => "created_at",
            Self::UpdatedAt => "updated_at",
            Self::LastLoginAt => "last_login_at",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub field: SortField,
    pub descending: bool,
}

#[derive(Debug, Clone)]
pub struct UserListQuery {
    pub filters: Vec<Filter>,
    pub order: Vec<Order>,
    /// Only users created strictly before this instant.
    pub created_before: Timestamp,
    pub page: i64,
    pub limit: i64,
}

#[derive(Debug)]
pub struct UserPage {
    pub users: Vec<User>,
    /// Users matching the filters and the anchor, on all pages.
    pub total: i64,
}

/// `like:` matches a substring; `%` in the value is a wildcard, `_` is literal.
fn like_pattern(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('_', "\\_");
    if escaped.contains('%') {
        escaped
    } else {
        format!("%{escaped}%")
    }
}

fn push_filter(query: &mut QueryBuilder<Sqlite>, app_id: &str, filter: &Filter) {
    let operator = match filter.comparison {
        Comparison::Eq => " = ",
        Comparison::Ne => " <> ",
        Comparison::Gt => " > ",
        Comparison::Lt => " < ",
        Comparison::Like => " LIKE ",
        Comparison::NotLike => " NOT LIKE ",
    };
    let is_like = matches!(filter.comparison, Comparison::Like | Comparison::NotLike);
    let column = match filter.field {
        FilterField::Identifier => return push_identifier_filter(query, app_id, filter),
        FilterField::Id => "id",
        FilterField::LoginCount => "login_count",
        FilterField::Status => "status",
        FilterField::CreatedAt => "created_at",
        FilterField::UpdatedAt => "updated_at",
        FilterField::LastLoginAt => "last_login_at",
    };
    query.push(" AND ").push(column).push(operator);
    match &filter.value {
        FilterValue::Text(text) if is_like => {
            query.push_bind(like_pattern(text)).push(" ESCAPE '\\'");
        }
        FilterValue::Text(text) => {
            query.push_bind(text.clone());
        }
        FilterValue::Integer(number) => {
            query.push_bind(*number);
        }
        FilterValue::Time(at) => {
            query.push_bind(at.0);
        }
    }
}

/// Equality looks for the value as an email, a phone or an external id (case-insensitively);
/// ordering and patterns apply to whichever of the three are set.
///
/// Equality is the SDKs' lookup (`getByIdentifier`, Flex's external id): it is three index
/// searches (`users_by_email`, `users_by_phone`, `users_by_external_id_lower`, each partial
/// index named by its `<> ''` term) whose ids the outer query fetches by primary key, so it
/// costs the same at a thousand users and at a million. An `OR` of the three columns could use
/// none of the partial indexes and walked every user of the app.
fn push_identifier_filter(query: &mut QueryBuilder<Sqlite>, app_id: &str, filter: &Filter) {
    let FilterValue::Text(value) = &filter.value else {
        return;
    };
    let lowered = value.to_lowercase();
    let phone = filter.phone.clone().unwrap_or_else(|| value.clone());
    match filter.comparison {
        Comparison::Eq | Comparison::Ne => {
            query.push(if filter.comparison == Comparison::Eq {
                " AND id IN ("
            } else {
                " AND id NOT IN ("
            });
            let searches = [
                ("email <> '' AND email = ", lowered.clone()),
                ("phone <> '' AND phone = ", phone),
                ("external_id <> '' AND lower(external_id) = ", lowered),
            ];
            for (index, (condition, value)) in searches.into_iter().enumerate() {
                if index > 0 {
                    query.push(" UNION ALL ");
                }
                query
                    .push("SELECT id FROM users WHERE app_id = ")
                    .push_bind(app_id.to_owned())
                    .push(" AND ")
                    .push(condition)
                    .push_bind(value);
            }
            query.push(")");
        }
        Comparison::Gt | Comparison::Lt => {
            let operator = if filter.comparison == Comparison::Gt {
                " > "
            } else {
                " < "
            };
            query.push(" AND COALESCE(NULLIF(email, ''), NULLIF(phone, ''), lower(external_id))");
            query.push(operator).push_bind(lowered);
        }
        Comparison::Like | Comparison::NotLike => {
            let pattern = like_pattern(value);
            query.push(if filter.comparison == Comparison::Like {
                " AND ("
            } else {
                " AND NOT ("
            });
            for (index, column) in ["email", "phone", "external_id"].into_iter().enumerate() {
                if index > 0 {
                    query.push(" OR ");
                }
                query
                    .push(column)
                    .push(" LIKE ")
                    .push_bind(pattern.clone())
                    .push(" ESCAPE '\\'");
            }
            query.push(")");
        }
    }
}

fn push_where(query: &mut QueryBuilder<Sqlite>, app_id: &str, list: &UserListQuery) {
    // When a filter names the user (identifier or id equality), the few ids it finds are the
    // rows to read. Without statistics SQLite prefers walking the app's users in created_at
    // order and testing each; a unary `+` (SQLite's documented way) keeps these two terms from
    // choosing an index, so the rows are fetched by primary key.
    let names_the_user = list.filters.iter().any(|filter| {
        filter.comparison == Comparison::Eq
            && matches!(filter.field, FilterField::Identifier | FilterField::Id)
    });
    let (app_column, created_column) = match names_the_user {
        true => ("+app_id", "+created_at"),
        false => ("app_id", "created_at"),
    };
    query
        .push(" WHERE ")
        .push(app_column)
        .push(" = ")
        .push_bind(app_id.to_owned());
    query
        .push(" AND ")
        .push(created_column)
        .push(" < ")
        .push_bind(list.created_before.0);
    for filter in &list.filters {
        push_filter(query, app_id, filter);
    }
}

/// How many users the list selects; `prefix` is `""` or `EXPLAIN QUERY PLAN ` (tests).
fn count_query(prefix: &str, app_id: &str, list: &UserListQuery) -> QueryBuilder<Sqlite> {
    let mut count = QueryBuilder::<Sqlite>::new(format!("{prefix}SELECT COUNT(*) FROM users"));
    push_where(&mut count, app_id, list);
    count
}

/// One page of the list, in its order.
fn select_query(prefix: &str, app_id: &str, list: &UserListQuery) -> QueryBuilder<Sqlite> {
    let mut select =
        QueryBuilder::<Sqlite>::new(format!("{prefix}SELECT {USER_COLUMNS} FROM users u"));
    push_where(&mut select, app_id, list);
    select.push(" ORDER BY ");
    for order in &list.order {
        select.push(order.field.column()).push(if order.descending {
            " DESC, "
        } else {
            " ASC, "
        });
    }
    select.push("id ASC LIMIT ").push_bind(list.limit);
    select
        .push(" OFFSET ")
        .push_bind((list.page - 1).saturating_mul(list.limit));
    select
}

impl Store {
    pub async fn list_users(
        &self,
        app_id: &str,
        list: &UserListQuery,
    ) -> Result<UserPage, sqlx::Error> {
        let mut count = count_query("", app_id, list);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        let mut select = select_query("", app_id, list);
        let rows: Vec<UserRow> = select.build_query_as().fetch_all(&self.pool).await?;
        let users = rows
            .into_iter()
            .map(UserRow::into_domain)
            .collect::<Result<_, _>>()?;
        Ok(UserPage { users, total })
    }
}

#[cfg(test)]
#[path = "user_list_tests.rs"]
mod tests;

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

fn push_filter(query: &mut QueryBuilder<Sqlite>, filter: &Filter) {
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
        FilterField::Identifier => return push_identifier_filter(query, filter),
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
fn push_identifier_filter(query: &mut QueryBuilder<Sqlite>, filter: &Filter) {
    let FilterValue::Text(value) = &filter.value else {
        return;
    };
    let lowered = value.to_lowercase();
    let phone = filter.phone.clone().unwrap_or_else(|| value.clone());
    match filter.comparison {
        Comparison::Eq | Comparison::Ne => {
            query.push(if filter.comparison == Comparison::Eq {
                " AND ("
            } else {
                " AND NOT ("
            });
            query.push("email = ").push_bind(lowered.clone());
            query.push(" OR phone = ").push_bind(phone);
            query.push(" OR lower(external_id) = ").push_bind(lowered);
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
    query.push(" WHERE app_id = ").push_bind(app_id.to_owned());
    query
        .push(" AND created_at < ")
        .push_bind(list.created_before.0);
    for filter in &list.filters {
        push_filter(query, filter);
    }
}

impl Store {
    pub async fn list_users(
        &self,
        app_id: &str,
        list: &UserListQuery,
    ) -> Result<UserPage, sqlx::Error> {
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM users");
        push_where(&mut count, app_id, list);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;

        let mut select = QueryBuilder::<Sqlite>::new(format!("SELECT {USER_COLUMNS} FROM users u"));
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
        let rows: Vec<UserRow> = select.build_query_as().fetch_all(&self.pool).await?;
        let users = rows
            .into_iter()
            .map(UserRow::into_domain)
            .collect::<Result<_, _>>()?;
        Ok(UserPage { users, total })
    }
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_is_a_substring_unless_wildcarded() {
        assert_eq!(like_pattern("ext_1"), "%ext\\_1%");
        assert_eq!(like_pattern("ada%"), "ada%");
    }
}

//! The Management list-users query: filters with operators, ordering, a time anchor and pages.

use sqlx::{QueryBuilder, Sqlite};

use super::Store;
pub use super::user_query::{
    Comparison, Filter, FilterField, FilterValue, Order, SortField, UserListQuery, UserPage,
};
use super::users::{USER_COLUMNS, UserRow};

/// `like:` matches a substring; `%` in the value is a wildcard, `_` is literal.
fn like_pattern(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('_', "\\_");
    if escaped.contains('%') {
        escaped
    } else {
        format!("%{escaped}%")
    }
}

pub(super) fn push_filter(query: &mut QueryBuilder<Sqlite>, app_id: &str, filter: &Filter) {
    let Some(column) = filter.field.column() else {
        return push_identifier_filter(query, app_id, filter);
    };
    let comparison = filter.comparison;
    push_comparison(
        query,
        column,
        comparison.operator(),
        &filter.value,
        comparison.is_like(),
    );
}

/// ` AND <column><operator><value>`.
pub(super) fn push_comparison(
    query: &mut QueryBuilder<Sqlite>,
    column: &str,
    operator: &str,
    value: &FilterValue,
    is_like: bool,
) {
    query.push(" AND ").push(column).push(operator);
    match value {
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
/// none of the partial indexes and walked every user of the app. Each search names its index
/// (`INDEXED BY`): without statistics, SQLite preferred reading every entry of a covering
/// order index and computing `lower(external_id)` for each.
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
                (
                    "users_by_email",
                    "email <> '' AND email = ",
                    lowered.clone(),
                ),
                ("users_by_phone", "phone <> '' AND phone = ", phone),
                (
                    "users_by_external_id_lower",
                    "external_id <> '' AND lower(external_id) = ",
                    lowered,
                ),
            ];
            for (index, (name, condition, value)) in searches.into_iter().enumerate() {
                if index > 0 {
                    query.push(" UNION ALL ");
                }
                query
                    .push("SELECT id FROM users INDEXED BY ")
                    .push(name)
                    .push(" WHERE app_id = ")
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

/// Whether a filter names the user (identifier or id equality): a few ids, fetched by key.
pub(super) fn names_the_user(list: &UserListQuery) -> bool {
    list.filters.iter().any(|filter| {
        filter.comparison == Comparison::Eq
            && matches!(filter.field, FilterField::Identifier | FilterField::Id)
    })
}

/// A filter's selection this small is read through its own index and sorted; a larger one is
/// found walking the order's index (which stops after a page).
pub(super) const SELECTIVE: i64 = 10_000;

/// The index a page is read through, now that the count (`total`) is known. SQLite without
/// statistics cannot tell a filter selecting a hundred users from one selecting them all: it
/// walked the newest-first index past a million users looking for the hundred oldest logins
/// (180 ms at 100,000 users). An equality read in the default order needs no sort at all.
fn page_index(list: &UserListQuery, total: i64) -> Option<&'static str> {
    if names_the_user(list) {
        return None;
    }
    let by_creation = matches!(
        list.order.as_slice(),
        [Order {
            field: SortField::CreatedAt,
            ..
        }]
    );
    let filtered = list.filters.iter().find_map(|filter| {
        let index = filter.field.index()?;
        match filter.comparison {
            Comparison::Eq if by_creation => Some((index, true)),
            Comparison::Eq | Comparison::Gt | Comparison::Lt => Some((index, false)),
            _ => None,
        }
    });
    match filtered {
        Some((index, true)) => Some(index),
        Some((index, false)) if total <= SELECTIVE => Some(index),
        _ => list.order.first().map(|order| order.field.index()),
    }
}

/// A range filter selecting more than [`SELECTIVE`] users and at most this many, listed by
/// creation or by id, is read through the filter's index alone, which holds `created_at` and
/// `id`, and sorted there; then the page's rows are fetched. sqlite3 on the scale bench's
/// database of 1,000,000 users: 5 ms for 20,000 users, 17 ms for 100,000. The order's index,
/// walked from the end the selected users are not at (the 20,000 oldest logins, newest first),
/// took 194 ms; by id, where ids follow creation as the bench's fixture's do, 205 ms.
const COVERED: i64 = 100_000;

/// The filter's index when a page is found in it alone ([`COVERED`]): one `gt:` or `lt:`
/// filter on a field with its own index, in order of creation or of id, selecting `total`
/// users and leaving out `others`. When the others are fewer than a fifth of the selected,
/// walking the order's index passes few of them whatever their place (it reads a row for each,
/// about five times an index entry's cost): 0.8 ms for every one of 100,000 users, against 15
/// ms sorted in the index.
///
/// Other orders hold a column the filter's index does not: a range at the far end of such an
/// order (the oldest logins by `login_count:DESC`) still walks the order's index past the
/// users it leaves out (docs/PERFORMANCE.md).
pub(super) fn covering_index(
    list: &UserListQuery,
    total: i64,
    others: i64,
) -> Option<&'static str> {
    if total <= SELECTIVE || total > COVERED || others <= total / 5 {
        return None;
    }
    let by_creation = match list.order.as_slice() {
        [
            Order {
                field: SortField::CreatedAt,
                ..
            },
        ] => true,
        [
            Order {
                field: SortField::Id,
                ..
            },
        ] => false,
        _ => return None,
    };
    let [filter] = list.filters.as_slice() else {
        return None;
    };
    // A created_at range listed by creation is walked in order through the order's own
    // index: nothing to sort.
    let range = matches!(filter.comparison, Comparison::Gt | Comparison::Lt);
    let walked_in_order = by_creation && filter.field == FilterField::CreatedAt;
    (range && !walked_in_order)
        .then(|| filter.field.index())
        .flatten()
}

pub(super) fn push_where(query: &mut QueryBuilder<Sqlite>, app_id: &str, list: &UserListQuery) {
    // When a filter names the user (identifier or id equality), the few ids it finds are the
    // rows to read. Without statistics SQLite prefers walking the app's users in created_at
    // order and testing each; a unary `+` (SQLite's documented way) keeps these two terms from
    // choosing an index, so the rows are fetched by primary key.
    let names_the_user = names_the_user(list);
    // Likewise the anchor (`created_at <`, nearly always every user) must not pull SQLite
    // away from the index of the order asked for, unless that order is by creation.
    let by_creation = list
        .order
        .first()
        .is_none_or(|order| order.field == SortField::CreatedAt);
    let app_column = if names_the_user { "+app_id" } else { "app_id" };
    // And a created_at filter bounds the range itself: SQLite bounds an index range by one
    // term per side, and took the anchor, walking every newer user to reach `lt:` a year ago.
    let filters_creation = list
        .filters
        .iter()
        .any(|filter| filter.field == FilterField::CreatedAt);
    let created_column = if names_the_user || !by_creation || filters_creation {
        "+created_at"
    } else {
        "created_at"
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

/// The list's order: the fields asked for, then ties broken by `created_at` and `id` in the
/// direction of the last one asked for.
///
/// Emulator: Passage's tie order is unknown. Following the last direction lets one index per
/// field (`users_by_<field>`: app, field, created_at, id) serve the order both ways; equal
/// values come newest first in a descending list, oldest first in an ascending one.
fn order_by(order: &[Order]) -> String {
    let direction = match order.last() {
        Some(Order {
            descending: false, ..
        }) => "ASC",
        _ => "DESC",
    };
    let mut terms: Vec<String> = order
        .iter()
        .map(|order| {
            let direction = if order.descending { "DESC" } else { "ASC" };
            format!("{} {direction}", order.field.column())
        })
        .collect();
    let has = |field| order.iter().any(|order| order.field == field);
    if !has(SortField::Id) {
        if !has(SortField::CreatedAt) {
            terms.push(format!("created_at {direction}"));
        }
        terms.push(format!("id {direction}"));
    }
    terms.join(", ")
}

/// One page of the list, in its order.
fn select_query(
    prefix: &str,
    app_id: &str,
    list: &UserListQuery,
    total: i64,
    others: i64,
) -> QueryBuilder<Sqlite> {
    match covering_index(list, total, others) {
        Some(index) => covered_query(prefix, app_id, list, index),
        None => indexed_query(prefix, app_id, list, page_index(list, total)),
    }
}

/// The page's ids from `index` alone (it holds `created_at` and `id`: the list must be in one
/// of those orders), then their rows (`u`) by primary key.
pub(super) fn covered_query(
    prefix: &str,
    app_id: &str,
    list: &UserListQuery,
    index: &str,
) -> QueryBuilder<Sqlite> {
    let mut select = QueryBuilder::<Sqlite>::new(format!(
        "{prefix}SELECT {USER_COLUMNS} FROM users u WHERE u.id IN \
         (SELECT id FROM users INDEXED BY {index}"
    ));
    push_page(&mut select, app_id, list);
    select.push(") ORDER BY ").push(order_by(&list.order));
    select
}

/// The page read through `index` (SQLite's choice without one).
pub(super) fn indexed_query(
    prefix: &str,
    app_id: &str,
    list: &UserListQuery,
    index: Option<&str>,
) -> QueryBuilder<Sqlite> {
    let mut select =
        QueryBuilder::<Sqlite>::new(format!("{prefix}SELECT {USER_COLUMNS} FROM users u"));
    if let Some(index) = index {
        select.push(" INDEXED BY ").push(index);
    }
    push_page(&mut select, app_id, list);
    select
}

/// The conditions, order, limit and offset of the list's page.
pub(super) fn push_page(select: &mut QueryBuilder<Sqlite>, app_id: &str, list: &UserListQuery) {
    push_where(select, app_id, list);
    push_order_and_page(select, list);
}

/// The order, limit and offset of the list's page.
pub(super) fn push_order_and_page(select: &mut QueryBuilder<Sqlite>, list: &UserListQuery) {
    select.push(" ORDER BY ").push(order_by(&list.order));
    select.push(" LIMIT ").push_bind(list.limit);
    select
        .push(" OFFSET ")
        .push_bind((list.page - 1).saturating_mul(list.limit));
}

impl Store {
    pub async fn list_users(
        &self,
        app_id: &str,
        list: &UserListQuery,
    ) -> Result<UserPage, sqlx::Error> {
        let total = super::user_count::count(&self.pool, app_id, list).await?;
        // The users the filter leaves out, when the page might be read in its index alone or
        // after a bounded walk.
        let others = match covering_index(list, total, i64::MAX)
            .or_else(|| super::user_walk::fallback_index(list, total, i64::MAX))
        {
            Some(_) => {
                let everyone = UserListQuery {
                    filters: Vec::new(),
                    ..list.clone()
                };
                super::user_count::count(&self.pool, app_id, &everyone).await? - total
            }
            None => 0,
        };
        let rows = match super::user_walk::fallback_index(list, total, others) {
            Some(index) => {
                super::user_walk::page(&self.pool, app_id, list, index, super::user_walk::WALK)
                    .await?
            }
            None => {
                let mut select = select_query("", app_id, list, total, others);
                select.build_query_as().fetch_all(&self.pool).await?
            }
        };
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

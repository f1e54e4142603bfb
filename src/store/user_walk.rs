//! A page of a filtered list walked through its order's index for a bounded number of users;
//! when that did not fill it, read through the filter's index instead.
//!
//! A filter selecting more than [`SELECTIVE`] users is found by walking the order's index and
//! testing each user, which stops after a page: quick wherever the selected users are spread
//! through the order, but when they sit at its far end (the oldest logins, listed by phone
//! descending where phones were handed out in order) the walk passes every other user first:
//! 591 ms for 200,000 of 1,000,000. Reading the filter's index and sorting costs a row per
//! selected user instead: quick when they sit together, slow when they are spread (60 ms for
//! 20,000 scattered users, where the walk takes under 1 ms). SQLite keeps no statistics to
//! tell the two apart, so the walk goes first and gives up after [`WALK`] users.

use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::user_list::{
    SELECTIVE, covered_query, covering_index, indexed_query, names_the_user, push_filter,
    push_order_and_page, push_page,
};
use super::user_query::{Comparison, Order, SortField, UserListQuery};
use super::users::{USER_COLUMNS, UserRow};

/// Users of the order's index a walk reads before the page is looked for through the
/// filter's index: about 6 ms of rows at a million users.
pub(super) const WALK: i64 = 5_000;

/// The filter's index to read the page through when a bounded walk did not fill it: one
/// filter (equality or a range) on a field with its own index, selecting more than
/// [`SELECTIVE`] users and leaving out at least a fifth as many (else the walk passes few of
/// them), in an order by one other field that the page is not read through otherwise.
pub(super) fn fallback_index(
    list: &UserListQuery,
    total: i64,
    others: i64,
) -> Option<&'static str> {
    if names_the_user(list)
        || total <= SELECTIVE
        || others <= total / 5
        || covering_index(list, total, others).is_some()
    {
        return None;
    }
    let [filter] = list.filters.as_slice() else {
        return None;
    };
    let [order] = list.order.as_slice() else {
        return None;
    };
    let index = filter.field.index()?;
    let by_creation = order.field == SortField::CreatedAt;
    match filter.comparison {
        // An equality in the default order is read through its index with nothing to sort.
        Comparison::Eq if by_creation => None,
        // A filter on the order's own field is a range of its index, walked in order.
        Comparison::Eq | Comparison::Gt | Comparison::Lt if index != order.field.index() => {
            Some(index)
        }
        _ => None,
    }
}

/// The page: walked through the order's index for at most `walk` users, else through
/// `index` (the filter's, from [`fallback_index`]).
pub(super) async fn page(
    pool: &SqlitePool,
    app_id: &str,
    list: &UserListQuery,
    index: &str,
    walk: i64,
) -> Result<Vec<UserRow>, sqlx::Error> {
    let [order] = list.order.as_slice() else {
        // Not a list `fallback_index` admits: read through the filter's index.
        let mut select = indexed_query("", app_id, list, Some(index));
        return select.build_query_as().fetch_all(pool).await;
    };
    let walked: Vec<UserRow> = walk_query("", app_id, list, order, walk)
        .build_query_as()
        .fetch_all(pool)
        .await?;
    // A full page from the first `walk` users in order is the page. A short one may be the
    // last page, or the walk may have stopped early: the filter's index answers either way.
    if walked.len() as i64 >= list.limit {
        return Ok(walked);
    }
    let by_creation_or_id = matches!(
        list.order.as_slice(),
        [Order {
            field: SortField::CreatedAt | SortField::Id,
            ..
        }]
    );
    let mut select = if by_creation_or_id {
        covered_query("", app_id, list, index)
    } else {
        indexed_query("", app_id, list, Some(index))
    };
    select.build_query_as().fetch_all(pool).await
}

/// The first `walk` users in the list's order, `order` alone (before its anchor), then its
/// filters, order, limit and offset over those.
pub(super) fn walk_query(
    prefix: &str,
    app_id: &str,
    list: &UserListQuery,
    order: &Order,
    walk: i64,
) -> QueryBuilder<Sqlite> {
    // The list without its filters, one page of `walk` users: its conditions keep the anchor
    // from pulling SQLite away from the order's index (`push_where`).
    let head = UserListQuery {
        filters: Vec::new(),
        page: 1,
        limit: walk,
        ..list.clone()
    };
    let mut select = QueryBuilder::<Sqlite>::new(format!(
        "{prefix}SELECT {USER_COLUMNS} FROM (SELECT * FROM users INDEXED BY {}",
        order.field.index()
    ));
    push_page(&mut select, app_id, &head);
    select.push(") u WHERE 1");
    for filter in &list.filters {
        push_filter(&mut select, app_id, filter);
    }
    push_order_and_page(&mut select, list);
    select
}

#[cfg(test)]
#[path = "user_walk_tests.rs"]
mod tests;

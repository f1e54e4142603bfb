//! `total_users` of the Management list: read from the counts the database keeps where the
//! filters allow, else counted through the filter's index, from whichever side of the filter
//! is smaller.

use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::user_list::{
    Comparison, Filter, FilterField, UserListQuery, push_comparison, push_filter, push_where,
};

/// Each side of a range filter is counted up to this many users, and the first side found
/// smaller gives the total (the other side's count taken from the app's total): so
/// `last_login_at=gt:` a year ago costs what the few users not signed in since cost, not the
/// million who were. When both sides are larger, the filter's side is counted in full.
const PROBE: i64 = 20_000;

/// How many users the list selects; `prefix` is `""` or `EXPLAIN QUERY PLAN ` (tests).
///
/// Without filters, or with only `status` equality or inequality, the total is read from
/// `user_counts` (kept by triggers) less the users created at or after the anchor, found
/// through `users_by_created_at` or `users_by_status` (none, or a few, unless the anchor is
/// old). Other filters count what they select through their field's index.
pub(super) fn count_query(
    prefix: &str,
    app_id: &str,
    list: &UserListQuery,
) -> QueryBuilder<Sqlite> {
    let by_status = list.filters.iter().all(|filter| {
        filter.field == FilterField::Status
            && matches!(filter.comparison, Comparison::Eq | Comparison::Ne)
    });
    if by_status {
        return kept_count(prefix, app_id, list, &list.filters);
    }
    let mut count = QueryBuilder::<Sqlite>::new(format!("{prefix}SELECT COUNT(*) FROM users"));
    push_where(&mut count, app_id, list);
    count
}

/// The app's users before the anchor matching `status_filters` (status filters only, or
/// none), from `user_counts` less the users created at or after the anchor.
fn kept_count(
    prefix: &str,
    app_id: &str,
    list: &UserListQuery,
    status_filters: &[Filter],
) -> QueryBuilder<Sqlite> {
    let mut count = QueryBuilder::<Sqlite>::new(format!(
        "{prefix}SELECT (SELECT COALESCE(SUM(users), 0) FROM user_counts WHERE app_id = "
    ));
    count.push_bind(app_id.to_owned());
    for filter in status_filters {
        push_filter(&mut count, app_id, filter);
    }
    count
        .push(") - (SELECT COUNT(*) FROM users WHERE app_id = ")
        .push_bind(app_id.to_owned())
        .push(" AND created_at >= ")
        .push_bind(list.created_before.0);
    for filter in status_filters {
        push_filter(&mut count, app_id, filter);
    }
    count.push(")");
    count
}

/// The one filter, and the operator that selects every other user, when both sides of it are
/// index ranges (`ne:` becomes `=`, `gt:` `<=`, `lt:` `>=`) on a field that is never NULL.
fn opposite(list: &UserListQuery) -> Option<(&Filter, &'static str)> {
    let [filter] = list.filters.as_slice() else {
        return None;
    };
    if !matches!(
        filter.field,
        FilterField::LoginCount
            | FilterField::CreatedAt
            | FilterField::UpdatedAt
            | FilterField::LastLoginAt
    ) {
        return None;
    }
    let operator = match filter.comparison {
        Comparison::Ne => " = ",
        Comparison::Gt => " <= ",
        Comparison::Lt => " >= ",
        _ => return None,
    };
    Some((filter, operator))
}

/// How many users the list selects.
pub(super) async fn count(
    pool: &SqlitePool,
    app_id: &str,
    list: &UserListQuery,
) -> Result<i64, sqlx::Error> {
    count_probing(pool, app_id, list, PROBE).await
}

async fn count_probing(
    pool: &SqlitePool,
    app_id: &str,
    list: &UserListQuery,
    probe: i64,
) -> Result<i64, sqlx::Error> {
    if let Some((filter, opposite)) = opposite(list) {
        // `ne:` nearly always selects most users: its other side is tried first.
        let sides = match filter.comparison {
            Comparison::Ne => [false, true],
            _ => [true, false],
        };
        for this_side in sides {
            let mut counted =
                QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM (SELECT 1 FROM users");
            if this_side {
                push_where(&mut counted, app_id, list);
            } else {
                push_other_side(&mut counted, app_id, list, filter, opposite);
            }
            counted.push(" LIMIT ").push_bind(probe + 1).push(")");
            let counted: i64 = counted.build_query_scalar().fetch_one(pool).await?;
            if counted <= probe && this_side {
                return Ok(counted);
            }
            if counted <= probe {
                let total: i64 = kept_count("", app_id, list, &[])
                    .build_query_scalar()
                    .fetch_one(pool)
                    .await?;
                return Ok(total - counted);
            }
        }
    }
    // No opposite, or both sides are large: count the filter's.
    count_query("", app_id, list)
        .build_query_scalar()
        .fetch_one(pool)
        .await
}

/// ` WHERE` the users before the anchor whom the filter does not select.
fn push_other_side(
    query: &mut QueryBuilder<Sqlite>,
    app_id: &str,
    list: &UserListQuery,
    filter: &Filter,
    opposite: &str,
) {
    // The anchor must not bound the range when the filter is on created_at itself.
    let anchor = match filter.field {
        FilterField::CreatedAt => " AND +created_at < ",
        _ => " AND created_at < ",
    };
    query
        .push(" WHERE app_id = ")
        .push_bind(app_id.to_owned())
        .push(anchor)
        .push_bind(list.created_before.0);
    let column = filter.field.column().unwrap_or("id");
    push_comparison(query, column, opposite, &filter.value, false);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::timestamp::Timestamp;
    use crate::store::Store;
    use crate::store::user_list::{FilterValue, Order, SortField};

    /// Every way of counting gives what a plain `COUNT(*)` gives: from the filter's side,
    /// from the other side, or in full when both exceed the probe (small probes force each),
    /// for each operator and field.
    #[tokio::test]
    async fn both_sides_count_the_same() {
        let store = Store::with_default_app().await;
        let app = "defaultapp00000000000001";
        for n in 0..12_i64 {
            sqlx::query(
                "INSERT INTO users (id, app_id, status, login_count, last_login_at, created_at, \
                 updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(format!("user{n}"))
            .bind(app)
            .bind(if n % 4 == 0 { "inactive" } else { "active" })
            .bind(n % 5)
            .bind(n * 10)
            .bind(n * 100)
            .bind(n * 1_000)
            .execute(&store.pool)
            .await
            .unwrap();
        }
        let fields = [
            (FilterField::LoginCount, FilterValue::Integer(2)),
            (FilterField::CreatedAt, FilterValue::Time(Timestamp(550))),
            (FilterField::UpdatedAt, FilterValue::Time(Timestamp(3_000))),
            (FilterField::LastLoginAt, FilterValue::Time(Timestamp(70))),
        ];
        for anchor in [i64::MAX, 900] {
            for (field, value) in &fields {
                for comparison in [Comparison::Ne, Comparison::Gt, Comparison::Lt] {
                    let list = UserListQuery {
                        filters: vec![Filter {
                            field: *field,
                            comparison,
                            value: value.clone(),
                            phone: None,
                        }],
                        order: vec![Order {
                            field: SortField::CreatedAt,
                            descending: true,
                        }],
                        created_before: Timestamp(anchor),
                        page: 1,
                        limit: 20,
                    };
                    let plain: i64 = count_query("", app, &list)
                        .build_query_scalar()
                        .fetch_one(&store.pool)
                        .await
                        .unwrap();
                    for probe in [0, 2, 5, PROBE] {
                        let counted = count_probing(&store.pool, app, &list, probe).await.unwrap();
                        assert_eq!(
                            counted, plain,
                            "{field:?} {comparison:?} anchor {anchor} probe {probe}"
                        );
                    }
                }
            }
        }
    }
}

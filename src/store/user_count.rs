//! `total_users` of the Management list: read from the counts the database keeps where the
//! filters allow (none, `status`, or one comparison on a bucketed field), else counted
//! through the filters' index.
//!
//! Emulator: Passage's totals are exact, and so are these; only how they are found differs.

use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::user_list::{
    Comparison, Filter, FilterField, FilterValue, UserListQuery, push_comparison, push_filter,
    push_where,
};

/// How many users the list selects; `prefix` is `""` or `EXPLAIN QUERY PLAN ` (tests).
///
/// Without filters, or with only `status` equality or inequality, the total is read from
/// `user_counts` (kept by triggers); with one comparison on `login_count` or a time, it sums
/// `user_field_counts`' buckets and counts the value's own bucket through the field's index.
/// Either way the users created at or after the anchor are taken off, found through
/// `users_by_created_at` or `users_by_status` (none, or a few, unless the anchor is old).
/// Other filters count what they select through their field's index.
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
        return kept_count(prefix, app_id, list);
    }
    if let Some(bucketed) = Bucketed::of(list) {
        return bucketed.count_query(prefix, app_id, list);
    }
    let mut count = QueryBuilder::<Sqlite>::new(format!("{prefix}SELECT COUNT(*) FROM users"));
    push_where(&mut count, app_id, list);
    count
}

/// How many users the list selects.
pub(super) async fn count(
    pool: &SqlitePool,
    app_id: &str,
    list: &UserListQuery,
) -> Result<i64, sqlx::Error> {
    count_probing(pool, app_id, list, PROBE).await
}

/// Users of a bucket on the filter's side are counted up to this many; past it, the bucket's
/// other users are counted and taken off its total instead: users all written in the same
/// instant (a seeded fixture's `updated_at`) share one bucket, and `lt:` now selects them all.
const PROBE: i64 = 20_000;

async fn count_probing(
    pool: &SqlitePool,
    app_id: &str,
    list: &UserListQuery,
    probe: i64,
) -> Result<i64, sqlx::Error> {
    let counted: i64 = count_query("", app_id, list)
        .build_query_scalar()
        .fetch_one(pool)
        .await?;
    match Bucketed::of(list) {
        Some(bucketed) => Ok(counted + bucketed.own_bucket(pool, app_id, probe).await?),
        None => Ok(counted),
    }
}

/// The app's users before the anchor matching the list's filters (status filters only, or
/// none), from `user_counts` less the users created at or after the anchor.
fn kept_count(prefix: &str, app_id: &str, list: &UserListQuery) -> QueryBuilder<Sqlite> {
    let mut count = QueryBuilder::<Sqlite>::new(format!(
        "{prefix}SELECT (SELECT COALESCE(SUM(users), 0) FROM user_counts WHERE app_id = "
    ));
    count.push_bind(app_id.to_owned());
    for filter in &list.filters {
        push_filter(&mut count, app_id, filter);
    }
    count
        .push(") - (SELECT COUNT(*) FROM users WHERE app_id = ")
        .push_bind(app_id.to_owned())
        .push(" AND created_at >= ")
        .push_bind(list.created_before.0);
    for filter in &list.filters {
        push_filter(&mut count, app_id, filter);
    }
    count.push(")");
    count
}

/// A list whose one filter compares a field that `user_field_counts` keeps in buckets
/// (migrations/0009_user_field_counts.sql).
struct Bucketed<'a> {
    filter: &'a Filter,
    column: &'static str,
    index: &'static str,
    /// Bits the value is shifted right by to give its bucket.
    shift: u32,
    value: i64,
}

impl<'a> Bucketed<'a> {
    fn of(list: &'a UserListQuery) -> Option<Self> {
        let [filter] = list.filters.as_slice() else {
            return None;
        };
        let shift = match filter.field {
            FilterField::LoginCount => 0,
            FilterField::CreatedAt | FilterField::UpdatedAt | FilterField::LastLoginAt => 32,
            _ => return None,
        };
        let value = match &filter.value {
            FilterValue::Integer(value) => *value,
            FilterValue::Time(at) => at.0,
            FilterValue::Text(_) => return None,
        };
        if matches!(filter.comparison, Comparison::Like | Comparison::NotLike) {
            return None;
        }
        Some(Self {
            filter,
            column: filter.field.column()?,
            index: filter.field.index()?,
            shift,
            value,
        })
    }

    /// The value's bucket and the first and last values it holds (`>>` floors, in SQLite
    /// too; `last` cannot overflow: `first` is a multiple of 2^shift).
    fn bucket(&self) -> (i64, i64, i64) {
        let bucket = self.value >> self.shift;
        let first = bucket << self.shift;
        (bucket, first, first + ((1_i64 << self.shift) - 1))
    }

    /// The users of the buckets wholly on the filter's side of its value (`ne:`: all users
    /// but the value's bucket when it holds only that value), less those created at or after
    /// the anchor. `own_bucket` counts the rest.
    fn count_query(
        &self,
        prefix: &str,
        app_id: &str,
        list: &UserListQuery,
    ) -> QueryBuilder<Sqlite> {
        let (bucket, _, _) = self.bucket();
        let exact = self.shift == 0;
        let mut count = QueryBuilder::<Sqlite>::new(format!("{prefix}SELECT "));
        match self.filter.comparison {
            Comparison::Lt => self.push_buckets(&mut count, app_id, Some((" < ", bucket))),
            Comparison::Gt => self.push_buckets(&mut count, app_id, Some((" > ", bucket))),
            Comparison::Ne => {
                // Every user has the field (it is never NULL).
                self.push_buckets(&mut count, app_id, None);
                if exact {
                    count.push(" - ");
                    self.push_buckets(&mut count, app_id, Some((" = ", bucket)));
                }
            }
            _ if exact => self.push_buckets(&mut count, app_id, Some((" = ", bucket))),
            _ => {
                count.push("0");
            }
        }
        count
            .push(" - (SELECT COUNT(*) FROM users INDEXED BY users_by_created_at WHERE app_id = ")
            .push_bind(app_id.to_owned())
            .push(" AND created_at >= ")
            .push_bind(list.created_before.0);
        push_filter(&mut count, app_id, self.filter);
        count.push(")");
        count
    }

    /// What the value's own bucket adds (`ne:` takes off its equal users): none for
    /// `login_count`, whose buckets hold one value each; else the bucket's users on the
    /// filter's side, counted through the field's index up to `probe`, or when there are
    /// more, its total less the users on the other side.
    async fn own_bucket(
        &self,
        pool: &SqlitePool,
        app_id: &str,
        probe: i64,
    ) -> Result<i64, sqlx::Error> {
        if self.shift == 0 {
            return Ok(0);
        }
        let (bucket, first, last) = self.bucket();
        let value = self.value;
        let (selected, others): (Vec<Range>, Vec<Range>) = match self.filter.comparison {
            Comparison::Lt => (
                vec![((" >= ", first), (" < ", value))],
                vec![((" >= ", value), (" <= ", last))],
            ),
            Comparison::Gt => (
                vec![((" > ", value), (" <= ", last))],
                vec![((" >= ", first), (" <= ", value))],
            ),
            _ => (
                vec![((" >= ", value), (" <= ", value))],
                vec![
                    ((" >= ", first), (" < ", value)),
                    ((" > ", value), (" <= ", last)),
                ],
            ),
        };
        let sign = if self.filter.comparison == Comparison::Ne {
            -1
        } else {
            1
        };
        let counted = self
            .count_ranges(pool, app_id, &selected, Some(probe))
            .await?;
        if counted <= probe {
            return Ok(sign * counted);
        }
        let mut total = QueryBuilder::<Sqlite>::new("SELECT ");
        self.push_buckets(&mut total, app_id, Some((" = ", bucket)));
        let total: i64 = total.build_query_scalar().fetch_one(pool).await?;
        let others = self.count_ranges(pool, app_id, &others, None).await?;
        Ok(sign * (total - others))
    }

    /// Users whose value lies in any of `ranges`, through the field's index; at most
    /// `limit + 1` per range when a limit is given.
    async fn count_ranges(
        &self,
        pool: &SqlitePool,
        app_id: &str,
        ranges: &[Range],
        limit: Option<i64>,
    ) -> Result<i64, sqlx::Error> {
        let mut sum = 0;
        for &((low, from), (high, to)) in ranges {
            let mut count = QueryBuilder::<Sqlite>::new(format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM users INDEXED BY {} WHERE app_id = ",
                self.index
            ));
            count.push_bind(app_id.to_owned());
            push_comparison(
                &mut count,
                self.column,
                low,
                &FilterValue::Integer(from),
                false,
            );
            push_comparison(
                &mut count,
                self.column,
                high,
                &FilterValue::Integer(to),
                false,
            );
            if let Some(limit) = limit {
                count.push(" LIMIT ").push_bind(limit + 1);
            }
            count.push(")");
            let counted: i64 = count.build_query_scalar().fetch_one(pool).await?;
            sum += counted;
        }
        Ok(sum)
    }

    /// `(SELECT SUM(users) of the field's buckets)`, those `<operator> bucket` or all.
    fn push_buckets(
        &self,
        count: &mut QueryBuilder<Sqlite>,
        app_id: &str,
        buckets: Option<(&str, i64)>,
    ) {
        count
            .push("(SELECT COALESCE(SUM(users), 0) FROM user_field_counts WHERE app_id = ")
            .push_bind(app_id.to_owned())
            .push(" AND field = ")
            .push_bind(self.column);
        if let Some((operator, bucket)) = buckets {
            count.push(" AND bucket").push(operator).push_bind(bucket);
        }
        count.push(")");
    }
}

/// A range of a field's values: `(operator, value)` for its low end and for its high end.
type Range = ((&'static str, i64), (&'static str, i64));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::timestamp::Timestamp;
    use crate::store::Store;
    use crate::store::user_list::{Order, SortField};

    /// Bucketed counts give what a plain `COUNT(*)` gives, for each operator and field, at
    /// values inside, between and on the edges of buckets (times before 1970 too), with and
    /// without an anchor, after the triggers have followed inserts, updates and deletes, and
    /// whether the value's own bucket is counted on the filter's side or the other (small
    /// probes force the other).
    #[tokio::test]
    async fn bucketed_counts_match_a_plain_count() {
        let store = Store::with_default_app().await;
        let app = "defaultapp00000000000001";
        let time = |n: i64| n * 3_000_000_000 - 10_000_000_000;
        for n in 0..24_i64 {
            sqlx::query(
                "INSERT INTO users (id, app_id, status, login_count, last_login_at, created_at, \
                 updated_at) VALUES (?, ?, 'active', ?, ?, ?, ?)",
            )
            .bind(format!("user{n}"))
            .bind(app)
            .bind(n % 5)
            .bind(time(n % 7))
            .bind(time(n))
            .bind(time(n / 2))
            .execute(&store.pool)
            .await
            .unwrap();
        }
        for statement in [
            "UPDATE users SET login_count = login_count + 3 WHERE id IN ('user1', 'user2')",
            "UPDATE users SET last_login_at = last_login_at + 5000000000 WHERE id = 'user3'",
            "UPDATE users SET updated_at = updated_at + 1, created_at = 0 WHERE id = 'user4'",
            "UPDATE users SET updated_at = 30000000000 WHERE id = 'user5'",
            "DELETE FROM users WHERE id IN ('user6', 'user7', 'user8')",
        ] {
            sqlx::query(sqlx::AssertSqlSafe(statement))
                .execute(&store.pool)
                .await
                .unwrap();
        }
        let mut times: Vec<i64> = (0..24).map(time).collect();
        times.extend([
            0,
            1,
            -1,
            1 << 32,
            (1 << 32) - 1,
            -(1 << 32),
            i64::MAX,
            i64::MIN,
        ]);
        let mut values: Vec<(FilterField, FilterValue)> = (0..9)
            .map(|n| (FilterField::LoginCount, FilterValue::Integer(n)))
            .collect();
        for field in [
            FilterField::CreatedAt,
            FilterField::UpdatedAt,
            FilterField::LastLoginAt,
        ] {
            for at in &times {
                for near in [-1, 0, 1] {
                    let at = at.saturating_add(near);
                    values.push((field, FilterValue::Time(Timestamp(at))));
                }
            }
        }
        let mut bucketed = 0;
        for anchor in [i64::MAX, time(15)] {
            for (field, value) in &values {
                for comparison in [
                    Comparison::Eq,
                    Comparison::Ne,
                    Comparison::Gt,
                    Comparison::Lt,
                ] {
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
                    let mut plain = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM users");
                    push_where(&mut plain, app, &list);
                    let plain: i64 = plain
                        .build_query_scalar()
                        .fetch_one(&store.pool)
                        .await
                        .unwrap();
                    for probe in [0, 1, PROBE] {
                        let counted = count_probing(&store.pool, app, &list, probe).await.unwrap();
                        assert_eq!(
                            counted, plain,
                            "{field:?} {comparison:?} {value:?} anchor {anchor} probe {probe}"
                        );
                    }
                    bucketed += usize::from(Bucketed::of(&list).is_some());
                }
            }
        }
        assert_eq!(
            bucketed,
            2 * 4 * values.len(),
            "every count above was bucketed"
        );
    }
}

//! Unit tests of the user list: patterns, and the query plans of the SDKs' lookups.

use super::*;
use crate::domain::timestamp::Timestamp;
use crate::store::Store;
use crate::store::user_count::count_query;

#[test]
fn like_is_a_substring_unless_wildcarded() {
    assert_eq!(like_pattern("ext_1"), "%ext\\_1%");
    assert_eq!(like_pattern("ada%"), "ada%");
}

fn list(filters: Vec<Filter>, order: Vec<Order>, limit: i64) -> UserListQuery {
    UserListQuery {
        filters,
        order,
        created_before: Timestamp(i64::MAX),
        page: 1,
        limit,
    }
}

fn equals(field: FilterField, value: &str) -> Filter {
    Filter {
        field,
        comparison: Comparison::Eq,
        value: FilterValue::Text(value.to_owned()),
        phone: None,
    }
}

fn newest_first() -> Vec<Order> {
    vec![Order {
        field: SortField::CreatedAt,
        descending: true,
    }]
}

/// The plan's steps, as `EXPLAIN QUERY PLAN` words them.
async fn plan(store: &Store, mut query: QueryBuilder<Sqlite>) -> Vec<String> {
    let rows: Vec<(i64, i64, i64, String)> =
        query.build_query_as().fetch_all(&store.pool).await.unwrap();
    rows.into_iter().map(|(_, _, _, detail)| detail).collect()
}

/// The lookups the SDKs make (getByIdentifier by email, phone or external id; list by id;
/// the first page) never walk the app's users: no step scans `users`, and an identifier is
/// found through the three identifier indexes and fetched by primary key.
#[tokio::test]
async fn sdk_lookups_use_indexes() {
    let store = Store::open(":memory:", true).await.unwrap();
    let lookups = [
        list(
            vec![equals(FilterField::Identifier, "ada@example.com")],
            newest_first(),
            20,
        ),
        list(
            vec![equals(FilterField::Identifier, "ext-1")],
            newest_first(),
            1,
        ),
        list(vec![equals(FilterField::Id, "abc")], newest_first(), 1),
        list(Vec::new(), newest_first(), 1),
    ];
    for (index, lookup) in lookups.iter().enumerate() {
        if lookup.filters.is_empty() {
            // The first page is read in order from users_by_newest, not sorted.
            let page = plan(
                &store,
                select_query("EXPLAIN QUERY PLAN ", "app", lookup, 1, 0),
            )
            .await;
            assert!(
                !page.iter().any(|step| step.contains("TEMP B-TREE")),
                "the first page sorts: {page:#?}"
            );
        }
        for query in [
            count_query("EXPLAIN QUERY PLAN ", "app", lookup),
            select_query("EXPLAIN QUERY PLAN ", "app", lookup, 1, 0),
        ] {
            let steps = plan(&store, query).await;
            assert!(
                !steps.iter().any(|step| step.starts_with("SCAN u")),
                "lookup {index} scans users: {steps:#?}"
            );
            if index < 3 {
                assert!(
                    steps.iter().all(|step| !step.contains("users_by_newest")),
                    "lookup {index} walks the app's users by creation: {steps:#?}"
                );
                assert!(
                    steps[0].contains("sqlite_autoindex_users_1 (id=?)"),
                    "lookup {index} does not fetch by primary key: {steps:#?}"
                );
            }
            if index < 2 {
                for index_name in [
                    "users_by_email",
                    "users_by_phone",
                    "users_by_external_id_lower",
                ] {
                    assert!(
                        steps.iter().any(|step| step.contains(index_name)),
                        "lookup {index} does not use {index_name}: {steps:#?}"
                    );
                }
            }
        }
    }
}

const SORT_FIELDS: [SortField; 9] = [
    SortField::Id,
    SortField::Email,
    SortField::Phone,
    SortField::ExternalId,
    SortField::LoginCount,
    SortField::Status,
    SortField::CreatedAt,
    SortField::UpdatedAt,
    SortField::LastLoginAt,
];

fn compare(field: FilterField, comparison: Comparison, value: FilterValue) -> Filter {
    Filter {
        field,
        comparison,
        value,
        phone: None,
    }
}

/// A page ordered by any field, either way, is read in order from that field's index (no
/// sort), and its count never walks the app's users.
#[tokio::test]
async fn every_order_reads_an_index() {
    let store = Store::open(":memory:", true).await.unwrap();
    for field in SORT_FIELDS {
        for descending in [false, true] {
            let lookup = list(Vec::new(), vec![Order { field, descending }], 20);
            let steps = plan(
                &store,
                select_query("EXPLAIN QUERY PLAN ", "app", &lookup, 1, 0),
            )
            .await;
            assert!(
                steps
                    .iter()
                    .all(|step| !step.contains("TEMP B-TREE") && !step.starts_with("SCAN u")),
                "{field:?} descending={descending} sorts or scans: {steps:#?}"
            );
        }
    }
}

/// Each filter, in the default order: an equality reads its index in order; a range searches
/// its index; no count scans users; the unfiltered and status counts read user_counts, and
/// the other comparisons sum user_field_counts' buckets.
#[tokio::test]
async fn filters_search_their_index() {
    let store = Store::open(":memory:", true).await.unwrap();
    let time = || FilterValue::Time(Timestamp(1_700_000_000_000_000));
    let filters = [
        (
            FilterField::LoginCount,
            FilterValue::Integer(3),
            "users_by_login_count",
        ),
        (
            FilterField::Status,
            FilterValue::Text("inactive".into()),
            "users_by_status",
        ),
        (FilterField::CreatedAt, time(), "users_by_created_at"),
        (FilterField::UpdatedAt, time(), "users_by_updated_at"),
        (FilterField::LastLoginAt, time(), "users_by_last_login_at"),
    ];
    for (field, value, index) in filters {
        for comparison in [
            Comparison::Eq,
            Comparison::Ne,
            Comparison::Gt,
            Comparison::Lt,
        ] {
            let lookup = list(
                vec![compare(field, comparison, value.clone())],
                newest_first(),
                20,
            );
            let page = plan(
                &store,
                select_query("EXPLAIN QUERY PLAN ", "app", &lookup, 1, 0),
            )
            .await;
            let count = plan(&store, count_query("EXPLAIN QUERY PLAN ", "app", &lookup)).await;
            for steps in [&page, &count] {
                assert!(
                    steps.iter().all(|step| !step.starts_with("SCAN u")),
                    "{field:?} {comparison:?} scans: {steps:#?}"
                );
            }
            // Status equality reads the per-status counts; every other comparison sums
            // buckets, but a time's equality, which only counts its own bucket's users.
            let kept = match (field, comparison) {
                (FilterField::Status, Comparison::Eq | Comparison::Ne) => Some("user_counts"),
                (FilterField::Status, _) => None,
                (FilterField::LoginCount, _) => Some("user_field_counts"),
                (_, Comparison::Eq) => None,
                _ => Some("user_field_counts"),
            };
            assert!(
                kept.is_none_or(|kept| count.iter().any(|step| step.contains(kept))),
                "{field:?} {comparison:?}: the count does not read {kept:?}: {count:#?}"
            );
            if comparison == Comparison::Eq && field != FilterField::CreatedAt {
                assert!(
                    page.iter().any(|step| step.contains(index))
                        && page.iter().all(|step| !step.contains("TEMP B-TREE")),
                    "{field:?} equality does not read {index} in order: {page:#?}"
                );
            }
        }
    }
    for filters in [
        Vec::new(),
        vec![equals(FilterField::Status, "active")],
        vec![compare(
            FilterField::Status,
            Comparison::Ne,
            FilterValue::Text("active".into()),
        )],
    ] {
        let lookup = list(filters, newest_first(), 20);
        let count = plan(&store, count_query("EXPLAIN QUERY PLAN ", "app", &lookup)).await;
        assert!(
            count.iter().any(|step| step.contains("user_counts"))
                && count.iter().all(|step| !step.starts_with("SCAN u")),
            "the count is not read from user_counts: {count:#?}"
        );
    }
}

/// A range filter's page: through the filter's index when the count says it selects few
/// users, through that index alone (ids, sorted there) up to [`COVERED`] users in the default
/// order, through the order's index (stopping after a page) when it selects more, or when
/// those it leaves out are few.
#[tokio::test]
async fn the_count_picks_the_page_index() {
    let store = Store::open(":memory:", true).await.unwrap();
    let lookup = list(
        vec![compare(
            FilterField::LastLoginAt,
            Comparison::Lt,
            FilterValue::Time(Timestamp(1_700_000_000_000_000)),
        )],
        newest_first(),
        20,
    );
    for (total, others, index) in [
        (100, 1_000_000, "users_by_last_login_at"),
        (
            SELECTIVE + 1,
            1_000_000,
            "COVERING INDEX users_by_last_login_at",
        ),
        (COVERED, 1_000_000, "COVERING INDEX users_by_last_login_at"),
        (COVERED + 1, 1_000_000, "users_by_created_at"),
        // Nearly everyone selected: the walk passes few others, wherever they are.
        (COVERED, COVERED / 5, "users_by_created_at"),
    ] {
        let page = plan(
            &store,
            select_query("EXPLAIN QUERY PLAN ", "app", &lookup, total, others),
        )
        .await;
        assert!(
            page.iter().any(|step| step.contains(index)),
            "{total} users: not read through {index}: {page:#?}"
        );
    }
    // By id too: every index holds the id.
    let by_id = UserListQuery {
        order: vec![Order {
            field: SortField::Id,
            descending: true,
        }],
        ..lookup
    };
    let page = plan(
        &store,
        select_query(
            "EXPLAIN QUERY PLAN ",
            "app",
            &by_id,
            SELECTIVE + 1,
            1_000_000,
        ),
    )
    .await;
    let index = "COVERING INDEX users_by_last_login_at";
    assert!(page.iter().any(|step| step.contains(index)), "{page:#?}");
}

/// The page read through the filter's index alone is the page the plain query reads: the
/// same users in the same order, on every page, for both sides of a range, both directions,
/// by creation and by id (the latter for a creation range too).
#[tokio::test]
async fn the_covering_read_gives_the_same_pages() {
    let store = Store::with_default_app().await;
    let app = "defaultapp00000000000001";
    for index in 0..40i64 {
        let (id, email) = (
            format!("coveruser{index:015}"),
            format!("u{index}@example.com"),
        );
        store
            .insert_user(&crate::store::NewUser {
                id: &id,
                app_id: app,
                email: &email,
                phone: "",
                external_id: "",
                status: crate::domain::user::UserStatus::Active,
                email_verified: false,
                phone_verified: false,
                user_metadata: None,
                login_count: 0,
                // Logins in the reverse order of creation, some sharing an instant.
                last_login_at: Timestamp(2_000_000_000 - index / 3 * 1_000),
                // Pairs created in the same instant: ties are broken by id.
                created_at: Timestamp(1_000_000_000 + index / 2 * 1_000),
            })
            .await
            .unwrap();
    }
    let logins = FilterValue::Time(Timestamp(2_000_000_000 - 6_000));
    let created = FilterValue::Time(Timestamp(1_000_000_000 + 9_000));
    let cases = [
        (FilterField::LastLoginAt, &logins, SortField::CreatedAt),
        (FilterField::LastLoginAt, &logins, SortField::Id),
        (FilterField::CreatedAt, &created, SortField::Id),
    ];
    for (field, cut, order) in cases {
        for comparison in [Comparison::Lt, Comparison::Gt] {
            for descending in [true, false] {
                for page in 1..=4 {
                    let mut lookup = list(
                        vec![compare(field, comparison, cut.clone())],
                        vec![Order {
                            field: order,
                            descending,
                        }],
                        7,
                    );
                    lookup.page = page;
                    let ids = |mut query: QueryBuilder<Sqlite>| {
                        let pool = store.pool.clone();
                        async move {
                            let rows: Vec<crate::store::users::UserRow> =
                                query.build_query_as().fetch_all(&pool).await.unwrap();
                            rows.into_iter()
                                .map(|row| row.into_domain().unwrap().id)
                                .collect::<Vec<_>>()
                        }
                    };
                    let plain = ids(select_query("", app, &lookup, 1, 0)).await;
                    let covered =
                        ids(select_query("", app, &lookup, SELECTIVE + 1, i64::MAX)).await;
                    assert!(covering_index(&lookup, SELECTIVE + 1, i64::MAX).is_some());
                    assert!(!plain.is_empty() || page > 2, "{comparison:?} page {page}");
                    assert_eq!(covered, plain, "{comparison:?} {descending} page {page}");
                }
            }
        }
    }
}

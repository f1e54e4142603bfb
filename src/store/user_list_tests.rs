//! Unit tests of the user list: patterns, and the query plans of the SDKs' lookups.

use super::*;
use crate::store::Store;

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
    let store = Store::open(":memory:").await.unwrap();
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
            let page = plan(&store, select_query("EXPLAIN QUERY PLAN ", "app", lookup)).await;
            assert!(
                !page.iter().any(|step| step.contains("TEMP B-TREE")),
                "the first page sorts: {page:#?}"
            );
        }
        for query in [
            count_query("EXPLAIN QUERY PLAN ", "app", lookup),
            select_query("EXPLAIN QUERY PLAN ", "app", lookup),
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

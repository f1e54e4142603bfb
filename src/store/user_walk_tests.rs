//! Unit tests of the bounded walk: when it applies, its plan, and that both of its ways give
//! the pages the plain query gives.

use super::*;
use crate::domain::timestamp::Timestamp;
use crate::domain::user::UserStatus;
use crate::store::user_query::{Filter, FilterField, FilterValue};
use crate::store::{NewUser, Store};

const APP: &str = "defaultapp00000000000001";

fn list(filter: Filter, field: SortField, descending: bool, limit: i64) -> UserListQuery {
    UserListQuery {
        filters: vec![filter],
        order: vec![Order { field, descending }],
        created_before: Timestamp(i64::MAX),
        page: 1,
        limit,
    }
}

fn logins(comparison: Comparison, at: i64) -> Filter {
    Filter {
        field: FilterField::LastLoginAt,
        comparison,
        value: FilterValue::Time(Timestamp(at)),
        phone: None,
    }
}

/// The walk applies past [`SELECTIVE`] users, when the others are not few, in an order by
/// another field that no covered read serves.
#[test]
fn the_walk_is_bounded_where_the_page_is_not_read_otherwise() {
    let range = || logins(Comparison::Lt, 1_700_000_000_000_000);
    let by = |field, total, others| fallback_index(&list(range(), field, true, 20), total, others);
    let index = Some("users_by_last_login_at");
    assert_eq!(by(SortField::LoginCount, 20_000, 980_000), index);
    assert_eq!(by(SortField::Phone, 200_000, 800_000), index);
    // Beyond the covered read's reach, by creation too.
    assert_eq!(by(SortField::CreatedAt, 200_000, 800_000), index);
    assert_eq!(by(SortField::CreatedAt, 20_000, 980_000), None);
    assert_eq!(by(SortField::LoginCount, SELECTIVE, 980_000), None);
    assert_eq!(by(SortField::LoginCount, 500_000, 100_000), None);
    // The filter's own field is a range of the order's index.
    assert_eq!(by(SortField::LastLoginAt, 20_000, 980_000), None);
    let mut two = list(range(), SortField::LoginCount, true, 20);
    two.order.push(Order {
        field: SortField::Email,
        descending: false,
    });
    assert_eq!(fallback_index(&two, 20_000, 980_000), None);
}

/// The walk reads the order's index (no sort of the table, no scan of it).
#[tokio::test]
async fn the_walk_reads_the_orders_index() {
    let store = Store::open(":memory:", true).await.unwrap();
    let lookup = list(logins(Comparison::Lt, 1), SortField::Phone, true, 20);
    let mut query = walk_query("EXPLAIN QUERY PLAN ", APP, &lookup, &lookup.order[0], WALK);
    let rows: Vec<(i64, i64, i64, String)> =
        query.build_query_as().fetch_all(&store.pool).await.unwrap();
    let steps: Vec<String> = rows.into_iter().map(|(_, _, _, step)| step).collect();
    assert!(
        steps
            .iter()
            .any(|step| step.contains("users_by_phone_order")),
        "{steps:#?}"
    );
    assert!(!steps.iter().any(|step| step == "SCAN users"), "{steps:#?}");
}

/// Walked in full, or given up at once for the filter's index, every page is the plain
/// query's: both sides of a login range, both directions, by login count and by creation.
#[tokio::test]
async fn both_ways_give_the_same_pages() {
    let store = Store::with_default_app().await;
    for index in 0..40i64 {
        let (id, email) = (
            format!("walkuser{index:016}"),
            format!("w{index}@example.com"),
        );
        store
            .insert_user(&NewUser {
                id: &id,
                app_id: APP,
                email: &email,
                phone: "",
                external_id: "",
                status: UserStatus::Active,
                email_verified: false,
                phone_verified: false,
                user_metadata: None,
                login_count: index % 4,
                // Logins in the reverse order of creation, some sharing an instant.
                last_login_at: Timestamp(2_000_000_000 - index / 3 * 1_000),
                created_at: Timestamp(1_000_000_000 + index / 2 * 1_000),
            })
            .await
            .unwrap();
    }
    let ids = |rows: Vec<UserRow>| {
        rows.into_iter()
            .map(|row| row.into_domain().unwrap().id)
            .collect::<Vec<_>>()
    };
    for field in [SortField::LoginCount, SortField::CreatedAt] {
        for comparison in [Comparison::Lt, Comparison::Gt] {
            for descending in [true, false] {
                for page in 1..=4 {
                    let mut lookup = list(logins(comparison, 1_999_994_000), field, descending, 7);
                    lookup.page = page;
                    let mut plain = indexed_query("", APP, &lookup, None);
                    let plain = ids(plain.build_query_as().fetch_all(&store.pool).await.unwrap());
                    let index = "users_by_last_login_at";
                    for walk in [1, 1_000] {
                        let walked = page_of(&store, &lookup, index, walk).await;
                        assert_eq!(
                            ids(walked),
                            plain,
                            "{field:?} {comparison:?} {descending} page {page} walk {walk}"
                        );
                    }
                }
            }
        }
    }
}

async fn page_of(store: &Store, list: &UserListQuery, index: &str, walk: i64) -> Vec<UserRow> {
    page(&store.pool, APP, list, index, walk).await.unwrap()
}

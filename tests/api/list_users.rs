//! `GET /apps/{app_id}/users`: pagination, anchor, ordering, every filter and operator.
//! The shop fixture has four users created on the first of January, February, March, April.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;

const SHOP: &str = "/api/v1/apps/shopapp00000000000000001";
const KEY: Option<&str> = Some("shop-api-key-0001");

async fn list(app: &TestApp, query: &str) -> Reply {
    app.send(Method::GET, &format!("{SHOP}/users?{query}"), KEY, None)
        .await
}

/// The users' numbers (last digit of their ids), in order.
fn numbers(reply: &Reply) -> Vec<u32> {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|user| {
            user["id"]
                .as_str()
                .unwrap()
                .chars()
                .last()
                .unwrap()
                .to_digit(10)
                .unwrap()
        })
        .collect()
}

async fn matches(app: &TestApp, query: &str) -> Vec<u32> {
    numbers(&list(app, query).await)
}

#[tokio::test]
async fn a_page_has_every_documented_member() {
    let app = spawn_with_fixture("shop.json").await;
    let reply = list(&app, "limit=1&page=2&created_before=1767225600").await;
    let mut body = reply.body.clone();
    let user = body["users"][0].clone();
    body["users"][0] = json!("<user>");
    let link = |page: u32| json!({"href": format!("{SHOP}/users?page={page}&limit=1&created_before=1767225600")});
    assert_eq!(
        body,
        json!({
            "_links": {"first": link(1), "last": link(4), "next": link(3), "previous": link(1), "self": link(2)},
            "created_before": 1767225600,
            "limit": 1,
            "page": 2,
            "total_users": 4,
            "users": ["<user>"]
        })
    );
    let mut user = user;
    redact_time(&mut user, "updated_at");
    assert_eq!(
        user,
        json!({
            "created_at": "2024-03-01T10:00:00Z",
            "email": "",
            "email_verified": false,
            "external_id": "Ext-User_3",
            "id": "shopuser0000000000000003",
            "last_login_at": "2024-03-02T10:00:00Z",
            "login_count": 2,
            "phone": "",
            "phone_verified": false,
            "status": "pending",
            "updated_at": "<time>",
            "user_metadata": null
        })
    );
}

#[tokio::test]
async fn pages_default_to_newest_first_and_end_with_empty_links() {
    let app = spawn_with_fixture("shop.json").await;
    let reply = list(&app, "").await;
    assert_eq!(numbers(&reply), vec![4, 3, 2, 1]);
    assert_eq!(reply.body["limit"], json!(20));
    assert_eq!(reply.body["page"], json!(1));
    assert_eq!(reply.body["_links"]["next"], json!({"href": ""}));
    assert_eq!(reply.body["_links"]["previous"], json!({"href": ""}));
    let anchor = reply.body["created_before"].as_i64().unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!(
        anchor > now && anchor <= now + 2,
        "anchor {anchor} vs now {now}"
    );

    let second = list(&app, "limit=3&page=2").await;
    assert_eq!(numbers(&second), vec![1]);
    assert_eq!(second.body["total_users"], json!(4));
    let beyond = list(&app, "limit=3&page=9").await;
    assert_eq!(numbers(&beyond), Vec::<u32>::new());
    assert_eq!(beyond.body["users"], json!([]));
}

#[tokio::test]
async fn the_anchor_excludes_later_users_and_is_echoed_in_links() {
    let app = spawn_with_fixture("shop.json").await;
    // 2024-03-01T10:00:00Z: user 3 was created at that instant, so it is not "before" it.
    let reply = list(&app, "created_before=1709287200&limit=1").await;
    assert_eq!(numbers(&reply), vec![2]);
    assert_eq!(reply.body["total_users"], json!(2));
    assert_eq!(reply.body["created_before"], json!(1709287200));
    let next = reply.body["_links"]["next"]["href"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        next.ends_with("users?page=2&limit=1&created_before=1709287200"),
        "{next}"
    );
    // The link can be followed as it is.
    let followed = app.send(Method::GET, &next, KEY, None).await;
    assert_eq!(numbers(&followed), vec![1]);
    // A user created now does not shift an anchored listing.
    let created = app
        .send(
            Method::POST,
            &format!("{SHOP}/users"),
            KEY,
            Some(&json!({"email": "new@example.com"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(
        numbers(&app.send(Method::GET, &next, KEY, None).await),
        vec![1]
    );
}

#[tokio::test]
async fn order_by_takes_several_fields() {
    let app = spawn_with_fixture("shop.json").await;
    assert_eq!(
        matches(&app, "order_by=login_count:DESC,created_at:ASC").await,
        vec![1, 3, 4, 2]
    );
    assert_eq!(
        matches(&app, "order_by=created_at:asc").await,
        vec![1, 2, 3, 4]
    );
    assert_eq!(
        matches(&app, "order_by=status,id:DESC").await,
        vec![4, 1, 2, 3]
    );
    let reply = list(&app, "order_by=login_count:DESC").await;
    let link = reply.body["_links"]["self"]["href"].as_str().unwrap();
    assert!(link.ends_with("&order_by=login_count%3ADESC"), "{link}");
}

#[tokio::test]
async fn identifier_matches_email_phone_and_external_id() {
    let app = spawn_with_fixture("shop.json").await;
    assert_eq!(matches(&app, "identifier=ADA@example.com").await, vec![1]);
    // A raw `+` (as some SDKs send it) and an encoded one both mean plus.
    assert_eq!(matches(&app, "identifier=+14155552671").await, vec![2]);
    assert_eq!(matches(&app, "identifier=%2B14155552671").await, vec![2]);
    assert_eq!(
        matches(&app, "identifier=bob+shop@example.com").await,
        vec![4]
    );
    assert_eq!(
        matches(&app, "identifier=%2B44%2020%207946%200958").await,
        vec![4]
    );
    // Flex SDKs look users up by external id with limit=1 (and passage_flex adds page=1).
    assert_eq!(
        matches(&app, "page=1&limit=1&identifier=ext-user_3").await,
        vec![3]
    );
    assert_eq!(
        matches(&app, "identifier=nobody@example.com").await,
        Vec::<u32>::new()
    );
    assert_eq!(
        matches(&app, "identifier=ne:ada@example.com").await,
        vec![4, 3, 2]
    );
    assert_eq!(
        matches(&app, "identifier=like:EXAMPLE.com").await,
        vec![4, 1]
    );
    assert_eq!(
        matches(&app, "identifier=not_like:example").await,
        vec![3, 2]
    );
    assert_eq!(matches(&app, "identifier=like:user_").await, vec![3]);
    assert_eq!(
        matches(&app, "identifier=like:ada%25example.com").await,
        vec![1]
    );
    assert_eq!(matches(&app, "identifier=gt:b").await, vec![4, 3]);
    assert_eq!(matches(&app, "identifier=lt:b").await, vec![2, 1]);
}

#[tokio::test]
async fn every_other_filter_and_operator() {
    let app = spawn_with_fixture("shop.json").await;
    let cases: [(&str, Vec<u32>); 17] = [
        ("id=shopuser0000000000000002", vec![2]),
        ("id=ne:shopuser0000000000000002", vec![4, 3, 1]),
        ("id=gt:shopuser0000000000000002", vec![4, 3]),
        ("id=like:0003", vec![3]),
        ("login_count=7", vec![1]),
        ("login_count=gt:1", vec![3, 1]),
        ("login_count=lt:2", vec![4, 2]),
        ("login_count=ne:0", vec![4, 3, 1]),
        ("status=inactive", vec![2]),
        ("status=ne:active", vec![3, 2]),
        ("status=like:act", vec![4, 2, 1]),
        ("status=not_like:act", vec![3]),
        ("created_at=gt:2024-02-15T00:00:00.000000Z", vec![4, 3]),
        ("created_at=2024-02-01T10:00:00.000000Z", vec![2]),
        ("created_at=lt:2024-02-01T10:00:00Z", vec![1]),
        ("last_login_at=lt:2000-01-01T00:00:00.000000Z", vec![2]),
        (
            "last_login_at=gt:2024-03-01T00:00:00Z&login_count=lt:5",
            vec![4, 3],
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(matches(&app, query).await, expected, "{query}");
    }
    let updated = list(&app, "updated_at=gt:2020-01-01T00:00:00Z").await;
    assert_eq!(updated.body["total_users"], json!(4));
    // Unknown parameters are ignored, as Passage's Go server did.
    assert_eq!(matches(&app, "colour=teal").await, vec![4, 3, 2, 1]);
}

#[tokio::test]
async fn bad_list_queries_are_400() {
    let app = spawn_with_fixture("shop.json").await;
    let cases = [
        ("limit=0", "limit: must be between 1 and 500"),
        ("limit=501", "limit: must be between 1 and 500"),
        ("limit=ten", "limit: `ten` is not an integer"),
        ("page=0", "page: must be 1 or more"),
        (
            "created_before=yesterday",
            "created_before: `yesterday` is not an integer",
        ),
        (
            "order_by=identifier:ASC",
            "order_by: cannot order by `identifier`",
        ),
        (
            "order_by=id:UP",
            "order_by: direction `UP` must be ASC or DESC",
        ),
        (
            "login_count=like:3",
            "login_count: the like: and not_like: operators",
        ),
        ("login_count=many", "login_count: `many` is not an integer"),
        (
            "created_at=yesterday",
            "created_at: `yesterday` is not a timestamp",
        ),
        (
            "status=gone",
            "status: `gone` is not one of active, inactive, pending",
        ),
    ];
    for (query, message) in cases {
        let reply = list(&app, query).await;
        assert_error(&reply, 400, "invalid_request", message);
    }
    assert_eq!(list(&app, "limit=500").await.status, StatusCode::OK);
}

/// Equal values come in creation order, the way the last field is ordered: oldest first in an
/// ascending list, newest first in a descending one.
#[tokio::test]
async fn ties_follow_creation_in_the_last_direction() {
    let app = spawn_with_fixture("shop.json").await;
    assert_eq!(matches(&app, "order_by=status:ASC").await, vec![1, 4, 2, 3]);
    assert_eq!(
        matches(&app, "order_by=status:DESC").await,
        vec![3, 2, 4, 1]
    );
    // Users 1 and 3 have no phone.
    assert_eq!(matches(&app, "order_by=phone:ASC").await, vec![1, 3, 2, 4]);
    assert_eq!(
        matches(&app, "order_by=phone:DESC&limit=2&page=2").await,
        vec![3, 1]
    );
}

/// total_users without filters or by status is kept as users come, change status and go
/// (store::user_list reads it from counts the database keeps), and agrees with the pages.
#[tokio::test]
async fn totals_follow_every_write() {
    let app = spawn_with_fixture("shop.json").await;
    let totals = |query: &'static str| {
        let app = &app;
        async move {
            let reply = list(app, query).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
            let users = reply.body["users"].as_array().unwrap().len();
            let total = reply.body["total_users"].as_u64().unwrap() as usize;
            assert_eq!(users, total, "{query}");
            total
        }
    };
    let counts = || async {
        (
            totals("").await,
            totals("status=active").await,
            totals("status=ne:active").await,
        )
    };
    let create = |email: &'static str| {
        let app = &app;
        async move {
            let body = json!({ "email": email });
            let reply = app
                .send(Method::POST, &format!("{SHOP}/users"), KEY, Some(&body))
                .await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
            reply.body["user"]["id"].as_str().unwrap().to_owned()
        }
    };
    assert_eq!(counts().await, (4, 2, 2));
    let id = create("new@example.com").await;
    assert_eq!(counts().await, (5, 3, 2));
    let path = format!("{SHOP}/users/{id}/deactivate");
    let deactivated = app.send(Method::PATCH, &path, KEY, None).await;
    assert_eq!(deactivated.status, StatusCode::OK, "{}", deactivated.text);
    assert_eq!(counts().await, (5, 2, 3));
    let path = format!("{SHOP}/users/shopuser0000000000000001");
    let deleted = app.send(Method::DELETE, &path, KEY, None).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.text);
    assert_eq!(counts().await, (4, 1, 3));
    let reset = "/_emulator/reset?app_id=shopapp00000000000000001";
    app.send(Method::POST, reset, None, None).await;
    assert_eq!(counts().await, (0, 0, 0));
    create("again@example.com").await;
    assert_eq!(counts().await, (1, 1, 0));
    // Resetting every app empties the counts too, and they keep counting afterwards.
    app.send(Method::POST, "/_emulator/reset", None, None).await;
    assert_eq!(counts().await, (0, 0, 0));
    create("after@example.com").await;
    assert_eq!(counts().await, (1, 1, 0));
}

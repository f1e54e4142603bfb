use super::*;
use crate::domain::events::Method;
use crate::store::{EventListQuery, Store};

const APP: &str = "defaultapp00000000000001";

fn flow<'a>(client: &'a Client, user_id: &'a str, flow_id: Option<&'a str>) -> EventFlow<'a> {
    EventFlow {
        app_id: APP,
        user_id,
        flow_id,
        method: Method::MagicLink,
        action: Action::Login,
        client,
        social_login_type: None,
    }
}

fn client() -> Client {
    Client {
        ip_addr: "127.0.0.1".into(),
        user_agent: "test".into(),
    }
}

async fn store_with_user(id: &str) -> Store {
    let store = Store::with_default_app().await;
    sqlx::query(
        "INSERT INTO users (id, app_id, email, status, last_login_at, created_at, updated_at) \
         VALUES (?, ?, 'ada@example.com', 'active', 0, 0, 0)",
    )
    .bind(id)
    .bind(APP)
    .execute(&store.pool)
    .await
    .unwrap();
    store
}

/// The user's recent events as `(type, completed)`, newest first.
async fn recent(store: &Store, user: &str) -> Vec<(String, bool)> {
    let found = store.user_with_devices(APP, user).await.unwrap().unwrap();
    found
        .recent_events
        .iter()
        .map(|event| (event.event_type.clone(), event.completed_at.is_some()))
        .collect()
}

async fn stored(store: &Store) -> Vec<(String, String, bool)> {
    let list = EventListQuery {
        filters: Vec::new(),
        order: Vec::new(),
        created_before: Timestamp(i64::MAX),
        page: 1,
        limit: 100,
    };
    let (events, _) = store.list_events(APP, &list).await.unwrap();
    events
        .into_iter()
        .map(|event| {
            (
                event.event_type,
                event.identifier,
                event.completed_at.is_some(),
            )
        })
        .collect()
}

/// How many events the database holds, read directly (not through a read that writes the
/// queue first).
async fn rows(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM user_events")
        .fetch_one(&store.pool)
        .await
        .unwrap()
}

/// A start and its finish waiting together are one row, complete.
#[test]
fn a_finish_completes_its_waiting_start() {
    let queue = EventQueue::default();
    let client = client();
    queue.started(&flow(&client, "u1", Some("link1")), Timestamp(1));
    queue.finished(&flow(&client, "u1", Some("link1")), Timestamp(2));
    let batch = queue.batch().unwrap().unwrap();
    assert_eq!(batch.count, 1);
    assert_eq!(batch.completions, "[]");
    let events: serde_json::Value = serde_json::from_str(&batch.events).unwrap();
    assert_eq!(events[0]["type"], "magic_link.completed");
    assert_eq!(events[0]["created_at"], 1);
    assert_eq!(events[0]["completed_at"], 2);
}

/// A finish arriving while its start is being written is a completion of its own.
#[test]
fn a_finish_during_the_write_completes_the_stored_event() {
    let queue = EventQueue::default();
    let client = client();
    queue.started(&flow(&client, "u1", Some("link1")), Timestamp(1));
    let writing = queue.batch().unwrap().unwrap();
    queue.finished(&flow(&client, "u1", Some("link1")), Timestamp(2));
    let mut users = Vec::new();
    queue.written(writing.count, |user| users.push(user.to_owned()));
    assert_eq!(users, ["u1"]);
    let batch = queue.batch().unwrap().unwrap();
    assert_eq!(batch.count, 1);
    let completions: serde_json::Value = serde_json::from_str(&batch.completions).unwrap();
    assert_eq!(completions[0]["flow_id"], "link1");
    assert_eq!(completions[0]["type"], "magic_link.completed");
}

/// Waiting events show among the user's recent ones at once; written, they come from the
/// database, where a later finish completes the stored start.
#[tokio::test]
async fn recent_events_are_the_same_before_and_after_the_write() {
    let store = store_with_user("u1").await;
    let client = client();
    assert_eq!(recent(&store, "u1").await, []);
    store
        .event_queue
        .started(&flow(&client, "u1", Some("link1")), Timestamp(1));
    let started = vec![("magic_link.login.initiated".to_owned(), false)];
    assert_eq!(
        recent(&store, "u1").await,
        started,
        "cached user, event waiting"
    );
    store.flush_events().await.unwrap();
    assert!(store.event_queue.is_empty());
    assert_eq!(
        recent(&store, "u1").await,
        started,
        "read again, event stored"
    );
    store
        .event_queue
        .finished(&flow(&client, "u1", Some("link1")), Timestamp(2));
    store
        .event_queue
        .finished(&flow(&client, "u1", None), Timestamp(3));
    let finished = vec![
        ("magic_link.completed".to_owned(), true),
        ("magic_link.completed".to_owned(), true),
    ];
    assert_eq!(recent(&store, "u1").await, finished, "finishes waiting");
    let listed = stored(&store).await;
    assert_eq!(recent(&store, "u1").await, finished, "finishes stored");
    let email = "ada@example.com".to_owned();
    assert_eq!(
        listed,
        [
            ("magic_link.completed".to_owned(), email.clone(), true),
            ("magic_link.completed".to_owned(), email, true),
        ]
    );
}

/// An event of a user deleted before the write is not stored; a repeated start of the same
/// ceremony is stored once.
#[tokio::test]
async fn the_write_skips_deleted_users_and_repeated_starts() {
    let store = store_with_user("u1").await;
    let client = client();
    store
        .event_queue
        .started(&flow(&client, "gone", Some("link0")), Timestamp(1));
    store
        .event_queue
        .started(&flow(&client, "u1", Some("link1")), Timestamp(2));
    store.flush_events().await.unwrap();
    store
        .event_queue
        .started(&flow(&client, "u1", Some("link1")), Timestamp(3));
    let listed = stored(&store).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(recent(&store, "u1").await.len(), 1);
}

/// Without a flush asked for, the task writes the batch after [`GATHER`].
#[tokio::test]
async fn the_batch_is_written_by_itself() {
    let store = store_with_user("u1").await;
    let client = client();
    store
        .event_queue
        .started(&flow(&client, "u1", Some("link1")), Timestamp(1));
    tokio::time::sleep(GATHER * 10).await;
    assert!(store.event_queue.is_empty());
    assert_eq!(rows(&store).await, 1);
}

/// Events that arrive while a batch is being written are written in the next batch, unasked.
#[tokio::test]
async fn events_arriving_during_a_write_are_written_next() {
    let store = store_with_user("u1").await;
    let client = client();
    // The in-memory database's one connection, held: the write waits for it.
    let connection = store.pool.acquire().await.unwrap();
    store
        .event_queue
        .started(&flow(&client, "u1", Some("link1")), Timestamp(1));
    tokio::time::sleep(GATHER * 3).await;
    store
        .event_queue
        .started(&flow(&client, "u1", Some("link2")), Timestamp(2));
    drop(connection);
    tokio::time::sleep(GATHER * 10).await;
    assert!(store.event_queue.is_empty());
    assert_eq!(rows(&store).await, 2);
}

//! Reads of users by id for the read cache's misses, batched: every miss waiting at the
//! moment is read by one query (users with their devices and social connections).
//!
//! Each sqlx query on SQLite costs a few thread hand-offs to its connection's worker thread,
//! and on two cores those hand-offs, not SQLite, bounded `GET user` for users not in the cache
//! at about 9,500 requests/s (5x slower than a cached user). Under load the misses arrive
//! together, so one task reading them together pays the hand-offs once per batch; a lone miss
//! is still one batch of one, read at once.

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};

use super::read_cache::ReadCache;
use crate::domain::user::UserWithDevices;

/// Ids read together at most (one JSON array bound to each query).
const BATCH: usize = 256;

type Loaded = Result<Option<Arc<UserWithDevices>>, sqlx::Error>;

struct Request {
    id: String,
    reply: oneshot::Sender<Loaded>,
}

/// The handle the store keeps; the reading task ends when the store is dropped.
#[derive(Debug, Clone)]
pub(super) struct UserLoader {
    requests: mpsc::Sender<Request>,
}

impl UserLoader {
    /// Starts the reading task (call from within the runtime). One task: while it reads a
    /// batch the next one gathers, and larger batches share the query's hand-offs among more
    /// users (two tasks read smaller batches, and measured no faster).
    /// `events`: whether users are read with their recent events (`Store::events`).
    pub(super) fn start(
        pool: SqlitePool,
        cache: Arc<ReadCache<UserWithDevices>>,
        events: bool,
    ) -> Self {
        let (requests, receiver) = mpsc::channel(4 * BATCH);
        tokio::spawn(read_batches(pool, cache, receiver, events));
        Self { requests }
    }

    /// The user with this id, whatever its app, from the database; cached if no write
    /// raced the read.
    pub(super) async fn load(&self, id: &str) -> Loaded {
        let (reply, answer) = oneshot::channel();
        let request = Request {
            id: id.to_owned(),
            reply,
        };
        self.requests
            .send(request)
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        answer.await.map_err(|_| sqlx::Error::PoolClosed)?
    }
}

async fn read_batches(
    pool: SqlitePool,
    cache: Arc<ReadCache<UserWithDevices>>,
    mut receiver: mpsc::Receiver<Request>,
    events: bool,
) {
    let mut batch = Vec::with_capacity(BATCH);
    while receiver.recv_many(&mut batch, BATCH).await > 0 {
        let generation = cache.generation();
        let ids: Vec<&str> = batch.iter().map(|request| request.id.as_str()).collect();
        match read(&pool, &ids, events).await {
            Ok(found) => {
                let found: HashMap<String, Arc<UserWithDevices>> = found
                    .into_iter()
                    .map(|(id, user)| (id, Arc::new(user)))
                    .collect();
                // The same id may be asked for twice in one batch.
                for request in batch.drain(..) {
                    let user = found.get(&request.id).cloned();
                    if let Some(user) = &user {
                        cache.insert_if_current(generation, &request.id, Arc::clone(user));
                    }
                    // A requester that went away (its client hung up) needs no answer.
                    let _ = request.reply.send(Ok(user));
                }
            }
            Err(error) => {
                let message = error.to_string();
                for request in batch.drain(..) {
                    let _ = request
                        .reply
                        .send(Err(sqlx::Error::Protocol(message.clone())));
                }
            }
        }
    }
}

/// The users named in `ids` that exist, with devices and social connections.
async fn read(
    pool: &SqlitePool,
    ids: &[&str],
    events: bool,
) -> Result<HashMap<String, UserWithDevices>, sqlx::Error> {
    let ids = serde_json::to_string(ids).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    super::devices::users_with_devices(pool, &ids, events).await
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    /// Misses read together each get their own user, the same id asked twice included.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_misses_each_get_their_user() {
        let store = Store::with_default_app().await;
        let app = "defaultapp00000000000001";
        for n in 0..200 {
            sqlx::query(
                "INSERT INTO users (id, app_id, status, last_login_at, created_at, updated_at) \
                 VALUES (?, ?, 'active', 0, 0, 0)",
            )
            .bind(format!("user{n}"))
            .bind(app)
            .execute(&store.pool)
            .await
            .unwrap();
        }
        let reads = (0..400).map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let id = format!("user{}", n % 200);
                let found = store.user_with_devices(app, &id).await.unwrap();
                (id, found.map(|found| found.user.id))
            })
        });
        for read in reads.collect::<Vec<_>>() {
            let (id, found) = read.await.unwrap();
            assert_eq!(found.as_deref(), Some(id.as_str()));
        }
        let missing = store.user_with_devices(app, "nobody").await.unwrap();
        assert!(missing.is_none());
    }
}

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

use sqlx::{SqliteConnection, SqlitePool};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::event_queue::{EventQueue, GATHER};
use super::read_cache::ReadCache;
use crate::domain::user::UserWithDevices;

/// Ids read together at most (one JSON array bound to each query).
const BATCH: usize = 256;

type Loaded = Result<Option<Arc<UserWithDevices>>, sqlx::Error>;

enum Job {
    /// Read this user.
    Load {
        id: String,
        reply: oneshot::Sender<Loaded>,
    },
    /// Write every event waiting (then close the task's connection if `close`), then
    /// answer.
    Flush {
        reply: oneshot::Sender<Result<(), sqlx::Error>>,
        close: bool,
    },
}

/// The handle the store keeps; the task ends when the store is dropped.
#[derive(Debug, Clone)]
pub(super) struct UserLoader {
    jobs: mpsc::Sender<Job>,
}

/// What the task works with.
struct Task {
    pool: SqlitePool,
    cache: Arc<ReadCache<UserWithDevices>>,
    events: Arc<EventQueue>,
    /// Whether users are read with their recent events (`Store::events`).
    with_events: bool,
    /// The connection users are read and events written on, a file database's own (`None`:
    /// the pool's).
    connection: Option<SqliteConnection>,
}

impl UserLoader {
    /// Starts the task (call from within the runtime). One task: while it reads a batch the
    /// next one gathers, and larger batches share the query's hand-offs among more users (two
    /// tasks read smaller batches, and measured no faster). The same task writes the events
    /// waiting ([`super::event_queue`]), [`GATHER`] after the first of them arrived.
    pub(super) fn start(
        pool: SqlitePool,
        cache: Arc<ReadCache<UserWithDevices>>,
        events: Arc<EventQueue>,
        with_events: bool,
        connection: Option<SqliteConnection>,
    ) -> Self {
        let (jobs, receiver) = mpsc::channel(4 * BATCH);
        let task = Task {
            pool,
            cache,
            events,
            with_events,
            connection,
        };
        tokio::spawn(task.run(receiver));
        Self { jobs }
    }

    /// The user with this id, whatever its app, with the events waiting for it: from the
    /// database; cached (without those events) if no write raced the read.
    pub(super) async fn load(&self, id: &str) -> Loaded {
        let (reply, answer) = oneshot::channel();
        let job = Job::Load {
            id: id.to_owned(),
            reply,
        };
        self.jobs
            .send(job)
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        answer.await.map_err(|_| sqlx::Error::PoolClosed)?
    }

    /// Returns once every event queued before the call is written; with `close`, the
    /// connection events are written on is closed too (the store is closing: the last
    /// connection to close checkpoints the write-ahead log).
    pub(super) async fn flush(&self, close: bool) -> Result<(), sqlx::Error> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job::Flush { reply, close })
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        answer.await.map_err(|_| sqlx::Error::PoolClosed)?
    }
}

impl Task {
    async fn run(mut self, mut receiver: mpsc::Receiver<Job>) {
        let mut jobs = Vec::with_capacity(BATCH);
        let mut due: Option<Instant> = None;
        loop {
            let write_due = async move {
                match due {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                received = receiver.recv_many(&mut jobs, BATCH) => {
                    if received == 0 {
                        break;
                    }
                    self.serve(&mut jobs).await;
                }
                () = self.events.arrived.notified(), if due.is_none() => {
                    due = Some(Instant::now() + GATHER);
                }
                () = write_due => {
                    due = None;
                    if let Err(error) = self.write_events().await {
                        tracing::warn!(%error, "user events could not be written");
                    }
                }
            }
        }
    }

    /// Reads the users asked for together; then writes the events if asked to.
    async fn serve(&mut self, jobs: &mut Vec<Job>) {
        let mut loads = Vec::with_capacity(jobs.len());
        let mut flushes = Vec::new();
        let mut close = false;
        for job in jobs.drain(..) {
            match job {
                Job::Load { id, reply } => loads.push((id, reply)),
                Job::Flush {
                    reply,
                    close: closing,
                } => {
                    flushes.push(reply);
                    close |= closing;
                }
            }
        }
        if !loads.is_empty() {
            self.load(loads).await;
        }
        if !flushes.is_empty() {
            let mut result = self.write_events().await;
            if let Some(connection) = self.connection.take_if(|_| close) {
                result = result.and(sqlx::Connection::close(connection).await);
            }
            for reply in flushes {
                let _ = reply.send(result.as_ref().map_err(shared).copied());
            }
        }
    }

    async fn load(&mut self, mut batch: Vec<(String, oneshot::Sender<Loaded>)>) {
        let generation = self.cache.generation();
        let ids: Vec<&str> = batch.iter().map(|(id, _)| id.as_str()).collect();
        let result = match &mut self.connection {
            Some(connection) => read(connection, &ids, self.with_events).await,
            None => read(&self.pool, &ids, self.with_events).await,
        };
        match result {
            Ok(found) => {
                let found: HashMap<String, Arc<UserWithDevices>> = found
                    .into_iter()
                    .map(|(id, user)| (id, Arc::new(user)))
                    .collect();
                // The same id may be asked for twice in one batch.
                for (id, reply) in batch.drain(..) {
                    let user = found.get(&id).cloned();
                    if let Some(user) = &user {
                        self.cache
                            .insert_if_current(generation, &id, Arc::clone(user));
                    }
                    let user = self.events.merged(|| user);
                    // A requester that went away (its client hung up) needs no answer.
                    let _ = reply.send(Ok(user));
                }
            }
            Err(error) => {
                for (_, reply) in batch.drain(..) {
                    let _ = reply.send(Err(shared(&error)));
                }
            }
        }
    }

    /// Writes the events waiting, in one round trip; they leave the queue, and their users the
    /// cache, once written. A batch that fails is dropped (the caller logs it or answers it).
    async fn write_events(&mut self) -> Result<(), sqlx::Error> {
        let batch = self
            .events
            .batch()
            .map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
        let Some(batch) = batch else {
            return Ok(());
        };
        let result = match &mut self.connection {
            Some(connection) => super::events::write_batch(connection, &batch).await,
            None => super::events::write_batch(&self.pool, &batch).await,
        };
        self.events
            .written(batch.count, |user| self.cache.invalidate_key(user));
        result
    }
}

/// One error answered to every job of a batch (`sqlx::Error` is not `Clone`).
fn shared(error: &sqlx::Error) -> sqlx::Error {
    sqlx::Error::Protocol(error.to_string())
}

/// The users named in `ids` that exist, with devices and social connections.
async fn read(
    executor: impl sqlx::SqliteExecutor<'_>,
    ids: &[&str],
    events: bool,
) -> Result<HashMap<String, UserWithDevices>, sqlx::Error> {
    let ids = serde_json::to_string(ids).map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    super::devices::users_with_devices(executor, &ids, events).await
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

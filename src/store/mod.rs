//! All SQL lives here, one file per table group; functions return domain types.
//!
//! SQLite through sqlx with runtime-checked queries (no DATABASE_URL needed to build) and
//! migrations embedded in the binary.

mod api_keys;
mod apps;
mod authenticators;
mod devices;
mod email_provider;
mod email_templates;
mod event_queue;
mod events;
mod fixtures;
mod handshakes;
mod magic_links;
mod messages;
mod metadata_schema;
mod oauth;
mod otps;
mod read_cache;
mod readiness;
mod refresh_tokens;
mod reset;
mod signing_keys;
mod snapshots;
mod social;
mod sweep;
mod user_count;
mod user_import;
mod user_list;
mod user_loader;
mod user_query;
mod user_walk;
mod users;

use std::collections::HashSet;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::SqlitePool;
use tokio::sync::broadcast;

use crate::domain::app::App;
use crate::domain::user::UserWithDevices;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use api_keys::{ApiKey, NewApiKey};
pub use apps::KeyCheck;
pub use authenticators::{AuthenticatorRecord, CredentialRecord};
pub use devices::{DeviceLogin, NewDevice};
pub use events::{EventField, EventFilter, EventFlow, EventListQuery};
pub use fixtures::FixtureSummary;
pub use handshakes::{NewHandshake, NewTransaction, Transaction};
pub use magic_links::{MagicLinkRecord, NewMagicLink};
pub use messages::{MessageFilter, StoredMessage};
pub use oauth::{Code, CodeGrant, Grant, NewGrant};
pub use otps::{NewOtp, OtpOutcome};
pub use refresh_tokens::{NewRefreshToken, RefreshOutcome};
pub use snapshots::SnapshotRecord;
pub use user_list::{
    Comparison, Filter, FilterField, FilterValue, Order, SortField, UserListQuery,
};
pub use users::{NewUser, UserChanges};

/// How the store's transactions begin: `IMMEDIATE` takes the write lock at the start, waiting
/// for it up to the busy timeout. A deferred transaction that reads and then writes fails at
/// once with "database is locked" when another connection committed in between (SQLite
/// cannot upgrade a read snapshot that is no longer the latest, so the busy timeout does not
/// apply): snapshots failed that way now and then while other requests wrote.
const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Handle to the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    /// API key hashes by app id.
    keys: Arc<read_cache::ReadCache<HashSet<String>>>,
    /// Apps with their schema and public key, by id.
    apps: Arc<read_cache::ReadCache<App>>,
    /// Every signing key of an app, parsed, with when it was retired, by app id.
    signing_keys: Arc<read_cache::ReadCache<Vec<signing_keys::StoredKey>>>,
    /// Users with their devices, by user id.
    users: Arc<read_cache::ReadCache<UserWithDevices>>,
    /// Reads the users cache's misses, together, and writes the events waiting.
    user_loader: user_loader::UserLoader,
    /// Ceremonies' events not written yet.
    event_queue: Arc<event_queue::EventQueue>,
    /// Every message put in the inbox, as it arrives (long polls and the SSE stream).
    messages: broadcast::Sender<StoredMessage>,
    /// Whether ceremonies record user events: always, except in the benchmarks that measure
    /// what events cost (`Config::without_events`).
    events: bool,
}

/// A unique index refused a write: the caller turns it into a 400.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Database(sqlx::Error),
}

/// Why the database could not be opened: each case names the file, with its cause as source.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot create {}: {source}", path.display())]
    Create {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open database {database}: {source}")]
    Connect {
        database: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot migrate database {database}: {source}")]
    Migrate {
        database: String,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
}

impl From<sqlx::Error> for WriteError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Self::Conflict(db.message().to_owned())
            }
            _ => Self::Database(error),
        }
    }
}

impl Store {
    /// Opens (creating if needed) the database and applies pending migrations.
    ///
    /// `:memory:` gives a private in-memory database. It lives as long as its one connection,
    /// so that pool keeps exactly one connection forever.
    ///
    /// `events`: whether ceremonies record user events (true but in benchmarks).
    pub async fn open(database: &str, events: bool) -> Result<Self, OpenError> {
        let in_memory = database == ":memory:";
        let connect = |source| OpenError::Connect {
            database: database.to_owned(),
            source,
        };
        let options = if in_memory {
            SqliteConnectOptions::from_str("sqlite::memory:").map_err(connect)?
        } else {
            if let Some(parent) = Path::new(database)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
            {
                std::fs::create_dir_all(parent).map_err(|source| OpenError::Create {
                    path: parent.to_owned(),
                    source,
                })?;
            }
            create_private(Path::new(database))?;
            SqliteConnectOptions::new()
                .filename(database)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                // 1 MiB of page cache per connection instead of SQLite's 2 MiB: four
                // connections' caches were a fifth of the memory under load at 1M users. Little
                // is lost: in WAL mode SQLite empties a connection's cache whenever another
                // connection has committed since its last read, and the file's pages stay in
                // the OS's cache.
                .pragma("cache_size", "-1024")
        }
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));

        // No ping before each acquire (sqlx's default): a connection to a local file cannot
        // have hung up, and the ping was one more round trip to the connection's thread on
        // every query. sqlx also documents that an acquire cancelled during that ping drops
        // the connection, which for `:memory:` would be the whole database.
        let pool = if in_memory {
            SqlitePoolOptions::new()
                .min_connections(1)
                .max_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            SqlitePoolOptions::new().max_connections(4)
        }
        .test_before_acquire(false)
        .connect_with(options.clone())
        .await
        .map_err(connect)?;

        MIGRATOR
            .run(&pool)
            .await
            .map_err(|source| OpenError::Migrate {
                database: database.to_owned(),
                source,
            })?;
        // The user loader (cache misses read, events written) has a connection of its own, so
        // a batch waiting for SQLite's write lock does not hold one of the pool's four from the
        // requests, and a read of missed users costs no pool checkout (sqlx returns a pooled
        // connection through a task of its own). `:memory:` has one connection: a second would
        // open another, empty, database.
        let connection = if in_memory {
            None
        } else {
            Some(
                sqlx::ConnectOptions::connect(&options)
                    .await
                    .map_err(connect)?,
            )
        };
        let users = Arc::new(read_cache::ReadCache::with_budget(read_cache::USERS_BUDGET));
        let event_queue = Arc::new(event_queue::EventQueue::default());
        Ok(Self {
            user_loader: user_loader::UserLoader::start(
                pool.clone(),
                Arc::clone(&users),
                Arc::clone(&event_queue),
                events,
                connection,
            ),
            event_queue,
            pool,
            keys: Arc::default(),
            apps: Arc::default(),
            signing_keys: Arc::default(),
            users,
            messages: broadcast::channel(256).0,
            events,
        })
    }

    /// Call after committing a write that may change many users (or an unknown one).
    fn users_changed(&self) {
        self.users.invalidate();
    }

    /// Call after committing a write to one user, its devices or its social connections:
    /// only that user leaves the cache, so a login loop does not empty it for everyone.
    fn user_changed(&self, id: &str) {
        self.users.invalidate_key(id);
    }

    /// Call after committing any write to apps, their API keys, metadata schema or signing
    /// keys.
    fn apps_changed(&self) {
        self.keys.invalidate();
        self.apps.invalidate();
        self.signing_keys.invalidate();
    }

    /// Runs `sql`, a delete of one of an app's settings rows by `app_id` and `id` (API keys,
    /// metadata fields, email templates, which the apps cache holds); whether it deleted one.
    async fn delete_app_row(
        &self,
        sql: &'static str,
        app_id: &str,
        id: &str,
    ) -> Result<bool, sqlx::Error> {
        let result = sqlx::query(sql)
            .bind(app_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        self.apps_changed();
        Ok(result.rows_affected() == 1)
    }

    /// Messages put in the inbox from now on. Subscribe before looking at what is stored, so
    /// that nothing arrives unseen in between.
    pub fn subscribe_messages(&self) -> broadcast::Receiver<StoredMessage> {
        self.messages.subscribe()
    }

    /// Writes the events waiting, waits for open connections to finish and closes them
    /// (checkpointing the WAL).
    pub async fn close(&self) {
        if let Err(error) = self.user_loader.flush(true).await {
            tracing::warn!(%error, "events recorded last could not be written");
        }
        self.pool.close().await;
    }
}

/// Creates the database file readable by its owner only, if it does not exist yet: it holds
/// the apps' private signing keys. SQLite gives its -wal and -shm files the database file's
/// permissions. An existing file keeps the permissions its owner gave it.
fn create_private(path: &Path) -> Result<(), OpenError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(OpenError::Create {
            path: path.to_owned(),
            source,
        }),
    }
}

#[cfg(test)]
impl Store {
    /// An in-memory store seeded with the built-in default app, for unit tests.
    pub(crate) async fn with_default_app() -> Self {
        let store = Self::open(":memory:", true).await.unwrap();
        let fixture = crate::domain::fixtures::FixtureFile::parse(
            "default",
            crate::domain::fixtures::DEFAULT_FIXTURE,
        )
        .unwrap();
        crate::seed::load_fixtures(&store, &crate::clock::Clock::system(), &fixture)
            .await
            .unwrap();
        store
    }
}

#[cfg(test)]
mod schema_tests;

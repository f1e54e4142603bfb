//! In-memory copies of hot, rarely written rows: each app's API key hashes (checked on every
//! Management request) and users with their devices (`GET user`, the SDKs' most frequent read).
//!
//! Serving them from memory saves SQLite round trips, which with sqlx cost two thread hand-offs
//! each and bound `GET user` at about 11k requests/s on two cores. The emulator is the only
//! writer of its database and every write goes through [`super::Store`], which calls
//! [`ReadCache::invalidate`] after committing: so a cached value is never older than the last
//! committed write.
//!
//! A reader records the generation before it reads the database and keeps what it read only if
//! no invalidation happened meanwhile, so a read that raced a write is never cached.
//!
//! Each cache is bounded in memory: it keeps an estimate of the bytes its entries hold
//! ([`Weigh`]) and evicts the least recently used ones (the `lru` crate) to stay under its
//! budget. It used to hold 10,000 entries whatever their size and empty itself whole when
//! full, so reading 100,000 users at random kept it nearly empty.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use lru::LruCache;
use serde_json::Value;

use crate::domain::app::App;
use crate::domain::user::UserWithDevices;

/// The budget of a cache unless it is given another: apps, keys and signing keys are few.
const DEFAULT_BUDGET: usize = 4 << 20;

/// The users cache's budget: about 24,000 users of a few hundred bytes of fields each.
pub(super) const USERS_BUDGET: usize = 16 << 20;

/// Bytes an entry costs besides its value and key: the LRU node and the table slot.
const ENTRY_OVERHEAD: usize = 96;

/// An estimate of the heap memory a cached value holds, for the budget.
pub(super) trait Weigh {
    fn weight(&self) -> usize;
}

#[derive(Debug)]
struct Entries<V> {
    lru: LruCache<String, (Arc<V>, usize)>,
    bytes: usize,
}

#[derive(Debug)]
pub(super) struct ReadCache<V> {
    generation: AtomicU64,
    budget: usize,
    entries: Mutex<Entries<V>>,
}

impl<V> Default for ReadCache<V> {
    fn default() -> Self {
        Self::with_budget(DEFAULT_BUDGET)
    }
}

impl<V> ReadCache<V> {
    pub(super) fn with_budget(budget: usize) -> Self {
        Self {
            generation: AtomicU64::new(0),
            budget,
            entries: Mutex::new(Entries {
                lru: LruCache::unbounded(),
                bytes: 0,
            }),
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<Arc<V>> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.lru.get(key).map(|(value, _)| Arc::clone(value))
    }

    /// Read before reading the database; pass to [`Self::insert_if_current`].
    pub(super) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Call after committing a write that may change the value cached under `key` only. Reads
    /// under way for any key are not cached (the generation moves), which is safe and rare.
    pub(super) fn invalidate_key(&self, key: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some((_, weight)) = entries.lru.pop(key) {
            entries.bytes -= weight;
        }
    }

    /// Call after committing a write that may change a cached value.
    pub(super) fn invalidate(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.lru.clear();
        entries.bytes = 0;
    }
}

impl<V: Weigh> ReadCache<V> {
    /// Keeps `value` unless the cache was invalidated since `generation` was read, evicting
    /// the least recently used entries past the budget.
    pub(super) fn insert_if_current(&self, generation: u64, key: &str, value: Arc<V>) {
        // Weighed before the lock: every reader of the cache waits on it.
        let weight = ENTRY_OVERHEAD + key.len() + value.weight();
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        entries.bytes += weight;
        if let Some((_, (_, replaced))) = entries.lru.push(key.to_owned(), (value, weight)) {
            entries.bytes -= replaced;
        }
        while entries.bytes > self.budget {
            match entries.lru.pop_lru() {
                Some((_, (_, evicted))) => entries.bytes -= evicted,
                None => break,
            }
        }
    }
}

/// A string's heap block, allocator overhead included.
fn text(value: &str) -> usize {
    16 + value.len()
}

fn json(value: &Value) -> usize {
    match value {
        Value::String(string) => 24 + text(string),
        Value::Array(items) => 48 + items.iter().map(json).sum::<usize>(),
        Value::Object(map) => object(map),
        _ => 24,
    }
}

fn object(map: &serde_json::Map<String, Value>) -> usize {
    64 + map
        .iter()
        .map(|(name, value)| 48 + text(name) + json(value))
        .sum::<usize>()
}

impl Weigh for UserWithDevices {
    fn weight(&self) -> usize {
        let user = &self.user;
        let fields = [
            &user.id,
            &user.app_id,
            &user.email,
            &user.phone,
            &user.external_id,
        ];
        let devices: usize = self
            .devices
            .iter()
            .map(|device| {
                std::mem::size_of_val(device)
                    + text(&device.id)
                    + text(&device.user_id)
                    + text(&device.cred_id)
                    + 16
                    + device.public_key.len()
                    + text(&device.aaguid)
                    + text(&device.friendly_name)
                    + device
                        .transports
                        .iter()
                        .map(|t| 24 + text(t))
                        .sum::<usize>()
            })
            .sum();
        let connections: usize = self
            .social_connections
            .iter()
            .map(|connection| {
                std::mem::size_of_val(connection)
                    + text(&connection.provider_id)
                    + text(&connection.provider_identifier)
            })
            .sum();
        let events: usize = self
            .recent_events
            .iter()
            .map(|event| {
                std::mem::size_of_val(event)
                    + [
                        &event.id,
                        &event.app_id,
                        &event.user_id,
                        &event.event_type,
                        &event.identifier,
                        &event.client.ip_addr,
                        &event.client.user_agent,
                    ]
                    .iter()
                    .map(|field| text(field))
                    .sum::<usize>()
            })
            .sum();
        std::mem::size_of::<Self>()
            + 16
            + events
            + fields.iter().map(|field| text(field)).sum::<usize>()
            + user.user_metadata.as_ref().map_or(0, object)
            + devices
            + connections
    }
}

/// Apps carry settings, a metadata schema and a public key: a few kilobytes, counted whole.
impl Weigh for App {
    fn weight(&self) -> usize {
        4 << 10
    }
}

impl Weigh for std::collections::HashSet<String> {
    fn weight(&self) -> usize {
        64 + self.iter().map(|hash| 16 + text(hash)).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Weigh for &str {
        fn weight(&self) -> usize {
            0
        }
    }

    impl Weigh for usize {
        fn weight(&self) -> usize {
            0
        }
    }

    #[test]
    fn a_read_overtaken_by_an_invalidation_is_not_cached() {
        let cache = ReadCache::<&str>::default();
        let before = cache.generation();
        cache.invalidate();
        cache.insert_if_current(before, "app", Arc::new("stale"));
        assert!(cache.get("app").is_none());
        let now = cache.generation();
        cache.insert_if_current(now, "app", Arc::new("fresh"));
        assert_eq!(cache.get("app").as_deref(), Some(&"fresh"));
        cache.invalidate();
        assert!(cache.get("app").is_none());
    }

    /// A write to one key removes that key only, and keeps reads racing it out of the cache.
    #[test]
    fn a_write_to_one_key_leaves_the_others() {
        let cache = ReadCache::<&str>::default();
        let before = cache.generation();
        cache.insert_if_current(before, "ada", Arc::new("ada"));
        cache.insert_if_current(before, "bob", Arc::new("bob"));
        cache.invalidate_key("ada");
        assert!(cache.get("ada").is_none());
        assert_eq!(cache.get("bob").as_deref(), Some(&"bob"));
        cache.insert_if_current(before, "ada", Arc::new("stale"));
        assert!(
            cache.get("ada").is_none(),
            "a read that began before the write"
        );
    }

    /// Full, it keeps what was read lately and lets the least recently used entries go.
    #[test]
    fn it_stays_within_its_budget_and_keeps_what_is_read() {
        // Keys of one byte: each entry weighs ENTRY_OVERHEAD + 1.
        let cache = ReadCache::<usize>::with_budget(10 * (ENTRY_OVERHEAD + 1));
        for n in 0..10 {
            cache.insert_if_current(cache.generation(), &n.to_string(), Arc::new(n));
        }
        assert_eq!(cache.get("0").as_deref(), Some(&0));
        cache.insert_if_current(cache.generation(), "a", Arc::new(10));
        let entries = cache.entries.lock().unwrap();
        assert_eq!(entries.lru.len(), 10);
        assert_eq!(entries.bytes, 10 * (ENTRY_OVERHEAD + 1));
        drop(entries);
        assert_eq!(cache.get("0").as_deref(), Some(&0), "read lately, kept");
        assert!(cache.get("1").is_none(), "least recently used, evicted");
        assert_eq!(cache.get("a").as_deref(), Some(&10));
        cache.invalidate_key("a");
        assert_eq!(
            cache.entries.lock().unwrap().bytes,
            9 * (ENTRY_OVERHEAD + 1)
        );
    }

    /// A user's weight grows with what it holds, so a user with large metadata takes the room
    /// of several small ones.
    #[test]
    fn users_weigh_what_they_hold() {
        let user = crate::domain::user::User {
            id: "u".repeat(24),
            app_id: "a".repeat(24),
            email: "ada@example.com".into(),
            phone: String::new(),
            external_id: String::new(),
            status: crate::domain::user::UserStatus::Active,
            email_verified: false,
            phone_verified: false,
            user_metadata: None,
            login_count: 0,
            last_login_at: crate::domain::timestamp::Timestamp(0),
            created_at: crate::domain::timestamp::Timestamp(0),
            updated_at: crate::domain::timestamp::Timestamp(0),
        };
        let small = UserWithDevices {
            user,
            devices: Vec::new(),
            social_connections: Vec::new(),
            recent_events: Vec::new(),
        };
        let mut large = small.clone();
        let mut metadata = serde_json::Map::new();
        metadata.insert("bio".into(), Value::String("x".repeat(10_000)));
        large.user.user_metadata = Some(metadata);
        assert!((300..1_000).contains(&small.weight()), "{}", small.weight());
        assert!(large.weight() > 10_000 + small.weight());
    }
}

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
//! Each cache holds at most [`CAPACITY`] entries and evicts the least recently used one to
//! make room (the `lru` crate): with more users than that, the ones being read stay. It used
//! to empty itself whole when full, so reading 100,000 users at random kept it nearly empty.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use lru::LruCache;

/// Entries kept; the least recently used goes to make room. A user with a few devices is
/// about a kilobyte, so the users cache stays near 10 MiB at most.
const CAPACITY: NonZeroUsize = NonZeroUsize::new(10_000).unwrap();

#[derive(Debug)]
pub(super) struct ReadCache<V> {
    generation: AtomicU64,
    entries: Mutex<LruCache<String, Arc<V>>>,
}

impl<V> Default for ReadCache<V> {
    fn default() -> Self {
        Self {
            generation: AtomicU64::new(0),
            entries: Mutex::new(LruCache::new(CAPACITY)),
        }
    }
}

impl<V> ReadCache<V> {
    pub(super) fn get(&self, key: &str) -> Option<Arc<V>> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.get(key).cloned()
    }

    /// Read before reading the database; pass to [`Self::insert_if_current`].
    pub(super) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps `value` unless the cache was invalidated since `generation` was read.
    pub(super) fn insert_if_current(&self, generation: u64, key: &str, value: Arc<V>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        entries.put(key.to_owned(), value);
    }

    /// Call after committing a write that may change the value cached under `key` only. Reads
    /// under way for any key are not cached (the generation moves), which is safe and rare.
    pub(super) fn invalidate_key(&self, key: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.pop(key);
    }

    /// Call after committing a write that may change a cached value.
    pub(super) fn invalidate(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// Full, it keeps what was read lately and lets the least recently used entry go.
    #[test]
    fn it_stays_bounded_and_keeps_what_is_read() {
        let cache = ReadCache::<usize>::default();
        let capacity = CAPACITY.get();
        for n in 0..capacity {
            cache.insert_if_current(cache.generation(), &n.to_string(), Arc::new(n));
        }
        assert_eq!(cache.get("0").as_deref(), Some(&0));
        cache.insert_if_current(cache.generation(), "new", Arc::new(capacity));
        assert_eq!(cache.entries.lock().unwrap().len(), capacity);
        assert_eq!(cache.get("0").as_deref(), Some(&0), "read lately, kept");
        assert!(cache.get("1").is_none(), "least recently used, evicted");
        assert_eq!(cache.get("new").as_deref(), Some(&capacity));
    }
}

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

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Entries beyond this are not kept (the cache is cleared and refills with what is hot).
const CAPACITY: usize = 10_000;

#[derive(Debug)]
pub(super) struct ReadCache<V> {
    generation: AtomicU64,
    entries: Mutex<HashMap<String, Arc<V>>>,
}

impl<V> Default for ReadCache<V> {
    fn default() -> Self {
        Self {
            generation: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<V> ReadCache<V> {
    pub(super) fn get(&self, key: &str) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
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
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key.to_owned(), value);
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

    #[test]
    fn it_stays_bounded() {
        let cache = ReadCache::<usize>::default();
        for n in 0..=CAPACITY {
            cache.insert_if_current(cache.generation(), &n.to_string(), Arc::new(n));
        }
        assert_eq!(cache.entries.lock().unwrap().len(), 1);
        assert_eq!(cache.get(&CAPACITY.to_string()).as_deref(), Some(&CAPACITY));
    }
}

//! The request journal: the last N calls to the Passage APIs (and the emulator calls that
//! change state), with their bodies, for a person or a test to read back, as WireMock's request
//! journal and mock-oauth2-server's `takeRequest()` allow. Knows no axum: the HTTP side
//! (`http::journal`) hands it finished exchanges.
//!
//! Bounded twice: by entry count (`--journal-size`, default 1,000) and by the bytes of the
//! bodies it holds ([`BODY_BUDGET`]), the oldest entries going first; each body is cut at
//! [`BODY_LIMIT`].

mod entry;
mod filter;
mod redact;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;

pub use entry::{Api, Body, Entry, JournalEntry, app_id_of, id_of, split_target};
pub use filter::{Filter, StatusFilter};
pub use redact::redact_json;

/// Default `--journal-size`.
pub const DEFAULT_SIZE: usize = 1_000;
/// Each stored body is cut here (and flagged as cut).
pub const BODY_LIMIT: usize = 64 * 1024;
/// The bodies of all entries together stay under this; beyond it the oldest entries go, so a
/// full journal of cut bodies costs a few MB (measured: benches/journal.py), not 1,000 x
/// 128 KiB.
pub const BODY_BUDGET: usize = 4 * 1024 * 1024;

/// The ring and its subscribers.
#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    redact: bool,
    next_seq: AtomicU64,
    ring: Mutex<Ring>,
    arrivals: broadcast::Sender<Arc<Entry>>,
}

#[derive(Debug, Default)]
struct Ring {
    entries: VecDeque<Arc<Entry>>,
    body_bytes: usize,
}

impl Journal {
    /// `capacity` 0 turns the journal off; `redact` masks secrets in bodies before storing.
    pub fn new(capacity: usize, redact: bool) -> Self {
        let (arrivals, _) = broadcast::channel(256);
        Self {
            capacity,
            redact,
            next_seq: AtomicU64::new(1),
            ring: Mutex::new(Ring::default()),
            arrivals,
        }
    }

    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    pub fn redacts(&self) -> bool {
        self.redact
    }

    /// The next entry's number (its id is `req_` + this, in arrival order).
    pub fn next_seq(&self) -> u64 {
        self.next_seq.fetch_add(1, Ordering::Relaxed)
    }

    /// Keeps `entry`, dropping the oldest beyond the count or the body budget, and tells the
    /// streams.
    pub fn record(&self, entry: Entry) {
        if !self.enabled() {
            return;
        }
        let entry = Arc::new(entry);
        {
            let mut ring = self
                .ring
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            ring.body_bytes += entry.body_bytes();
            ring.entries.push_back(entry.clone());
            while ring.entries.len() > self.capacity
                || (ring.body_bytes > BODY_BUDGET && ring.entries.len() > 1)
            {
                if let Some(oldest) = ring.entries.pop_front() {
                    ring.body_bytes -= oldest.body_bytes();
                }
            }
        }
        if self.arrivals.receiver_count() > 0 {
            let _ = self.arrivals.send(entry);
        }
    }

    /// Newest first, those `filter` keeps, at most its limit.
    pub fn list(&self, filter: &Filter) -> Vec<Arc<Entry>> {
        let ring = self
            .ring
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        ring.entries
            .iter()
            .rev()
            .filter(|entry| filter.keeps(entry))
            .take(filter.limit)
            .cloned()
            .collect()
    }

    pub fn get(&self, id: &str) -> Option<Arc<Entry>> {
        let seq: u64 = id.strip_prefix("req_")?.parse().ok()?;
        let ring = self
            .ring
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        ring.entries.iter().find(|entry| entry.seq == seq).cloned()
    }

    /// Forgets every entry; answers how many there were.
    pub fn clear(&self) -> usize {
        let mut ring = self
            .ring
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let count = ring.entries.len();
        *ring = Ring::default();
        count
    }

    /// Entries as they are recorded, for the event stream.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Entry>> {
        self.arrivals.subscribe()
    }
}

#[cfg(test)]
mod tests;

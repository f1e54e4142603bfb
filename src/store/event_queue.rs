//! Events waiting to be written. A ceremony records its event here, in memory, and the user
//! loader's task ([`super::user_loader`]) writes what has gathered in one statement
//! [`GATHER`] later (on a connection of its own when the database is a file).
//!
//! Written with each ceremony's own statements, events cost 12-16% of a passkey ceremony's
//! and a magic link's CPU (docs/PERFORMANCE.md): an insert into a table with four indexes and
//! an update through one, each its own commit, so more WAL pages and checkpoints. In a batch
//! a ceremony's start and finish are usually one row, and many rows share one commit.
//!
//! Nothing reads around the queue: a user's recent events are the stored ones merged with
//! those waiting here ([`EventQueue::merged`]), and every other read of events (the event
//! list, one event, export, snapshots, reset) first waits for the queue to be written
//! (`Store::flush_events`). The write and the loads of users are one task's work, so a user
//! is never read from the database between a batch's commit and the batch leaving the queue.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;

use super::events::EventFlow;
use crate::domain::events::{Action, Client, RECENT_EVENTS, UserEvent};
use crate::domain::ids::time_ordered_id;
use crate::domain::social::Provider;
use crate::domain::timestamp::Timestamp;
use crate::domain::user::UserWithDevices;

/// How long the first event of a batch waits for others before the batch is written. Each
/// batch writes a page of the user index per user in it, whatever its size: at 20 ms events
/// still cost the magic-link loop 5% of its throughput, at 100 ms 2.5%.
pub(super) const GATHER: Duration = Duration::from_millis(100);

/// An event as the batch's JSON carries it to SQLite (`json_each`).
#[derive(Debug, Clone, Serialize)]
pub(super) struct Pending {
    id: String,
    app_id: String,
    user_id: String,
    flow_id: Option<String>,
    #[serde(rename = "type")]
    event_type: String,
    action: Action,
    ip_addr: String,
    user_agent: String,
    social_login_type: Option<Provider>,
    created_at: i64,
    completed_at: Option<i64>,
    /// A finish whose start is not waiting here (already written, or never recorded): it
    /// completes the stored event of its ceremony, and is stored itself only if there is none.
    completes: bool,
}

impl Pending {
    fn new(flow: &EventFlow<'_>, event_type: String, now: Timestamp, done: bool) -> Self {
        Self {
            id: time_ordered_id(now.0),
            app_id: flow.app_id.to_owned(),
            user_id: flow.user_id.to_owned(),
            flow_id: flow.flow_id.map(str::to_owned),
            event_type,
            action: flow.action,
            ip_addr: flow.client.ip_addr.clone(),
            user_agent: flow.client.user_agent.clone(),
            social_login_type: flow.social_login_type,
            created_at: now.0,
            completed_at: done.then_some(now.0),
            completes: done && flow.flow_id.is_some(),
        }
    }

    /// The event as a user's recent events show it; `identifier` is the user's now (what the
    /// write will record).
    fn to_event(&self, identifier: &str) -> UserEvent {
        UserEvent {
            id: self.id.clone(),
            app_id: self.app_id.clone(),
            user_id: self.user_id.clone(),
            flow_id: self.flow_id.clone(),
            event_type: self.event_type.clone(),
            action: self.action,
            identifier: identifier.to_owned(),
            client: Client {
                ip_addr: self.ip_addr.clone(),
                user_agent: self.user_agent.clone(),
            },
            social_login_type: self.social_login_type,
            created_at: Timestamp(self.created_at),
            completed_at: self.completed_at.map(Timestamp),
        }
    }
}

#[derive(Debug, Default)]
struct Queue {
    events: Vec<Pending>,
    /// The first `writing` events are being written: a finish no longer changes them.
    writing: usize,
}

/// A batch being written: every event, and the finishes of ceremonies whose start was
/// written before, as JSON arrays.
#[derive(Debug)]
pub(super) struct Batch {
    pub(super) count: usize,
    pub(super) events: String,
    pub(super) completions: String,
}

#[derive(Debug, Default)]
pub(super) struct EventQueue {
    queue: Mutex<Queue>,
    /// Wakes the writer when the first event of a batch arrives, and when a write leaves
    /// events behind (they arrived during it, found the queue not empty and woke nobody).
    pub(super) arrived: tokio::sync::Notify,
    /// How many events wait: read without the lock by [`Self::merged`], written under it.
    waiting: AtomicUsize,
}

impl EventQueue {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn push(&self, event: Pending) {
        let mut queue = self.lock();
        queue.events.push(event);
        self.waiting.store(queue.events.len(), Ordering::Release);
        if queue.events.len() == 1 {
            self.arrived.notify_one();
        }
    }

    /// A ceremony started for a known user: its incomplete event.
    pub(super) fn started(&self, flow: &EventFlow<'_>, now: Timestamp) {
        let initiated = flow.method.initiated(flow.action);
        self.push(Pending::new(flow, initiated, now, false));
    }

    /// A ceremony finished: it completes the event its start recorded, else records a complete
    /// one. When the start still waits here, the two are one row.
    pub(super) fn finished(&self, flow: &EventFlow<'_>, now: Timestamp) {
        let completed = flow.method.completed(flow.action);
        let mut queue = self.lock();
        let writing = queue.writing;
        if let Some(flow_id) = flow.flow_id {
            let start = queue.events[writing..].iter_mut().find(|event| {
                event.flow_id.as_deref() == Some(flow_id)
                    && event.app_id == flow.app_id
                    && event.user_id == flow.user_id
            });
            if let Some(start) = start {
                if start.completed_at.is_none() {
                    start.event_type = completed;
                    start.completed_at = Some(now.0);
                }
                return;
            }
        }
        drop(queue);
        self.push(Pending::new(flow, completed, now, true));
    }

    pub(super) fn is_empty(&self) -> bool {
        self.waiting.load(Ordering::Acquire) == 0
    }

    /// The events waiting now, to write (none: `None`); [`Self::written`] takes them out once
    /// committed.
    pub(super) fn batch(&self) -> Result<Option<Batch>, serde_json::Error> {
        let mut queue = self.lock();
        if queue.events.is_empty() {
            return Ok(None);
        }
        queue.writing = queue.events.len();
        let completions: Vec<&Pending> = queue
            .events
            .iter()
            .filter(|event| event.completes)
            .collect();
        Ok(Some(Batch {
            count: queue.events.len(),
            events: serde_json::to_string(&queue.events)?,
            completions: serde_json::to_string(&completions)?,
        }))
    }

    /// The batch's first `count` events are written (or lost with the error logged): they
    /// leave the queue, and `written` is called for each of their users (who leave the users
    /// cache) under the queue's lock, so that no reader sees them neither stored nor waiting.
    pub(super) fn written(&self, count: usize, mut written: impl FnMut(&str)) {
        let mut queue = self.lock();
        for event in &queue.events[..count] {
            written(&event.user_id);
        }
        queue.events.drain(..count);
        queue.writing = 0;
        self.waiting.store(queue.events.len(), Ordering::Release);
        if !queue.events.is_empty() {
            self.arrived.notify_one();
        }
    }

    /// `user` (as read from the cache or the database by `read`) with the events waiting for
    /// it among its recent events. `read` runs under the queue's lock: a batch written
    /// meanwhile cannot leave the queue between the read and the merge.
    ///
    /// With no event waiting, `read` alone, without the lock (every `GET user` comes here): an
    /// event that leaves the queue has evicted its user from the cache first ([`Self::written`]),
    /// so a read that finds the queue empty finds the user without it, or read again with it.
    pub(super) fn merged(
        &self,
        read: impl FnOnce() -> Option<Arc<UserWithDevices>>,
    ) -> Option<Arc<UserWithDevices>> {
        if self.is_empty() {
            return read();
        }
        let queue = self.lock();
        let found = read()?;
        let mut waiting = queue
            .events
            .iter()
            .filter(|event| event.user_id == found.user.id && event.app_id == found.user.app_id)
            .peekable();
        if waiting.peek().is_none() {
            return Some(found);
        }
        let mut user = UserWithDevices::clone(&found);
        let identifier = [&user.user.email, &user.user.phone]
            .into_iter()
            .find(|value| !value.is_empty())
            .unwrap_or(&user.user.external_id)
            .clone();
        for event in waiting {
            merge(&mut user.recent_events, event, &identifier);
        }
        user.recent_events
            .sort_by(|a, b| (b.created_at.0, &b.id).cmp(&(a.created_at.0, &a.id)));
        user.recent_events.truncate(RECENT_EVENTS as usize);
        Some(Arc::new(user))
    }
}

/// What writing `event` does to a user's recent events: the same as the batch's statements
/// (an insert ignored when its ceremony has an event; a finish completing that event).
fn merge(recent: &mut Vec<UserEvent>, event: &Pending, identifier: &str) {
    let same_flow = event.flow_id.as_ref().and_then(|flow_id| {
        recent
            .iter_mut()
            .find(|stored| stored.flow_id.as_deref() == Some(flow_id.as_str()))
    });
    match same_flow {
        Some(stored) => {
            if event.completes && stored.completed_at.is_none() {
                stored.event_type.clone_from(&event.event_type);
                stored.completed_at = event.completed_at.map(Timestamp);
            }
        }
        None => recent.push(event.to_event(identifier)),
    }
}

#[cfg(test)]
#[path = "event_queue_tests.rs"]
mod tests;

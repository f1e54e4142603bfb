//! The one source of time. Every timestamp the emulator writes or compares, and every expiry
//! it checks, comes from [`Clock::now`], so tests can move time instead of sleeping.
//!
//! The clock is the system clock plus an offset that `POST /_emulator/clock` sets; time keeps
//! flowing after a move. Clones share the offset.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use time::{Duration, OffsetDateTime};

use crate::domain::timestamp::Timestamp;

#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Microseconds added to the system clock.
    offset_micros: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    pub fn now(&self) -> OffsetDateTime {
        let offset = Duration::microseconds(self.offset_micros.load(Ordering::Relaxed));
        OffsetDateTime::now_utc().saturating_add(offset)
    }

    /// `now()` as the store writes and compares it.
    pub fn timestamp(&self) -> Timestamp {
        Timestamp::from_datetime(self.now())
    }

    /// Moves time forward (or back, with a negative amount).
    pub fn advance(&self, by: Duration) {
        let micros = i64::try_from(by.whole_microseconds()).unwrap_or(i64::MAX);
        self.offset_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Makes `now()` read `at` from this moment on.
    pub fn set(&self, at: OffsetDateTime) {
        let offset = at - OffsetDateTime::now_utc();
        let micros = i64::try_from(offset.whole_microseconds()).unwrap_or(i64::MAX);
        self.offset_micros.store(micros, Ordering::Relaxed);
    }

    /// Back to the system clock.
    pub fn reset(&self) {
        self.offset_micros.store(0, Ordering::Relaxed);
    }

    /// Puts the clock `by` away from the system clock (what [`Self::offset`] answered).
    pub fn set_offset(&self, by: Duration) {
        let micros = i64::try_from(by.whole_microseconds()).unwrap_or(i64::MAX);
        self.offset_micros.store(micros, Ordering::Relaxed);
    }

    /// How far the clock is from the system clock.
    pub fn offset(&self) -> Duration {
        Duration::microseconds(self.offset_micros.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_and_returns() {
        let clock = Clock::system();
        let shared = clock.clone();
        clock.advance(Duration::hours(2));
        let ahead = shared.now() - OffsetDateTime::now_utc();
        assert!(ahead > Duration::minutes(119) && ahead < Duration::minutes(121));
        let target = time::macros::datetime!(2030-01-01 00:00 UTC);
        clock.set(target);
        assert!((shared.now() - target).abs() < Duration::seconds(1));
        clock.reset();
        assert_eq!(shared.offset(), Duration::ZERO);
    }
}

//! The one source of time. Every timestamp the emulator writes or compares comes from
//! [`Clock::now`], so that a later change can make time controllable in one place.

use time::OffsetDateTime;

#[derive(Debug, Clone, Default)]
pub struct Clock;

impl Clock {
    pub fn system() -> Self {
        Self
    }

    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

//! Timestamps: stored as integer microseconds since the Unix epoch (so SQL can compare and
//! order them), written as RFC 3339 in UTC as Passage's Go backend did.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Microseconds since the Unix epoch; in JSON an RFC 3339 string (see the `Serialize` impl).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, utoipa::ToSchema)]
#[schema(value_type = String, format = DateTime)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Go's zero `time.Time` (`0001-01-01T00:00:00Z`).
    ///
    /// Emulator: Passage's schemas require `last_login_at` to be a valid date-time even for a
    /// user or device never used to log in; strict clients (pydantic, serde, Go) reject `null`.
    /// Passage's Go backend would have serialised its zero time, so the emulator does too.
    pub const NEVER: Timestamp = Timestamp(-62_135_596_800_000_000);

    pub fn from_datetime(at: OffsetDateTime) -> Self {
        Self((at.unix_timestamp_nanos() / 1_000) as i64)
    }

    /// This time plus a span (whole microseconds).
    pub fn plus(self, span: time::Duration) -> Self {
        let micros = span.whole_microseconds();
        let micros = i64::try_from(micros).unwrap_or(if micros < 0 { i64::MIN } else { i64::MAX });
        Self(self.0.saturating_add(micros))
    }

    pub fn datetime(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// RFC 3339 in UTC, e.g. `2024-05-26T15:46:11.123456Z`.
    pub fn to_rfc3339(self) -> String {
        self.datetime()
            .format(&Rfc3339)
            .unwrap_or_else(|_| "0001-01-01T00:00:00Z".to_owned())
    }

    /// Parses any RFC 3339 date-time (the list-users filters document
    /// `2006-01-02T15:04:05.000000Z`).
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        OffsetDateTime::parse(text, &Rfc3339)
            .ok()
            .map(|at| Self::from_datetime(at.to_offset(UtcOffset::UTC)))
    }

    /// Whole seconds since the epoch.
    pub fn unix_seconds(self) -> i64 {
        self.0.div_euclid(1_000_000)
    }

    pub fn from_unix_seconds(seconds: i64) -> Self {
        Self(seconds.saturating_mul(1_000_000))
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse_rfc3339(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("`{text}` is not an RFC 3339 date-time"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_is_go_zero_time() {
        assert_eq!(Timestamp::NEVER.to_rfc3339(), "0001-01-01T00:00:00Z");
    }

    #[test]
    fn round_trips_microseconds() {
        let parsed = Timestamp::parse_rfc3339("2006-01-02T15:04:05.123456Z").unwrap();
        assert_eq!(parsed.to_rfc3339(), "2006-01-02T15:04:05.123456Z");
        assert_eq!(parsed.unix_seconds(), 1_136_214_245);
        let offset = Timestamp::parse_rfc3339("2006-01-02T16:04:05.123456+01:00").unwrap();
        assert_eq!(offset, parsed);
    }
}

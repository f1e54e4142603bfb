//! One journaled exchange, as kept (raw bytes, cheap to record) and as shown (JSON).

use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;

use super::BODY_LIMIT;
use crate::domain::timestamp::Timestamp;

/// Which face a request reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Api {
    Management,
    Auth,
    Emulator,
}

impl Api {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "management" => Some(Self::Management),
            "auth" => Some(Self::Auth),
            "emulator" => Some(Self::Emulator),
            _ => None,
        }
    }
}

/// A request or response body: at most [`BODY_LIMIT`] bytes of it, and whether it was cut.
#[derive(Debug, Clone, Default)]
pub struct Body {
    bytes: Bytes,
    truncated: bool,
}

impl Body {
    /// Keeps the first [`BODY_LIMIT`] bytes. A cut body is copied, so the journal does not hold
    /// the whole original allocation.
    pub fn new(bytes: Bytes) -> Self {
        if bytes.len() > BODY_LIMIT {
            Self {
                bytes: Bytes::copy_from_slice(&bytes[..BODY_LIMIT]),
                truncated: true,
            }
        } else {
            Self {
                bytes,
                truncated: false,
            }
        }
    }

    /// As [`Body::new`], always copying: a request body's bytes may be a slice of hyper's read
    /// buffer, which keeping would pin (a whole buffer per entry).
    pub fn copied(bytes: &[u8]) -> Self {
        Self::new(Bytes::copy_from_slice(
            &bytes[..bytes.len().min(BODY_LIMIT)],
        ))
        .with_truncation(bytes.len() > BODY_LIMIT)
    }

    fn with_truncation(mut self, truncated: bool) -> Self {
        self.truncated |= truncated;
        self
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// JSON when the body is JSON, else its text (lossy UTF-8), else null when empty.
    pub fn to_value(&self) -> Value {
        if self.bytes.is_empty() {
            return Value::Null;
        }
        if !self.truncated
            && let Ok(value) = serde_json::from_slice::<Value>(&self.bytes)
        {
            return value;
        }
        Value::String(String::from_utf8_lossy(&self.bytes).into_owned())
    }
}

/// A finished exchange, kept in the form that costs least to record: the path and query in one
/// small copy (not a clone of the request's `Uri`, whose bytes share hyper's read buffer and
/// would pin it), ids and app ids worked out when read.
#[derive(Debug, Clone)]
pub struct Entry {
    pub seq: u64,
    pub time: Timestamp,
    pub method: http::Method,
    /// Path and query as this emulator names them (`/api/v1/...`, `/auth/v1/...`), also for a
    /// request that arrived as `/v1/...` under Host routing.
    pub target: Box<str>,
    pub status: u16,
    /// The Passage error code of an error answer.
    pub code: Option<String>,
    pub duration_ms: f64,
    pub api: Api,
    pub user_agent: Option<Box<str>>,
    pub request_body: Body,
    pub response_body: Body,
    /// The fault that answered instead of the emulator, if one did.
    pub fault: Option<String>,
}

/// `req_` and the entry's number.
pub fn id_of(seq: u64) -> String {
    format!("req_{seq}")
}

/// The path and the query string of a request target (`/path?query`).
pub fn split_target(target: &str) -> (&str, Option<&str>) {
    match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    }
}

/// The `{app_id}` of a path `.../apps/{app_id}/...`.
pub fn app_id_of(path: &str) -> Option<&str> {
    let mut segments = path.split('/');
    segments.find(|segment| *segment == "apps")?;
    segments.next().filter(|id| !id.is_empty())
}

impl Entry {
    pub fn body_bytes(&self) -> usize {
        self.request_body.len() + self.response_body.len()
    }

    pub fn path(&self) -> &str {
        self.target
            .split_once('?')
            .map_or(&self.target, |(path, _)| path)
    }

    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, query)| query)
    }

    pub fn app_id(&self) -> Option<&str> {
        app_id_of(self.path())
    }

    pub fn to_dto(&self) -> JournalEntry {
        JournalEntry {
            id: id_of(self.seq),
            time: self.time,
            method: self.method.to_string(),
            path: self.path().to_owned(),
            query: self.query().map(str::to_owned),
            status: self.status,
            code: self.code.clone(),
            duration_ms: self.duration_ms,
            api: self.api,
            app_id: self.app_id().map(str::to_owned),
            user_agent: self.user_agent.as_deref().map(str::to_owned),
            request_body: self.request_body.to_value(),
            request_body_truncated: self.request_body.truncated(),
            response_body: self.response_body.to_value(),
            response_body_truncated: self.response_body.truncated(),
            fault: self.fault.clone(),
        }
    }
}

/// An entry of `GET /_emulator/requests`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JournalEntry {
    pub id: String,
    pub time: Timestamp,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub status: u16,
    pub code: Option<String>,
    pub duration_ms: f64,
    pub api: Api,
    pub app_id: Option<String>,
    pub user_agent: Option<String>,
    pub request_body: Value,
    pub request_body_truncated: bool,
    pub response_body: Value,
    pub response_body_truncated: bool,
    pub fault: Option<String>,
}

//! Fault injection: rules that make matching Passage API calls fail on purpose (an error
//! status, a delay, a dropped connection), as WireMock's faults and Mailpit's chaos settings
//! let a test see how an app survives its provider failing. Knows no axum: `http::exchange`
//! asks [`Faults::take`] what to do with each call.

mod glob;
#[cfg(test)]
mod tests;

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use glob::Glob;

/// Longest `delay_ms` a fault may ask for.
pub const MAX_DELAY_MS: u64 = 60_000;
/// Most faults kept at once.
pub const MAX_FAULTS: usize = 1_000;

/// `POST /_emulator/faults`, as sent.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFault {
    #[serde(default)]
    pub method: Option<String>,
    pub path: String,
    #[serde(default)]
    pub app_id: Option<String>,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub body: Option<Value>,
    #[serde(default)]
    pub delay_ms: u64,
    #[serde(default)]
    pub drop: bool,
    /// How many calls it answers; `null` for every call until it is removed.
    #[serde(default = "one", deserialize_with = "nullable")]
    pub times: Option<u64>,
    /// How many matching calls it lets through first.
    #[serde(default)]
    pub after: u64,
}

fn one() -> Option<u64> {
    Some(1)
}

fn nullable<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    Option::<u64>::deserialize(deserializer)
}

/// A fault as stored and shown: what was asked, and how many answers it has left.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Fault {
    pub id: String,
    pub method: Option<String>,
    pub path: String,
    pub app_id: Option<String>,
    pub status: Option<u16>,
    pub body: Option<Value>,
    pub delay_ms: u64,
    pub drop: bool,
    pub times: Option<u64>,
    pub after: u64,
    /// Answers left; `null` when it has no end.
    pub remaining: Option<u64>,
    #[serde(skip)]
    glob: Glob,
    /// Matching calls let through so far (for `after`).
    #[serde(skip)]
    passed: u64,
}

/// What a matched fault does to one call.
#[derive(Debug, Clone, PartialEq)]
pub struct Injection {
    pub fault_id: String,
    pub delay_ms: u64,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Close the connection with no answer.
    Drop,
    /// Answer this status (and body, if one was given).
    Answer { status: u16, body: Option<Value> },
    /// Serve the call as usual (after the delay).
    Serve,
}

impl NewFault {
    /// Checks every field; the error names the one at fault.
    pub fn validate(self, id: String) -> Result<Fault, String> {
        if !(self.path.starts_with("/api/v1/") || self.path.starts_with("/auth/v1/")) {
            return Err(format!(
                "path: `{}` must start with /api/v1/ or /auth/v1/ (the emulator's names of the two Passage APIs)",
                self.path
            ));
        }
        let glob = Glob::parse(&self.path)?;
        let method = match self.method {
            Some(method)
                if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) =>
            {
                return Err(format!("method: `{method}` is not an HTTP method"));
            }
            other => other.map(|method| method.to_ascii_uppercase()),
        };
        if let Some(status) = self.status
            && !(100..=599).contains(&status)
        {
            return Err(format!("status: {status} is not between 100 and 599"));
        }
        if self.body.is_some() && self.status.is_none() {
            return Err("body: a body needs a status to answer with".into());
        }
        if self.drop && self.status.is_some() {
            return Err("drop: a dropped connection has no status; give one or the other".into());
        }
        if self.delay_ms > MAX_DELAY_MS {
            return Err(format!(
                "delay_ms: {} is more than {MAX_DELAY_MS}",
                self.delay_ms
            ));
        }
        if self.times == Some(0) {
            return Err("times: must be 1 or more, or null for every call".into());
        }
        Ok(Fault {
            id,
            method,
            path: self.path,
            app_id: self.app_id,
            status: self.status,
            body: self.body,
            delay_ms: self.delay_ms,
            drop: self.drop,
            times: self.times,
            after: self.after,
            remaining: self.times,
            glob,
            passed: 0,
        })
    }
}

impl Fault {
    fn matches(&self, method: &str, path: &str, app_id: Option<&str>) -> bool {
        self.method.as_deref().is_none_or(|wanted| wanted == method)
            && self
                .app_id
                .as_deref()
                .is_none_or(|wanted| app_id == Some(wanted))
            && self.glob.matches(path)
    }
}

/// The faults in force, oldest first (the first that matches a call decides).
#[derive(Debug, Default)]
pub struct Faults {
    faults: Mutex<Vec<Fault>>,
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        self.faults
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    pub fn add(&self, fault: Fault) -> Result<Fault, String> {
        let mut faults = self.lock();
        if faults.len() >= MAX_FAULTS {
            return Err(format!(
                "at most {MAX_FAULTS} faults at once: remove some first"
            ));
        }
        faults.push(fault.clone());
        Ok(fault)
    }

    pub fn list(&self) -> Vec<Fault> {
        self.lock().clone()
    }

    pub fn remove(&self, id: &str) -> bool {
        let mut faults = self.lock();
        let before = faults.len();
        faults.retain(|fault| fault.id != id);
        faults.len() < before
    }

    pub fn clear(&self) -> usize {
        std::mem::take(&mut *self.lock()).len()
    }

    /// What to do with this call, if a fault matches it: the first matching fault counts it
    /// (let through while `after` lasts, else one of its `times`, removed when they run out).
    pub fn take(&self, method: &str, path: &str, app_id: Option<&str>) -> Option<Injection> {
        let mut faults = self.lock();
        if faults.is_empty() {
            return None;
        }
        let index = faults
            .iter()
            .position(|fault| fault.matches(method, path, app_id))?;
        let fault = &mut faults[index];
        if fault.passed < fault.after {
            fault.passed += 1;
            return None;
        }
        let injection = Injection {
            fault_id: fault.id.clone(),
            delay_ms: fault.delay_ms,
            action: match (fault.drop, fault.status) {
                (true, _) => Action::Drop,
                (false, Some(status)) => Action::Answer {
                    status,
                    body: fault.body.clone(),
                },
                (false, None) => Action::Serve,
            },
        };
        if let Some(remaining) = fault.remaining.as_mut() {
            *remaining -= 1;
            if *remaining == 0 {
                faults.remove(index);
            }
        }
        Some(injection)
    }
}

//! Which entries a reader asked for: `app_id`, `api`, `method`, `status` (`401` or a class
//! like `4xx`), `path` (substring), `limit`.

use super::{Api, Entry};

/// Default `limit` of a listing.
pub const DEFAULT_LIMIT: usize = 100;

/// An exact status or a class (`4` for `4xx`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Exact(u16),
    Class(u16),
}

impl StatusFilter {
    /// `401` or `4xx` (any case); None for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().to_ascii_lowercase();
        if let Some(class) = text.strip_suffix("xx") {
            return match class.parse::<u16>() {
                Ok(digit @ 1..=5) => Some(Self::Class(digit)),
                _ => None,
            };
        }
        match text.parse::<u16>() {
            Ok(status @ 100..=599) => Some(Self::Exact(status)),
            _ => None,
        }
    }

    fn keeps(self, status: u16) -> bool {
        match self {
            Self::Exact(wanted) => status == wanted,
            Self::Class(class) => status / 100 == class,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Filter {
    pub app_id: Option<String>,
    pub api: Option<Api>,
    /// Upper case.
    pub method: Option<String>,
    pub status: Option<StatusFilter>,
    pub path: Option<String>,
    pub limit: usize,
}

impl Default for Filter {
    fn default() -> Self {
        Self {
            app_id: None,
            api: None,
            method: None,
            status: None,
            path: None,
            limit: DEFAULT_LIMIT,
        }
    }
}

impl Filter {
    pub fn keeps(&self, entry: &Entry) -> bool {
        self.app_id
            .as_deref()
            .is_none_or(|app_id| entry.app_id() == Some(app_id))
            && self.api.is_none_or(|api| entry.api == api)
            && self
                .method
                .as_deref()
                .is_none_or(|method| entry.method.as_str() == method)
            && self.status.is_none_or(|status| status.keeps(entry.status))
            && self
                .path
                .as_deref()
                .is_none_or(|part| entry.path().contains(part))
    }
}

//! State shared by every handler.

use std::sync::Arc;

use crate::clock::Clock;
use crate::store::Store;

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Clock,
    /// SHA-256 of the `--admin-key`, compared like an API key hash.
    pub admin_key_hash: Arc<str>,
    /// `--cors-any-origin`: the Auth API answers every origin.
    pub cors_any_origin: bool,
}

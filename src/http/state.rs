//! State shared by every handler.

use std::sync::Arc;

use tokio::sync::watch;

use crate::clock::Clock;
use crate::relay::SmtpRelay;
use crate::store::Store;
use crate::tls::CaCell;

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Clock,
    /// SHA-256 of the `--admin-key`, compared like an API key hash.
    pub admin_key_hash: Arc<str>,
    /// `--smtp-relay`: where captured email is copied to, if anywhere.
    pub relay: Option<SmtpRelay>,
    /// `--cors-any-origin`: the Auth API answers every origin.
    pub cors_any_origin: bool,
    /// The local CA in `--data-dir`, made or loaded at first use.
    pub ca: Arc<CaCell>,
    /// Turns `true` when the server starts shutting down: long polls and event streams end, so
    /// that graceful shutdown does not wait for them.
    pub shutdown: watch::Receiver<bool>,
}

impl AppState {
    /// Resolves once shutdown has begun.
    pub async fn stopping(&self) {
        let mut shutdown = self.shutdown.clone();
        let _ = shutdown.wait_for(|stopping| *stopping).await;
    }
}

//! State shared by every handler.

use std::sync::Arc;

use time::Duration;
use tokio::sync::watch;

use crate::clock::Clock;
use crate::domain::app::App;
use crate::domain::tokens::{self, AuthTokenClaims, SigningKey};
use crate::faults::Faults;
use crate::journal::Journal;
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
    /// The hosts requests may name, and the origins state-changing calls may come from.
    pub allowed_hosts: Arc<super::guard::AllowedHosts>,
    /// The built-in default app's fixture, when no --fixtures were given: reset reloads it.
    pub builtin_fixtures: Option<Arc<crate::domain::fixtures::FixtureFile>>,
    /// `--cors-any-origin`: the Auth API answers every origin.
    pub cors_any_origin: bool,
    /// The local CA in `--data-dir`, made or loaded at first use.
    pub ca: Arc<CaCell>,
    /// The request journal (`--journal-size`, `--journal-redact`).
    pub journal: Arc<Journal>,
    /// Faults injected through `/_emulator/faults`.
    pub faults: Arc<Faults>,
    /// The Apple and Google stand-ins' ID-token keys.
    pub provider_keys: Arc<crate::domain::provider_tokens::ProviderKeys>,
    /// `--inbox-size`: how many messages the inbox keeps, newest first.
    pub inbox_size: u64,
    /// `--latency`: added to every Passage API answer.
    pub latency: std::time::Duration,
    /// What the web console is told about this emulator (`GET /_emulator/info`).
    pub info: Arc<EmulatorInfo>,
    /// Turns `true` when the server starts shutting down: long polls and event streams end, so
    /// that graceful shutdown does not wait for them.
    pub shutdown: watch::Receiver<bool>,
}

/// The emulator's addresses and keys, for the web console: the same facts as the ready file,
/// plus the admin key the console uses for the Management API's console operations.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EmulatorInfo {
    pub version: &'static str,
    #[serde(flatten)]
    pub ready: crate::ready::Ready,
    pub admin_key: String,
}

impl AppState {
    /// The app's published signing keys: the active one and those retired within one session
    /// length, so every token still valid can be checked. What the JWKS shows, and what auth
    /// tokens are verified against.
    pub async fn published_keys(&self, app: &App) -> Result<Vec<SigningKey>, sqlx::Error> {
        let grace = Duration::seconds(app.settings.session_timeout_length);
        let since = self.clock.timestamp().plus(-grace);
        self.store.published_signing_keys(&app.id, since).await
    }

    /// Checks an auth token of `app` against its published keys at the emulator's time: its
    /// claims, or why not.
    pub async fn verify_auth_token(
        &self,
        app: &App,
        token: &str,
    ) -> Result<Result<AuthTokenClaims, String>, sqlx::Error> {
        let keys = self.published_keys(app).await?;
        let now = self.clock.timestamp().unix_seconds();
        Ok(tokens::verify(token, &keys, &app.id, now))
    }

    /// Deletes what expired more than a minute ago on the emulator's clock (the minute spares
    /// a request that read a row just before it lapsed), the oldest user events past the
    /// newest 100,000 and passkey readiness reports past the newest 10,000. Runs every
    /// minute and whenever the clock is moved.
    pub async fn sweep(&self) -> Result<u64, sqlx::Error> {
        let before = self.clock.timestamp().plus(Duration::seconds(-60));
        Ok(self.store.sweep_expired(before).await?
            + self.store.trim_events().await?
            + self.store.trim_readiness_reports().await?)
    }

    /// Resolves once shutdown has begun.
    pub async fn stopping(&self) {
        let mut shutdown = self.shutdown.clone();
        let _ = shutdown.wait_for(|stopping| *stopping).await;
    }
}

//! Building and running the server.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::fixtures::{DEFAULT_FIXTURE, FixtureFile};
use crate::domain::ids::hash_secret;
use crate::http::{self, AppState};
use crate::journal::Journal;
use crate::ready::Ready;
use crate::relay::SmtpRelay;
use crate::seed;
use crate::store::Store;
use crate::tls::{CaCell, Tls};

/// A bound, migrated, seeded server, ready to serve.
pub struct Application {
    listener: TcpListener,
    /// `--tls-listen` and `--proxy-listen`, when given.
    tls: Option<Tls>,
    state: AppState,
    shutdown: watch::Sender<bool>,
    local_addr: SocketAddr,
    app_ids: Vec<String>,
    /// What the banner, `exec` and `--ready-file` tell the programs around the emulator.
    ready: Ready,
    ready_file: Option<std::path::PathBuf>,
    /// `--export-on-exit`: where the state goes at a graceful stop.
    export_on_exit: Option<std::path::PathBuf>,
    /// `--header-timeout`, `--body-timeout`, `--max-connections`.
    limits: http::server::Limits,
}

/// Why the emulator could not start: the store, the fixtures, a listener, TLS or the relay.
/// Each displays as one line for the person starting it; causes are kept as sources.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] crate::store::OpenError),
    /// A fixture file that cannot be read or is not valid (the message names the file).
    #[error(transparent)]
    Fixtures(crate::domain::fixtures::FixtureError),
    #[error("cannot load fixtures: {0}")]
    Seed(#[from] seed::SeedError),
    #[error("cannot read the apps: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Relay(crate::relay::RelayUrlError),
    /// The local CA, the certificate or a TLS or proxy listener.
    #[error("{0}")]
    Tls(#[source] Arc<crate::tls::TlsError>),
    #[error("cannot resolve --data-dir: {0}")]
    DataDir(#[source] std::io::Error),
}

impl Application {
    /// Opens and migrates the database, loads fixtures, binds the listener (port 0 picks a
    /// free one). Errors display as messages for the person starting it.
    pub async fn build(config: Config) -> Result<Self, StartError> {
        crate::domain::jwt_provider::install();
        let store = Store::open(&config.database, !config.without_events).await?;
        let clock = Clock::system();
        let builtin = config.fixtures.is_empty();
        let files = if builtin {
            vec![
                FixtureFile::parse("fixtures/default.json (built in)", DEFAULT_FIXTURE)
                    .map_err(StartError::Fixtures)?,
            ]
        } else {
            config
                .fixtures
                .iter()
                .map(|path| FixtureFile::read(path))
                .collect::<Result<_, _>>()
                .map_err(StartError::Fixtures)?
        };
        for file in &files {
            seed::load_fixtures(&store, &clock, file).await?;
        }
        let app_ids = store.app_ids().await?;
        // Emulator: the app a wrapped command or a helper is handed is the first app of the
        // fixtures (the default app without any), else the first the database holds; its key
        // is that fixture's first API key, else the admin key, which every app accepts.
        let first_fixture_app = files.iter().flat_map(|file| &file.apps).next();
        let default_app = match first_fixture_app {
            Some(app) => Some((
                app.id.clone(),
                app.api_keys
                    .first()
                    .map_or_else(|| config.admin_key.clone(), |key| key.key.clone()),
            )),
            None => app_ids
                .first()
                .map(|id| (id.clone(), config.admin_key.clone())),
        };
        let listen = |source| StartError::Listen {
            address: config.listen.clone(),
            source,
        };
        let listener = TcpListener::bind(&config.listen).await.map_err(listen)?;
        let local_addr = listener.local_addr().map_err(listen)?;
        let relay = config
            .smtp_relay
            .as_deref()
            .map(SmtpRelay::from_url)
            .transpose()
            .map_err(StartError::Relay)?;
        let ca = Arc::new(CaCell::new(config.data_dir.clone()));
        let tls = Tls::bind(&config, &ca, local_addr)
            .await
            .map_err(StartError::Tls)?;
        let ca_file = match &tls {
            Some(_) => Some(
                std::path::absolute(config.data_dir.join("ca.pem")).map_err(StartError::DataDir)?,
            ),
            None => None,
        };
        let ready = Ready::new(
            local_addr,
            default_app,
            tls.as_ref().and_then(|tls| tls.https_addr),
            tls.as_ref().and_then(|tls| tls.proxy_addr),
            ca_file,
        );
        // Reset restores the built-in default app as it was; fixtures given with --fixtures
        // are the user's to reload.
        let builtin_fixtures = match builtin {
            true => files.into_iter().next().map(Arc::new),
            false => None,
        };
        let (shutdown, stopping) = watch::channel(false);
        let state = AppState {
            store,
            clock,
            admin_key_hash: Arc::from(hash_secret(&config.admin_key)),
            relay,
            allowed_hosts: Arc::new(http::AllowedHosts::new(
                &config.allowed_hosts,
                &config.tls_names,
            )),
            cors_any_origin: config.cors_any_origin,
            builtin_fixtures,
            ca,
            journal: Arc::new(Journal::new(config.journal_size, config.journal_redact)),
            faults: Arc::new(crate::faults::Faults::default()),
            provider_keys: Arc::new(crate::domain::provider_tokens::ProviderKeys::default()),
            latency: std::time::Duration::from_millis(config.latency),
            inbox_size: config.inbox_size,
            info: Arc::new(http::EmulatorInfo {
                version: env!("CARGO_PKG_VERSION"),
                ready: ready.clone(),
                admin_key: config.admin_key.clone(),
            }),
            shutdown: stopping,
        };
        Ok(Self {
            listener,
            tls,
            state,
            shutdown,
            local_addr,
            app_ids,
            ready,
            ready_file: config.ready_file,
            export_on_exit: config.export_on_exit,
            limits: http::server::Limits {
                header_timeout: std::time::Duration::from_secs(config.header_timeout),
                body_timeout: std::time::Duration::from_secs(config.body_timeout),
                max_connections: usize::try_from(config.max_connections).unwrap_or(usize::MAX),
            },
        })
    }

    /// Addresses, the app to use and its key, as `exec` and `--ready-file` hand them on.
    pub fn ready(&self) -> &Ready {
        &self.ready
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn port(&self) -> u16 {
        self.local_addr.port()
    }

    /// Where `--tls-listen` serves HTTPS, if it was given.
    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.tls.as_ref().and_then(|tls| tls.https_addr)
    }

    /// Where `--proxy-listen` answers CONNECT, if it was given.
    pub fn proxy_addr(&self) -> Option<SocketAddr> {
        self.tls.as_ref().and_then(|tls| tls.proxy_addr)
    }

    /// Tells the person who started the emulator where everything is.
    pub fn log_banner(&self) {
        let base = format!("http://{}", self.local_addr);
        tracing::info!("passage-emulator listening on {base}");
        tracing::info!("  Management API: {base}/api/v1  (Authorization: Bearer <API key>)");
        tracing::info!("  Auth API:       {base}/auth/v1");
        tracing::info!("  Emulator API:   {base}/_emulator  (health: {base}/_emulator/health)");
        tracing::info!(
            "  Inbox:          {base}/_emulator/inbox  (every email and SMS; codes and links are logged below too)"
        );
        tracing::info!(
            "  Requests:       {base}/_emulator/requests  (the journal; live: {base}/_emulator/requests/stream)"
        );
        tracing::info!("  Hosts api.passage.id and auth.passage.id are served under /v1");
        if let Some(addr) = self.tls_addr() {
            tracing::info!("  HTTPS:          https://{addr}  (local CA: {base}/_emulator/ca.pem)");
        }
        if let Some(addr) = self.proxy_addr() {
            tracing::info!(
                "  HTTPS proxy:    http://{addr}  (CONNECT api.passage.id:443, auth.passage.id:443)"
            );
        }
        for app_id in &self.app_ids {
            tracing::info!("  app {app_id}: {base}/api/v1/apps/{app_id}");
        }
    }

    /// Serves until `shutdown` resolves, lets in-flight requests finish, writes the state to
    /// `--export-on-exit` if given, then closes the database so that everything acknowledged
    /// is on disk. The ready file, if asked for, is
    /// written as serving starts (the listener is bound, so a request made on reading it
    /// waits in the backlog at worst) and removed at the end.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let ready_file = self.ready_file;
        if let Some(path) = &ready_file {
            self.ready.write(path).map_err(std::io::Error::other)?;
        }
        let store = self.state.store.clone();
        let clock = self.state.clock.clone();
        let mut stopping = self.state.shutdown.clone();
        let sweeper = tokio::spawn(sweep_every_minute(self.state.clone()));
        let service = crate::router::service(self.state);
        let limits = self.limits;
        let notify = self.shutdown;
        let shutdown = async move {
            shutdown.await;
            let _ = notify.send(true);
        };
        let https = self.tls.map(|tls| {
            let service = service.clone();
            tokio::spawn(async move {
                let stopped = async move {
                    let _ = stopping.wait_for(|stopping| *stopping).await;
                };
                http::server::serve(tls.run(), service, limits, stopped).await;
            })
        });
        http::server::serve(self.listener, service, limits, shutdown).await;
        if let Some(https) = https {
            let _ = https.await;
        }
        sweeper.abort();
        let exported = match &self.export_on_exit {
            Some(path) => crate::export::write_file(&store, clock.timestamp(), path).await,
            None => Ok(()),
        };
        store.close().await;
        if let Some(path) = ready_file {
            let _ = std::fs::remove_file(path);
        }
        exported
    }
}

/// Deletes expired rows every minute (of wall time; what counts as expired follows the
/// emulator's clock), until the server stops.
async fn sweep_every_minute(state: AppState) {
    let mut ticks = tokio::time::interval(std::time::Duration::from_secs(60));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {
                if let Err(error) = state.sweep().await {
                    tracing::warn!("sweeping expired rows failed: {error}");
                }
            }
            () = state.stopping() => return,
        }
    }
}

//! Command line and environment. Every flag has a `PASSAGE_EMULATOR_*` twin so that
//! containers and CI scripts can configure the emulator without a command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// The parsed command line: an optional subcommand and the server configuration.
#[derive(Debug, Parser)]
#[command(name = "passage-emulator", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ask a running emulator at --listen for GET /_emulator/health; exit 0 when it answers 200.
    /// Used by the Docker HEALTHCHECK, which has no curl in its image.
    Health,
    /// Print the local CA certificate (PEM) that signs the emulator's TLS certificates, making
    /// it in --data-dir if there is none yet. Trust it with NODE_EXTRA_CA_CERTS, SSL_CERT_FILE,
    /// REQUESTS_CA_BUNDLE or the system store.
    Ca,
}

/// Everything `Application::build` needs.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on (host:port). Port 0 picks a free port.
    #[arg(
        long,
        global = true,
        env = "PASSAGE_EMULATOR_LISTEN",
        default_value = "127.0.0.1:7277"
    )]
    pub listen: String,

    /// SQLite database file, created if missing; `:memory:` keeps everything in memory.
    #[arg(
        long,
        env = "PASSAGE_EMULATOR_DATABASE",
        default_value = ".passage-emulator/emulator.db"
    )]
    pub database: String,

    /// Fixture file (JSON) to load at start; repeat the flag for several. Without any, the
    /// built-in default app (fixtures/default.json) is loaded. The environment variable takes a
    /// comma-separated list.
    #[arg(
        long = "fixtures",
        env = "PASSAGE_EMULATOR_FIXTURES",
        value_delimiter = ','
    )]
    pub fixtures: Vec<PathBuf>,

    /// Key that authorises the console endpoints (POST /apps, API keys, metadata schema) and
    /// every app's Management API, where Passage used a console session.
    #[arg(
        long,
        env = "PASSAGE_EMULATOR_ADMIN_KEY",
        default_value = "emulator-admin-key"
    )]
    pub admin_key: String,

    /// Also deliver every captured email to this SMTP server, e.g. `smtp://127.0.0.1:1025` for
    /// Mailpit. The inbox keeps its copy either way.
    #[arg(long, env = "PASSAGE_EMULATOR_SMTP_RELAY")]
    pub smtp_relay: Option<String>,

    /// Let the Auth API answer CORS requests from any origin, not only each app's auth origins.
    #[arg(long, env = "PASSAGE_EMULATOR_CORS_ANY_ORIGIN")]
    pub cors_any_origin: bool,

    /// Folder for the local CA (`ca.pem`, `ca.key`), made on first use.
    #[arg(
        long,
        global = true,
        env = "PASSAGE_EMULATOR_DATA_DIR",
        default_value = ".passage-emulator"
    )]
    pub data_dir: PathBuf,

    /// Also serve HTTPS here (host:port), with a certificate from the local CA for localhost,
    /// 127.0.0.1, auth.passage.id, api.passage.id and every --tls-name. Same routes and Host
    /// routing as plain HTTP.
    #[arg(long, env = "PASSAGE_EMULATOR_TLS_LISTEN")]
    pub tls_listen: Option<String>,

    /// Another name (DNS name or IP address) for the TLS certificate; repeat for several.
    #[arg(
        long = "tls-name",
        env = "PASSAGE_EMULATOR_TLS_NAMES",
        value_delimiter = ','
    )]
    pub tls_names: Vec<String>,

    /// Also run an HTTPS proxy here (host:port): CONNECT to api.passage.id:443 or
    /// auth.passage.id:443 reaches the emulator over TLS from the local CA; anything else is
    /// refused with 403. For SDKs that honour HTTPS_PROXY (Go, Python, Rust).
    #[arg(long, env = "PASSAGE_EMULATOR_PROXY_LISTEN")]
    pub proxy_listen: Option<String>,

    /// Log format: `text` for people, `json` for CI log collectors.
    #[arg(long, env = "PASSAGE_EMULATOR_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl Config {
    /// A configuration for tests: a free port on loopback, an in-memory database, the
    /// default app.
    pub fn ephemeral() -> Self {
        Self {
            listen: "127.0.0.1:0".into(),
            database: ":memory:".into(),
            fixtures: Vec::new(),
            admin_key: "emulator-admin-key".into(),
            smtp_relay: None,
            cors_any_origin: false,
            data_dir: PathBuf::from(".passage-emulator"),
            tls_listen: None,
            tls_names: Vec::new(),
            proxy_listen: None,
            log_format: LogFormat::Text,
        }
    }
}

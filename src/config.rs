//! Command line and environment. Every flag has a `PASSAGE_EMULATOR_*` twin so that
//! containers and CI scripts can configure the emulator without a command line.

use std::path::PathBuf;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

/// The parsed command line: an optional subcommand and the server configuration.
#[derive(Debug, Parser)]
// A flag given twice takes its last value, so a helper can put its defaults first and its
// caller's arguments after them.
#[command(name = "passage-emulator", version, about, long_about = None, args_override_self = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

impl Cli {
    /// Parses the process's arguments, exiting with clap's usage error (status 2) on bad input.
    /// `exec` gets its own defaults (`--listen 127.0.0.1:0`, `--database :memory:`), shown in
    /// its `--help`: a wrapped test command wants a fresh emulator on a free port.
    pub fn parse_args() -> Self {
        Self::parse_from_args(std::env::args_os())
    }

    pub fn parse_from_args<I, T>(args: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let command = Self::command().mut_subcommand("exec", |exec| {
            exec.args_override_self(true)
                .mut_arg("listen", |arg| arg.default_value("127.0.0.1:0"))
                .mut_arg("database", |arg| arg.default_value(":memory:"))
        });
        command
            .try_get_matches_from(args)
            .and_then(|matches| Self::from_arg_matches(&matches))
            .unwrap_or_else(|error| exit_with(error))
    }
}

/// Help and version print as clap prints them; a usage error is one line on stderr and exit
/// status 2, so a script's log shows what was wrong without clap's usage block.
fn exit_with(error: clap::Error) -> ! {
    if !error.use_stderr() {
        error.exit();
    }
    let rendered = error.render().to_string();
    let message: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|line| !line.is_empty() && !line.starts_with("Usage:"))
        .collect();
    eprintln!("passage-emulator: {} (see --help)", message.join(" "));
    std::process::exit(2);
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ask a running emulator for GET /_emulator/health; exit 0 when it answers 200.
    /// Used by the Docker HEALTHCHECK, which has no curl in its image.
    Health(HealthArgs),
    /// Print the local CA certificate (PEM) that signs the emulator's TLS certificates, making
    /// it in --data-dir if there is none yet. Trust it with NODE_EXTRA_CA_CERTS, SSL_CERT_FILE,
    /// REQUESTS_CA_BUNDLE or the system store.
    Ca(CaArgs),
    /// Start a fresh emulator, run CMD with PASSAGE_EMULATOR_URL, PASSAGE_AUTH_URL,
    /// PASSAGE_MGMT_URL, PASSAGE_APP_ID and PASSAGE_API_KEY set (and PASSAGE_EMULATOR_TLS_ADDR,
    /// PASSAGE_EMULATOR_PROXY_URL, PASSAGE_EMULATOR_CA_FILE when TLS or the proxy is on), stop
    /// the emulator when CMD ends and exit with CMD's status. SIGINT and SIGTERM are passed on.
    #[command(after_help = "Example: passage-emulator exec --fixtures ci.json -- npm test")]
    Exec(Box<ExecArgs>),
}

/// `passage-emulator health`.
#[derive(Debug, Clone, clap::Args)]
pub struct HealthArgs {
    /// The address (host:port) of the running emulator to probe; 0.0.0.0 and [::] are probed
    /// on loopback.
    #[arg(
        long,
        env = "PASSAGE_EMULATOR_LISTEN",
        default_value = "127.0.0.1:7277",
        value_name = "ADDRESS"
    )]
    pub listen: String,

    /// The ready file a running emulator writes (--ready-file): when it exists, the address it
    /// names, the one the emulator actually serves, is probed instead of --listen.
    #[arg(long, env = "PASSAGE_EMULATOR_READY_FILE", value_name = "PATH")]
    pub ready_file: Option<PathBuf>,
}

/// `passage-emulator ca`.
#[derive(Debug, Clone, clap::Args)]
pub struct CaArgs {
    /// Folder of the local CA (`ca.pem`, `ca.key`), made on first use.
    #[arg(
        long,
        env = "PASSAGE_EMULATOR_DATA_DIR",
        default_value = ".passage-emulator"
    )]
    pub data_dir: PathBuf,
}

/// `passage-emulator exec [serve flags] [--] CMD [ARGS...]`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExecArgs {
    #[command(flatten)]
    pub config: Config,

    /// The command to run, and its arguments.
    #[arg(
        required = true,
        trailing_var_arg = true,
        num_args = 1..,
        value_name = "CMD"
    )]
    pub command: Vec<std::ffi::OsString>,
}

/// Everything `Application::build` needs.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on (host:port). Port 0 picks a free port.
    #[arg(
        long,
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
        env = "PASSAGE_EMULATOR_DATA_DIR",
        default_value = ".passage-emulator"
    )]
    pub data_dir: PathBuf,

    /// Also serve HTTPS here (host:port), with a certificate from the local CA for localhost,
    /// 127.0.0.1, auth.passage.id, api.passage.id and every --tls-name. Same routes and Host
    /// routing as plain HTTP.
    #[arg(long, env = "PASSAGE_EMULATOR_TLS_LISTEN")]
    pub tls_listen: Option<String>,

    /// A host name requests may use besides IP addresses, localhost, the Passage hosts and the
    /// --tls-names (a guard against DNS rebinding): a name, `.example.test` for it and its
    /// subdomains, or `*` for any. Repeat for several; the environment variable takes a
    /// comma-separated list.
    #[arg(
        long = "allowed-host",
        env = "PASSAGE_EMULATOR_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    pub allowed_hosts: Vec<String>,

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

    /// Log only warnings and errors (no banner, no request lines, no captured codes).
    /// `RUST_LOG`, when set, decides instead.
    #[arg(long, env = "PASSAGE_EMULATOR_QUIET")]
    pub quiet: bool,

    /// Milliseconds added to every Passage API answer, to see an app's spinners and timeouts.
    #[arg(
        long,
        env = "PASSAGE_EMULATOR_LATENCY",
        default_value_t = 0,
        value_name = "MS",
        value_parser = clap::value_parser!(u64).range(0..=60_000)
    )]
    pub latency: u64,

    /// Seconds a client has to send a request's headers, from the moment its connection waits
    /// for a request: a half-sent request, and a keep-alive connection idle that long, are
    /// closed.
    #[arg(
        long,
        env = "PASSAGE_EMULATOR_HEADER_TIMEOUT",
        default_value_t = 10,
        value_name = "SECONDS",
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub header_timeout: u64,

    /// Seconds a request body may go without sending a byte before the request fails.
    #[arg(
        long,
        env = "PASSAGE_EMULATOR_BODY_TIMEOUT",
        default_value_t = 30,
        value_name = "SECONDS",
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub body_timeout: u64,

    /// Connections served at once on each listener; more clients wait to be accepted.
    #[arg(
        long,
        env = "PASSAGE_EMULATOR_MAX_CONNECTIONS",
        default_value_t = 1024,
        value_name = "N",
        value_parser = clap::value_parser!(u64).range(1..=65536)
    )]
    pub max_connections: u64,

    /// How many messages the inbox keeps; the oldest go first.
    #[arg(
        long,
        env = "PASSAGE_EMULATOR_INBOX_SIZE",
        default_value_t = 10_000,
        value_name = "N",
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub inbox_size: u64,

    /// How many requests the journal (GET /_emulator/requests) keeps, newest first; 0 turns
    /// it off. Bodies are cut at 64 KiB and all bodies together kept under 4 MiB.
    #[arg(
        long,
        env = "PASSAGE_EMULATOR_JOURNAL_SIZE",
        default_value_t = crate::journal::DEFAULT_SIZE,
        value_name = "N"
    )]
    pub journal_size: usize,

    /// Mask API keys, tokens, passcodes and links inside journaled bodies (they are kept as
    /// they are by default: tests read them back). The Authorization header is never kept.
    #[arg(long, env = "PASSAGE_EMULATOR_JOURNAL_REDACT")]
    pub journal_redact: bool,

    /// Once serving, write the emulator's addresses, default app id and API key to this file
    /// as JSON (replaced atomically, removed at a clean stop). Test helpers read it to find a
    /// port-0 emulator; `passage-emulator health` probes the address it names.
    #[arg(long, env = "PASSAGE_EMULATOR_READY_FILE", value_name = "PATH")]
    pub ready_file: Option<PathBuf>,

    /// At a graceful stop, write the whole state (every app with its settings, API keys by
    /// hash, signing keys, metadata schema, users and passkeys, and the virtual authenticators
    /// with their keys) to this file as a fixture document, which `--fixtures` loads back (as
    /// Firebase's `--export-on-exit`). The file holds private keys: it is made readable by its
    /// owner only.
    #[arg(long, env = "PASSAGE_EMULATOR_EXPORT_ON_EXIT", value_name = "PATH")]
    pub export_on_exit: Option<PathBuf>,

    /// Stop gracefully when standard input reaches end of file, so that a test helper holding
    /// the pipe never leaves the emulator behind, even when the helper is killed.
    #[arg(long)]
    pub exit_on_stdin_close: bool,

    /// Record no user events: for the benchmarks that measure what events cost, side by side
    /// with and without them. Not a command-line option: without events the emulator's
    /// `recent_events` and event list stay empty, which Passage's never did.
    #[arg(skip)]
    pub without_events: bool,
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
            allowed_hosts: Vec::new(),
            proxy_listen: None,
            log_format: LogFormat::Text,
            quiet: false,
            latency: 0,
            journal_size: crate::journal::DEFAULT_SIZE,
            inbox_size: 10_000,
            header_timeout: 10,
            body_timeout: 30,
            max_connections: 1024,
            journal_redact: false,
            ready_file: None,
            export_on_exit: None,
            exit_on_stdin_close: false,
            without_events: false,
        }
    }
}

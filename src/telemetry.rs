//! Logging set-up. `RUST_LOG` overrides the default filter.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Where log lines go: standard output for a server run on its own; standard error under
/// `exec`, so that the wrapped command's output stays its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogTarget {
    Stdout,
    Stderr,
}

/// Whether logs are JSON: events meant for people (request lines, captured codes) then carry
/// their values as fields; as text they are one readable line without the fields repeated.
static JSON: AtomicBool = AtomicBool::new(false);

pub fn json_logs() -> bool {
    JSON.load(Ordering::Relaxed)
}

/// The default filter: at info, the banner, one line per Passage API request and every
/// captured message; `--quiet`, warnings and errors only.
fn default_filter(quiet: bool) -> &'static str {
    if quiet {
        "warn"
    } else {
        "info,sqlx=warn,tower_http=warn"
    }
}

/// Installs the global subscriber; later calls (tests) are ignored. `RUST_LOG` overrides the
/// default filter and `--quiet`.
pub fn init(format: LogFormat, target: LogTarget, quiet: bool) {
    JSON.store(format == LogFormat::Json, Ordering::Relaxed);
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter(quiet)));
    // Colours only on a terminal: a log file or a CI log gets plain text.
    let ansi = match target {
        LogTarget::Stdout => std::io::stdout().is_terminal(),
        LogTarget::Stderr => std::io::stderr().is_terminal(),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi);
    let _ = match (format, target) {
        (LogFormat::Text, LogTarget::Stdout) => builder.try_init(),
        (LogFormat::Json, LogTarget::Stdout) => builder.json().try_init(),
        (LogFormat::Text, LogTarget::Stderr) => builder.with_writer(std::io::stderr).try_init(),
        (LogFormat::Json, LogTarget::Stderr) => {
            builder.json().with_writer(std::io::stderr).try_init()
        }
    };
}

//! The `passage-emulator` binary: parse the configuration, start logging, serve.

#![forbid(unsafe_code)]

use clap::Parser;
use passage_emulator::config::{Cli, Command};
use passage_emulator::{Application, health_check, telemetry};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Health) => return health_check(&cli.config.listen).await,
        Some(Command::Ca) => return print_ca(&cli.config.data_dir),
        None => {}
    }
    telemetry::init(cli.config.log_format);
    let application = match Application::build(cli.config).await {
        Ok(application) => application,
        Err(error) => {
            tracing::error!("{error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    application.log_banner();
    match application.run_until_stopped(shutdown_signal()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("server error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `passage-emulator ca`: the local CA certificate on stdout.
fn print_ca(data_dir: &std::path::Path) -> std::process::ExitCode {
    match passage_emulator::tls::LocalCa::load_or_create(data_dir) {
        Ok(ca) => {
            print!("{}", ca.cert_pem());
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("passage-emulator ca: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Resolves on SIGINT or SIGTERM, so in-flight requests finish and the database closes cleanly.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

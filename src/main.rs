//! The `passage-emulator` binary: parse the configuration, start logging, serve.

#![forbid(unsafe_code)]

use passage_emulator::config::{Cli, Command};
use passage_emulator::signals::Signals;
use passage_emulator::telemetry::{self, LogTarget};
use passage_emulator::{Application, exec, health_check};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse_args();
    match cli.command {
        Some(Command::Health(args)) => health_check(&args).await,
        Some(Command::Ca(args)) => print_ca(&args.data_dir),
        Some(Command::Exec(args)) => {
            telemetry::init(args.config.log_format, LogTarget::Stderr, args.config.quiet);
            let args = *args;
            exec::run(args.config, args.command).await
        }
        None => serve(cli.config).await,
    }
}

/// The emulator on its own, until SIGINT, SIGTERM or (with `--exit-on-stdin-close`) the end of
/// standard input.
async fn serve(config: passage_emulator::config::Config) -> std::process::ExitCode {
    telemetry::init(config.log_format, LogTarget::Stdout, config.quiet);
    let watch_stdin = config.exit_on_stdin_close;
    let application = match Application::build(config).await {
        Ok(application) => application,
        Err(error) => {
            tracing::error!("{error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let shutdown = shutdown_signal(watch_stdin);
    application.log_banner();
    match application.run_until_stopped(shutdown).await {
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

/// Resolves on SIGINT or SIGTERM (or, when asked, once standard input is closed), so
/// in-flight requests finish and the database closes cleanly. The handlers are installed here,
/// before the banner is printed (see `signals`).
fn shutdown_signal(watch_stdin: bool) -> impl std::future::Future<Output = ()> {
    let signals = Signals::install();
    async move {
        let signalled = async {
            match signals {
                Ok(mut signals) => {
                    signals.next().await;
                }
                Err(error) => {
                    tracing::warn!("cannot watch signals: {error}");
                    std::future::pending::<()>().await;
                }
            }
        };
        let stdin_closed = async {
            if watch_stdin {
                stdin_eof().await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            () = signalled => {},
            () = stdin_closed => tracing::info!("standard input closed"),
        }
        tracing::info!("shutting down");
    }
}

/// Resolves once standard input reaches its end (or a read error). The blocking read runs on
/// a thread of its own, not tokio's blocking pool: the runtime waits for its pool's tasks when
/// it shuts down, so a read pending there would hold a SIGTERM-ed emulator open.
async fn stdin_eof() {
    let (closed, on_close) = tokio::sync::oneshot::channel::<()>();
    let reader = std::thread::Builder::new()
        .name("stdin-watch".into())
        .spawn(move || {
            use std::io::Read;
            let mut stdin = std::io::stdin().lock();
            let mut buffer = [0u8; 256];
            while let Ok(read) = stdin.read(&mut buffer) {
                if read == 0 {
                    break;
                }
            }
            let _ = closed.send(());
        });
    match reader {
        Ok(_) => {
            let _ = on_close.await;
        }
        Err(error) => {
            tracing::warn!("cannot watch standard input: {error}");
            std::future::pending::<()>().await;
        }
    }
}

//! `passage-emulator exec [serve flags] [--] CMD [ARGS...]`, as `firebase emulators:exec`:
//! a fresh emulator for the length of one command. The emulator runs in this process; the
//! command gets its addresses, app id and API key as environment variables (see
//! [`Ready::environment`]) and this process exits with the command's status.

use std::ffi::OsString;
use std::process::{ExitCode, ExitStatus};

use tokio::process::{Child, Command};
use tokio::sync::oneshot;

use crate::app::Application;
use crate::config::Config;
use crate::ready::Ready;
use crate::signals::{Received, Signals};

/// The status of a command that could not be started, as shells use it.
const CANNOT_RUN: u8 = 127;

/// Starts the emulator, runs `command` against it, stops the emulator gracefully once the
/// command ends. A start failure is one line on stderr and status 1.
pub async fn run(config: Config, command: Vec<OsString>) -> ExitCode {
    let Some((program, arguments)) = command.split_first() else {
        eprintln!("passage-emulator exec: no command given (see --help)");
        return ExitCode::from(2);
    };
    // Installed first: a SIGINT or SIGTERM from here on is passed on to the command (one that
    // arrives before the command starts reaches it as soon as it runs), never the default kill.
    let signals = match Signals::install() {
        Ok(signals) => signals,
        Err(error) => {
            eprintln!("passage-emulator exec: cannot watch signals: {error}");
            return ExitCode::FAILURE;
        }
    };
    let application = match Application::build(config).await {
        Ok(application) => application,
        Err(error) => {
            eprintln!("passage-emulator exec: {error}");
            return ExitCode::FAILURE;
        }
    };
    application.log_banner();
    let ready = application.ready().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(application.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let code = match run_command(program, arguments, &ready, signals).await {
        Ok(status) => exit_code(status),
        Err(message) => {
            eprintln!("passage-emulator exec: {message}");
            CANNOT_RUN
        }
    };
    let _ = stop.send(());
    match server.await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => eprintln!("passage-emulator exec: server error: {error}"),
        Err(error) => eprintln!("passage-emulator exec: server task failed: {error}"),
    }
    ExitCode::from(code)
}

/// Spawns the command with the emulator's environment and waits for it, passing SIGINT and
/// SIGTERM on. A signal that came before the spawn is delivered to the command at once.
async fn run_command(
    program: &OsString,
    arguments: &[OsString],
    ready: &Ready,
    signals: Signals,
) -> Result<ExitStatus, String> {
    let child = Command::new(program)
        .args(arguments)
        .envs(ready.environment())
        .kill_on_drop(true)
        .spawn()
        .map_err(|error| format!("cannot run {}: {error}", program.to_string_lossy()))?;
    wait_forwarding(signals, child)
        .await
        .map_err(|error| format!("waiting for the command failed: {error}"))
}

/// The command's exit code, or 128 + the signal that killed it (as shells report it).
fn exit_code(status: ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return u8::try_from(code).unwrap_or(1);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(255);
        }
    }
    1
}

/// Waits for the command, passing each signal on to it. On Windows the console has already
/// delivered Ctrl+C to the command: `exec` only has to outlive it.
async fn wait_forwarding(mut signals: Signals, mut child: Child) -> std::io::Result<ExitStatus> {
    loop {
        tokio::select! {
            status = child.wait() => return status,
            received = signals.next() => forward(&child, received),
        }
    }
}

/// Sends the signal to the command, if it is still running.
#[cfg(unix)]
fn forward(child: &Child, received: Received) {
    use nix::sys::signal::Signal;
    let signal = match received {
        Received::Interrupt => Signal::SIGINT,
        Received::Terminate => Signal::SIGTERM,
    };
    let pid = child.id().and_then(|pid| i32::try_from(pid).ok());
    if let Some(pid) = pid {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), signal);
    }
}

#[cfg(not(unix))]
fn forward(_child: &Child, _received: Received) {}

//! SIGINT and SIGTERM (Ctrl+C on Windows), installed once, early: the server stops gracefully
//! on either, and `exec` passes each on to its command. Installing before anything is printed
//! means a signal sent as soon as the banner is seen is handled, never the default kill.

/// A signal that arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    Interrupt,
    Terminate,
}

#[cfg(unix)]
pub struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    /// Installs the handlers; from here on both signals are caught (and queued until read).
    pub fn install() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    /// The next signal to arrive.
    pub async fn next(&mut self) -> Received {
        tokio::select! {
            _ = self.interrupt.recv() => Received::Interrupt,
            _ = self.terminate.recv() => Received::Terminate,
        }
    }
}

/// Windows has Ctrl+C only, delivered to every process of the console.
#[cfg(not(unix))]
pub struct Signals;

#[cfg(not(unix))]
impl Signals {
    pub fn install() -> std::io::Result<Self> {
        Ok(Self)
    }

    pub async fn next(&mut self) -> Received {
        let _ = tokio::signal::ctrl_c().await;
        Received::Interrupt
    }
}

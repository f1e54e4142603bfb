//! TLS connections as an axum listener. Handshakes run in their own tasks (a slow client
//! never holds up the others); finished ones queue up for `axum::serve`. The same queue takes
//! the TLS connections the CONNECT proxy opens, so both are served by one router.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;

/// A connection after its TLS handshake, whatever carries it (TCP, or a proxy's tunnel).
pub type TlsIo = Box<dyn Io>;

/// What a TLS connection needs to be served.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Io for T {}

/// How long a client may take for its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The sending side: hand a connection in, its handshake is done elsewhere.
#[derive(Clone)]
pub struct TlsStreams {
    acceptor: TlsAcceptor,
    ready: mpsc::Sender<(TlsIo, SocketAddr)>,
}

impl TlsStreams {
    /// A queue of served TLS connections and the listener axum reads it from.
    pub fn new(config: Arc<ServerConfig>, local_addr: SocketAddr) -> (Self, TlsListener) {
        let (ready, queue) = mpsc::channel(64);
        let streams = Self {
            acceptor: TlsAcceptor::from(config),
            ready,
        };
        (streams, TlsListener { queue, local_addr })
    }

    /// Runs the handshake on `io` in a task of its own; a finished connection is served.
    pub fn handshake<T: Io>(&self, io: T, peer: SocketAddr) {
        let acceptor = self.acceptor.clone();
        let ready = self.ready.clone();
        tokio::spawn(async move {
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(io)).await {
                Ok(Ok(stream)) => {
                    let _ = ready.send((Box::new(stream) as TlsIo, peer)).await;
                }
                Ok(Err(error)) => tracing::debug!("TLS handshake with {peer} failed: {error}"),
                Err(_) => tracing::debug!("TLS handshake with {peer} timed out"),
            }
        });
    }

    /// Resolves once the served side is gone (the server stopped).
    pub async fn closed(&self) {
        self.ready.closed().await;
    }

    /// Accepts TCP connections on `listener` until the served side is gone.
    pub async fn accept_from(self, listener: TcpListener) {
        loop {
            tokio::select! {
                () = self.closed() => return,
                accepted = listener.accept() => match accepted {
                    Ok((tcp, peer)) => self.handshake(tcp, peer),
                    Err(error) => {
                        tracing::warn!("TLS listener: {error}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                },
            }
        }
    }
}

/// TLS connections, ready to serve, for `axum::serve`.
pub struct TlsListener {
    queue: mpsc::Receiver<(TlsIo, SocketAddr)>,
    local_addr: SocketAddr,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.queue.recv().await {
            Some(connection) => connection,
            // Every producer is gone: nothing more will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local_addr)
    }
}

//! Serving connections with limits: HTTP/1.1 through hyper, as `axum::serve` does, plus what
//! it does not offer: a time limit on a request's headers (which also closes keep-alive
//! connections left idle that long), a time limit on each stretch of a request body without a
//! byte, and a cap on concurrent connections.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::response::Response;
use axum::serve::Listener;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::{Semaphore, watch};
use tower::{Service, ServiceExt};
use tower_http::timeout::TimeoutBody;

/// What one listener allows its clients.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long a client has to send a request's headers, counted from the moment the
    /// connection waits for a request: a half-sent request and an idle keep-alive connection
    /// are both closed when it runs out.
    pub header_timeout: Duration,
    /// How long a request body may go without a byte before reading it fails.
    pub body_timeout: Duration,
    /// Connections served at once; further clients wait to be accepted.
    pub max_connections: usize,
}

/// Serves `listener` with `service` until `shutdown` resolves, then lets the connections in
/// flight finish their current exchange (long polls and event streams end on the same
/// signal) and returns once all are closed.
pub async fn serve<L, S>(
    mut listener: L,
    service: S,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) where
    L: Listener,
    L::Addr: Clone + Sync,
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (closing, closing_seen) = watch::channel(false);
    let (open, open_seen) = watch::channel(());
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (io, peer) = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let body_timeout = limits.body_timeout;
        let service = service
            .clone()
            .map_request(move |request: Request<Incoming>| {
                let mut request =
                    request.map(|body| Body::new(TimeoutBody::new(body_timeout, body)));
                // The peer's address, for the events ceremonies record (http::client).
                request.extensions_mut().insert(ConnectInfo(peer.clone()));
                request
            });
        let mut closing = closing_seen.clone();
        let open = open_seen.clone();
        tokio::spawn(async move {
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout);
            let connection =
                builder.serve_connection(TokioIo::new(io), TowerToHyperService::new(service));
            tokio::pin!(connection);
            loop {
                tokio::select! {
                    _ = connection.as_mut() => break,
                    changed = closing.changed() => match changed {
                        Ok(()) => connection.as_mut().graceful_shutdown(),
                        Err(_) => break,
                    },
                }
            }
            drop(permit);
            drop(open);
        });
    }
    drop(listener);
    let _ = closing.send(true);
    drop(open_seen);
    drop(closing_seen);
    open.closed().await;
}

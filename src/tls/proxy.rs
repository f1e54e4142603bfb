//! `--proxy-listen`: an HTTPS proxy for SDKs that honour `HTTPS_PROXY` (Go, Python, Rust). It
//! answers `CONNECT api.passage.id:443` and `CONNECT auth.passage.id:443` by terminating TLS
//! itself, with a certificate from the local CA, and serving the emulator in the tunnel; the
//! Host inside picks the API, as on any other port. Every other request is refused with 403:
//! nothing leaves the machine. HTTP is parsed by hyper.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::body::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use super::TlsStreams;

/// The only destinations the proxy serves.
pub const HOSTS: [&str; 2] = ["api.passage.id", "auth.passage.id"];

/// Whether a CONNECT target (`host:port`) is one the proxy serves.
pub fn allowed(authority: &str) -> bool {
    authority.rsplit_once(':').is_some_and(|(host, port)| {
        port == "443" && HOSTS.contains(&host.to_ascii_lowercase().as_str())
    })
}

/// Accepts proxy clients until the server stops.
pub async fn serve(listener: TcpListener, streams: TlsStreams) {
    loop {
        tokio::select! {
            () = streams.closed() => return,
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => {
                    let streams = streams.clone();
                    tokio::spawn(async move {
                        let service = service_fn(move |request| connect(request, peer, streams.clone()));
                        if let Err(error) = http1::Builder::new()
                            .serve_connection(TokioIo::new(tcp), service)
                            .with_upgrades()
                            .await
                        {
                            tracing::debug!("proxy connection from {peer}: {error}");
                        }
                    });
                }
                Err(error) => {
                    tracing::warn!("proxy listener: {error}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
        }
    }
}

async fn connect(
    request: Request<Incoming>,
    peer: SocketAddr,
    streams: TlsStreams,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let target = request.uri().authority().map(|a| a.as_str().to_owned());
    let target = match target {
        Some(target) if request.method() == Method::CONNECT && allowed(&target) => target,
        _ => {
            tracing::info!(
                "proxy: refused {} {} from {peer}",
                request.method(),
                request.uri()
            );
            return Ok(refused());
        }
    };
    tokio::spawn(async move {
        match hyper::upgrade::on(request).await {
            Ok(tunnel) => streams.handshake(TokioIo::new(tunnel), peer),
            Err(error) => tracing::debug!("proxy: CONNECT {target} from {peer}: {error}"),
        }
    });
    Ok(Response::new(Full::new(Bytes::new())))
}

fn refused() -> Response<Full<Bytes>> {
    let body = "passage-emulator proxy: only CONNECT api.passage.id:443 and auth.passage.id:443 \
                are served\n";
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = StatusCode::FORBIDDEN;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_two_passage_hosts_on_443() {
        assert!(allowed("api.passage.id:443"));
        assert!(allowed("AUTH.passage.id:443"));
        assert!(!allowed("api.passage.id:80"));
        assert!(!allowed("example.com:443"));
        assert!(!allowed("api.passage.id"));
        assert!(!allowed("evil.api.passage.id:443"));
    }
}

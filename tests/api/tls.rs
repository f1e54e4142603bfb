//! TLS with the local CA: the certificate verifies with rustls for every name it carries, Host
//! routing works over TLS, the CONNECT proxy serves the two Passage hosts and refuses the rest,
//! and the CA stays the same across restarts and through `passage-emulator ca`.

use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use passage_emulator::config::Config;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

use super::helpers::*;

async fn spawn_tls(dir: &std::path::Path) -> TestApp {
    spawn_with(Config {
        data_dir: dir.to_path_buf(),
        tls_listen: Some("127.0.0.1:0".into()),
        proxy_listen: Some("127.0.0.1:0".into()),
        tls_names: vec!["passage.test".into()],
        ..Config::ephemeral()
    })
    .await
}

async fn ca_pem(app: &TestApp) -> String {
    let response = app
        .client
        .get(format!("{}/_emulator/ca.pem", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/x-pem-file");
    response.text().await.unwrap()
}

fn connector(ca_pem: &str) -> TlsConnector {
    TlsConnector::from(connector_config(ca_pem))
}

fn connector_config(ca_pem: &str) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    let der = pem::parse(ca_pem).unwrap().into_contents();
    roots.add(CertificateDer::from(der)).unwrap();
    let config = ClientConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    Arc::new(config)
}

/// One HTTP/1.1 request over `io`: status and body.
async fn request<T>(io: T, host: &str, path: &str, key: Option<&str>) -> (StatusCode, String)
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .unwrap();
    tokio::spawn(connection);
    let mut builder = Request::get(path).header("host", host);
    if let Some(key) = key {
        builder = builder.header("authorization", format!("Bearer {key}"));
    }
    let response = sender
        .send_request(builder.body(Empty::<Bytes>::new()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// A TLS connection to `addr` verified for `name`.
async fn tls_to(
    addr: SocketAddr,
    ca: &str,
    name: &str,
) -> std::io::Result<tokio_rustls::client::TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from(name.to_owned()).unwrap();
    connector(ca).connect(name, tcp).await
}

#[tokio::test]
async fn the_certificate_verifies_for_every_name_and_host_routing_works_over_tls() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_tls(dir.path()).await;
    let ca = ca_pem(&app).await;
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"));
    let https: SocketAddr = app.tls_addr.unwrap();
    for name in [
        "localhost",
        "127.0.0.1",
        "auth.passage.id",
        "api.passage.id",
        "passage.test",
    ] {
        let tls = tls_to(https, &ca, name)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (status, body) = request(tls, "127.0.0.1", "/_emulator/health", None).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::OK, r#"{"status":"ok"}"#),
            "{name}"
        );
    }
    assert!(
        tls_to(https, &ca, "example.com").await.is_err(),
        "a name not in the certificate"
    );

    // A browser offers h2 first; the emulator speaks HTTP/1.1 and must say so by ALPN.
    let mut config = (*connector_config(&ca)).clone();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let tcp = TcpStream::connect(https).await.unwrap();
    let name = ServerName::try_from("auth.passage.id").unwrap();
    let tls = TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));

    // Host routing: the same /v1 path is the Auth API or the Management API by Host.
    let jwks = format!("/v1/apps/{APP_ID}/.well-known/jwks.json");
    let tls = tls_to(https, &ca, "auth.passage.id").await.unwrap();
    let (status, body) = request(tls, "auth.passage.id", &jwks, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.starts_with(r#"{"keys":[{"alg":"RS256""#), "{body}");
    let tls = tls_to(https, &ca, "api.passage.id").await.unwrap();
    let path = format!("/v1/apps/{APP_ID}/users?limit=1");
    let (status, body) = request(tls, "api.passage.id", &path, Some(API_KEY)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains(r#""users":[]"#), "{body}");
    app.stop().await;
}

/// Opens a CONNECT tunnel through the proxy; the status and, on 200, the tunnel.
async fn connect(
    proxy: SocketAddr,
    target: &str,
) -> (StatusCode, Option<TokioIo<hyper::upgrade::Upgraded>>) {
    let tcp = TcpStream::connect(proxy).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .unwrap();
    tokio::spawn(connection.with_upgrades());
    let request = Request::builder()
        .method(Method::CONNECT)
        .uri(target)
        .header("host", target)
        .body(Empty::<Bytes>::new())
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let status = response.status();
    if status != StatusCode::OK {
        return (status, None);
    }
    let tunnel = hyper::upgrade::on(response).await.unwrap();
    (status, Some(TokioIo::new(tunnel)))
}

#[tokio::test]
async fn the_proxy_serves_the_passage_hosts_and_refuses_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_tls(dir.path()).await;
    let ca = ca_pem(&app).await;
    let proxy = app.proxy_addr.unwrap();

    let (status, tunnel) = connect(proxy, "api.passage.id:443").await;
    assert_eq!(status, StatusCode::OK);
    let name = ServerName::try_from("api.passage.id").unwrap();
    let tls = connector(&ca).connect(name, tunnel.unwrap()).await.unwrap();
    let path = format!("/v1/apps/{APP_ID}/users?limit=1");
    let (status, body) = request(tls, "api.passage.id", &path, Some(API_KEY)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, tunnel) = connect(proxy, "auth.passage.id:443").await;
    assert_eq!(status, StatusCode::OK);
    let name = ServerName::try_from("auth.passage.id").unwrap();
    let tls = connector(&ca).connect(name, tunnel.unwrap()).await.unwrap();
    let (status, body) = request(tls, "auth.passage.id", &format!("/v1/apps/{APP_ID}"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains(r#""id":"defaultapp00000000000001""#));

    for target in ["example.com:443", "api.passage.id:80", "127.0.0.1:443"] {
        assert_eq!(
            connect(proxy, target).await.0,
            StatusCode::FORBIDDEN,
            "{target}"
        );
    }
    // Plain proxying (no CONNECT) is refused too.
    let tcp = TcpStream::connect(proxy).await.unwrap();
    let (status, body) =
        request(tcp, "api.passage.id", "http://api.passage.id/v1/apps", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("only CONNECT"));
    app.stop().await;
}

#[tokio::test]
async fn the_ca_is_kept_in_the_data_folder_and_printed_by_the_ca_command() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_tls(dir.path()).await;
    let first = ca_pem(&app).await;
    app.stop().await;
    let app = spawn_tls(dir.path()).await;
    assert_eq!(ca_pem(&app).await, first, "the same CA after a restart");
    app.stop().await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_passage-emulator"))
        .args(["ca", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), first);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("ca.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

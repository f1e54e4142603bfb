//! TLS with a local certificate authority, so unmodified SDKs that hard-code
//! `https://api.passage.id` and `https://auth.passage.id` can reach the emulator once they trust
//! the CA: `--tls-listen` serves HTTPS beside plain HTTP, `--proxy-listen` answers CONNECT for
//! the two Passage hosts (see `proxy`).
//!
//! The CA (ECDSA P-256, rcgen) is made once and kept in the data folder (`ca.pem`, `ca.key`);
//! the leaf certificate is issued at every start for `localhost`, `127.0.0.1`,
//! `auth.passage.id`, `api.passage.id` and any `--tls-name`.

mod listener;
pub mod proxy;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use tokio::net::TcpListener;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use time::{Duration, OffsetDateTime};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

pub use listener::{TlsListener, TlsStreams};

use crate::config::Config;

/// The names every leaf certificate carries.
pub const DEFAULT_NAMES: [&str; 4] = [
    "localhost",
    "127.0.0.1",
    "auth.passage.id",
    "api.passage.id",
];

const CA_CERT_FILE: &str = "ca.pem";
const CA_KEY_FILE: &str = "ca.key";

/// The emulator's certificate authority.
pub struct LocalCa {
    cert_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for LocalCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalCa").finish_non_exhaustive()
    }
}

/// Why the local CA, a certificate or a TLS listener could not be had; each names the file or
/// address, with its cause as source.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot create {}: {source}", path.display())]
    Create {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Invalid {
        path: PathBuf,
        #[source]
        source: rcgen::Error,
    },
    #[error("cannot make a certificate: {0}")]
    Certificate(#[from] rcgen::Error),
    #[error("the CA certificate is not PEM: {0}")]
    Pem(#[from] pem::PemError),
    #[error("TLS configuration: {0}")]
    Rustls(#[from] tokio_rustls::rustls::Error),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: String,
        #[source]
        source: std::io::Error,
    },
}

impl LocalCa {
    /// The CA kept in `dir`, made (with its folder) when there is none yet.
    pub fn load_or_create(dir: &Path) -> Result<Self, TlsError> {
        let cert_path = dir.join(CA_CERT_FILE);
        let key_path = dir.join(CA_KEY_FILE);
        if cert_path.exists() && key_path.exists() {
            let read = |path: &Path| {
                std::fs::read_to_string(path).map_err(|source| TlsError::Read {
                    path: path.to_owned(),
                    source,
                })
            };
            let invalid = |path: &Path| {
                let path = path.to_owned();
                move |source| TlsError::Invalid { path, source }
            };
            let cert_pem = read(&cert_path)?;
            let key = KeyPair::from_pem(&read(&key_path)?).map_err(invalid(&key_path))?;
            let issuer = Issuer::from_ca_cert_pem(&cert_pem, key).map_err(invalid(&cert_path))?;
            return Ok(Self { cert_pem, issuer });
        }
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::default();
        let mut name = DistinguishedName::new();
        name.push(DnType::CommonName, "Passage Emulator Local CA");
        name.push(DnType::OrganizationName, "passage-emulator");
        params.distinguished_name = name;
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::days(1);
        params.not_after = now + Duration::days(3650);
        let cert = params.self_signed(&key)?;
        std::fs::create_dir_all(dir).map_err(|source| TlsError::Create {
            path: dir.to_owned(),
            source,
        })?;
        write_private(&key_path, &key.serialize_pem())?;
        std::fs::write(&cert_path, cert.pem()).map_err(|source| TlsError::Write {
            path: cert_path.clone(),
            source,
        })?;
        Ok(Self {
            cert_pem: cert.pem(),
            issuer: Issuer::new(params, key),
        })
    }

    /// The CA certificate, PEM: what clients trust (`NODE_EXTRA_CA_CERTS`, `SSL_CERT_FILE`...).
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// A fresh leaf certificate for `names` (DNS names or IP addresses) and its key; the chain
    /// is the leaf, then the CA.
    pub fn issue(
        &self,
        names: &[String],
    ) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), TlsError> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(names.to_vec())?;
        let mut name = DistinguishedName::new();
        name.push(
            DnType::CommonName,
            names.first().map_or("localhost", String::as_str),
        );
        params.distinguished_name = name;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::days(1);
        params.not_after = now + Duration::days(90);
        let cert = params.signed_by(&key, &self.issuer)?;
        let ca = pem_der(&self.cert_pem)?;
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        Ok((vec![cert.der().clone(), ca], key))
    }

    /// A rustls server configuration presenting a leaf for `names`.
    pub fn server_config(&self, names: &[String]) -> Result<Arc<ServerConfig>, TlsError> {
        let (chain, key) = self.issue(names)?;
        let mut config = ServerConfig::builder_with_provider(Arc::new(
            tokio_rustls::rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
        // HTTP/1.1 only: axum is built without HTTP/2, and a client that picked h2 by ALPN
        // would be answered in the wrong protocol.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// The leaf's names: the defaults, then `extra` (each once).
pub fn leaf_names(extra: &[String]) -> Vec<String> {
    let mut names: Vec<String> = DEFAULT_NAMES.iter().map(|n| (*n).to_owned()).collect();
    for name in extra {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    names
}

fn pem_der(pem_text: &str) -> Result<CertificateDer<'static>, TlsError> {
    let block = pem::parse(pem_text)?;
    Ok(CertificateDer::from(block.into_contents()))
}

/// Writes a private key readable by its owner only.
fn write_private(path: &Path, contents: &str) -> Result<(), TlsError> {
    let fail = |source| TlsError::Write {
        path: path.to_owned(),
        source,
    };
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)
            .map_err(fail)?;
        file.write_all(contents.as_bytes()).map_err(fail)
    }
    #[cfg(not(unix))]
    {
        std::fs::write(path, contents).map_err(fail)
    }
}

/// The CA of a running emulator, made or loaded at first use (a server without TLS flags
/// makes it only when `/_emulator/ca.pem` is asked for).
#[derive(Debug)]
pub struct CaCell {
    dir: PathBuf,
    /// Made once; a failure is kept (shared) and answered to every later use.
    ca: OnceLock<Result<Arc<LocalCa>, Arc<TlsError>>>,
}

impl CaCell {
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            ca: OnceLock::new(),
        }
    }

    pub fn get(&self) -> Result<Arc<LocalCa>, Arc<TlsError>> {
        self.ca
            .get_or_init(|| {
                LocalCa::load_or_create(&self.dir)
                    .map(Arc::new)
                    .map_err(Arc::new)
            })
            .clone()
    }
}

/// The bound TLS side of a server: `--tls-listen` and `--proxy-listen`, and the one queue
/// their connections are served from.
pub struct Tls {
    pub https_addr: Option<SocketAddr>,
    pub proxy_addr: Option<SocketAddr>,
    https: Option<TcpListener>,
    proxy: Option<TcpListener>,
    streams: TlsStreams,
    listener: TlsListener,
}

impl Tls {
    /// Binds what the configuration asks for (nothing: `None`), with a leaf from the CA.
    pub async fn bind(
        config: &Config,
        ca: &CaCell,
        plain: SocketAddr,
    ) -> Result<Option<Self>, Arc<TlsError>> {
        if config.tls_listen.is_none() && config.proxy_listen.is_none() {
            return Ok(None);
        }
        let server = ca.get()?.server_config(&leaf_names(&config.tls_names))?;
        let (https, https_addr) = bind(config.tls_listen.as_deref()).await?;
        let (proxy, proxy_addr) = bind(config.proxy_listen.as_deref()).await?;
        let (streams, listener) = TlsStreams::new(server, https_addr.unwrap_or(plain));
        Ok(Some(Self {
            https_addr,
            proxy_addr,
            https,
            proxy,
            streams,
            listener,
        }))
    }

    /// Starts accepting (and proxying); returns the listener to serve.
    pub fn run(self) -> TlsListener {
        if let Some(https) = self.https {
            tokio::spawn(self.streams.clone().accept_from(https));
        }
        if let Some(proxy) = self.proxy {
            tokio::spawn(proxy::serve(proxy, self.streams.clone()));
        }
        self.listener
    }
}

/// A listener on `address` (none without one) and the address it got.
async fn bind(
    address: Option<&str>,
) -> Result<(Option<TcpListener>, Option<SocketAddr>), TlsError> {
    let Some(address) = address else {
        return Ok((None, None));
    };
    let listen = |source| TlsError::Listen {
        address: address.to_owned(),
        source,
    };
    let listener = TcpListener::bind(address).await.map_err(listen)?;
    let local = listener.local_addr().map_err(listen)?;
    Ok((Some(listener), Some(local)))
}

//! What a started emulator tells the programs around it: its addresses, the app to use and
//! its API key. `exec` hands it to the wrapped command as environment variables; `--ready-file`
//! writes it as JSON for the npm and PyPI helpers and for `passage-emulator health` (the
//! Docker HEALTHCHECK), which cannot otherwise know a port chosen on the command line.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The contents of the ready file, and the environment `exec` sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Ready {
    /// Plain HTTP base, no trailing slash: `http://127.0.0.1:7277`.
    pub url: String,
    /// `{url}/auth/v1`.
    pub auth_url: String,
    /// `{url}/api/v1`.
    pub management_url: String,
    /// The default app, or the first app of the fixtures loaded.
    pub app_id: Option<String>,
    /// That app's first fixture API key, else the admin key (which every app accepts).
    pub api_key: Option<String>,
    /// `--tls-listen`'s bound address (host:port), when on.
    pub tls_addr: Option<String>,
    /// `--proxy-listen`'s bound address as a URL for `HTTPS_PROXY`, when on.
    pub proxy_url: Option<String>,
    /// The local CA certificate (absolute path), when TLS or the proxy is on.
    #[schema(value_type = Option<String>)]
    pub ca_file: Option<PathBuf>,
    /// The emulator's process id.
    pub pid: u32,
}

impl Ready {
    pub fn new(
        local_addr: SocketAddr,
        app: Option<(String, String)>,
        tls_addr: Option<SocketAddr>,
        proxy_addr: Option<SocketAddr>,
        ca_file: Option<PathBuf>,
    ) -> Self {
        let url = format!("http://{}", reachable(local_addr));
        let (app_id, api_key) = app.unzip();
        Self {
            auth_url: format!("{url}/auth/v1"),
            management_url: format!("{url}/api/v1"),
            url,
            app_id,
            api_key,
            tls_addr: tls_addr.map(|addr| reachable(addr).to_string()),
            proxy_url: proxy_addr.map(|addr| format!("http://{}", reachable(addr))),
            ca_file,
            pid: std::process::id(),
        }
    }

    /// `host:port` of the plain HTTP listener, for a TCP probe.
    pub fn plain_addr(&self) -> &str {
        self.url.strip_prefix("http://").unwrap_or(&self.url)
    }

    /// The variables `passage-emulator exec` sets for the command it runs.
    pub fn environment(&self) -> Vec<(&'static str, String)> {
        let mut variables = vec![
            ("PASSAGE_EMULATOR_URL", self.url.clone()),
            ("PASSAGE_AUTH_URL", self.auth_url.clone()),
            ("PASSAGE_MGMT_URL", self.management_url.clone()),
        ];
        let optional = [
            ("PASSAGE_APP_ID", self.app_id.clone()),
            ("PASSAGE_API_KEY", self.api_key.clone()),
            ("PASSAGE_EMULATOR_TLS_ADDR", self.tls_addr.clone()),
            ("PASSAGE_EMULATOR_PROXY_URL", self.proxy_url.clone()),
            (
                "PASSAGE_EMULATOR_CA_FILE",
                self.ca_file.as_ref().map(|path| path.display().to_string()),
            ),
        ];
        variables.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| value.map(|value| (name, value))),
        );
        variables
    }

    /// Writes the file whole or not at all (a reader never sees half of it): a sibling
    /// temporary file renamed over the target.
    pub fn write(&self, path: &Path) -> Result<(), ReadyFileError> {
        let json = serde_json::to_vec_pretty(self).map_err(|source| ReadyFileError::Format {
            path: path.to_owned(),
            source,
        })?;
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(format!(".{}.tmp", std::process::id()));
        let temporary = PathBuf::from(temporary);
        std::fs::write(&temporary, json)
            .and_then(|()| std::fs::rename(&temporary, path))
            .map_err(|source| ReadyFileError::Write {
                path: path.to_owned(),
                source,
            })
    }

    pub fn read(path: &Path) -> Result<Self, ReadyFileError> {
        let text = std::fs::read(path).map_err(|source| ReadyFileError::Read {
            path: path.to_owned(),
            source,
        })?;
        serde_json::from_slice(&text).map_err(|source| ReadyFileError::Format {
            path: path.to_owned(),
            source,
        })
    }
}

/// Why the ready file could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum ReadyFileError {
    #[error("cannot write the ready file {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a ready file: {source}", path.display())]
    Format {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

/// A server bound to every interface is reached on loopback.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unspecified_addresses_become_loopback_and_optional_variables_are_left_out() {
        let ready = Ready::new(
            "0.0.0.0:7277".parse().unwrap(),
            Some(("app".into(), "key".into())),
            None,
            Some("[::]:7278".parse().unwrap()),
            None,
        );
        assert_eq!(ready.url, "http://127.0.0.1:7277");
        assert_eq!(ready.plain_addr(), "127.0.0.1:7277");
        assert_eq!(
            ready.environment(),
            vec![
                ("PASSAGE_EMULATOR_URL", "http://127.0.0.1:7277".to_owned()),
                (
                    "PASSAGE_AUTH_URL",
                    "http://127.0.0.1:7277/auth/v1".to_owned()
                ),
                (
                    "PASSAGE_MGMT_URL",
                    "http://127.0.0.1:7277/api/v1".to_owned()
                ),
                ("PASSAGE_APP_ID", "app".to_owned()),
                ("PASSAGE_API_KEY", "key".to_owned()),
                ("PASSAGE_EMULATOR_PROXY_URL", "http://[::1]:7278".to_owned()),
            ]
        );
    }

    #[test]
    fn the_file_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ready.json");
        let ready = Ready::new("127.0.0.1:1".parse().unwrap(), None, None, None, None);
        ready.write(&path).unwrap();
        assert_eq!(Ready::read(&path).unwrap(), ready);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

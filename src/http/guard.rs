//! Who may talk to the emulator from a browser: the defence against DNS rebinding and
//! cross-site requests (a developer's browser visiting any site can reach 127.0.0.1).
//!
//! - **Host**: as Vite's and webpack-dev-server's `allowedHosts`, a request must name a host
//!   this emulator serves: any IP literal (DNS rebinding needs a name), `localhost` and
//!   `*.localhost`, the Passage hosts, every `--tls-name`, and every `--allowed-host` (a name,
//!   or `.example.test` for it and its subdomains; `*` turns the check off).
//! - **Origin**: a state-changing call (not GET, HEAD or OPTIONS) to the emulator API or the
//!   Management API that carries a browser `Origin` must come from the emulator's own origin
//!   (the console), a loopback or `localhost` origin (the developer's own pages), or an
//!   allowed host. The Auth API is for apps' pages on any origin (CORS decides who reads it).
//!
//! A refusal is 403 `operation_not_allowed` (a code every SDK knows) saying what to change.

use std::borrow::Cow;
use std::net::IpAddr;

use axum::extract::Request;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};

use super::routes::PASSAGE_HOSTS;
use crate::error::{ApiError, ErrorCode};

/// The hosts a request may name.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts {
    any: bool,
    /// Lower case; a leading dot allows the name and its subdomains.
    names: Vec<String>,
}

impl AllowedHosts {
    /// `--allowed-host` values and `--tls-name`s.
    pub fn new(allowed: &[String], tls_names: &[String]) -> Self {
        let any = allowed.iter().any(|name| name.trim() == "*");
        let names = allowed
            .iter()
            .chain(tls_names)
            .map(|name| name.trim().to_ascii_lowercase())
            .filter(|name| !name.is_empty() && name != "*")
            .collect();
        Self { any, names }
    }

    /// Whether a host name (no port) is served here.
    pub fn allows(&self, host: &str) -> bool {
        let host = lower(host.trim_end_matches('.'));
        let host: &str = host.as_ref();
        self.any
            || is_ip(host)
            || is_localhost(host)
            || PASSAGE_HOSTS.contains(&host)
            || self.names.iter().any(|name| match name.strip_prefix('.') {
                Some(domain) => host == domain || host.ends_with(name.as_str()),
                None => host == *name,
            })
    }

    /// Whether a state-changing call from the page at `origin` may reach the emulator or
    /// Management API answering as `host` (the request's `Host`, with its port).
    pub fn allows_origin(&self, origin: &str, host: Option<&str>) -> bool {
        let Some(authority) = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
        else {
            return self.any; // `null` (sandboxed frames, files) and other schemes
        };
        if host.is_some_and(|host| host.eq_ignore_ascii_case(authority)) {
            return true; // the emulator's own pages: the console
        }
        let name = host_name(authority);
        self.any
            || is_localhost(&name)
            || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
            || self
                .names
                .iter()
                .any(|allowed| allowed.as_str() == name.as_ref())
    }
}

/// The host of `host[:port]` or `[v6]:port`, lower case, without brackets.
fn host_name(authority: &str) -> Cow<'_, str> {
    let name = match authority.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(rest),
        None => authority
            .rsplit_once(':')
            .map_or(authority, |(name, port)| {
                if port.chars().all(|c| c.is_ascii_digit()) {
                    name
                } else {
                    authority
                }
            }),
    };
    lower(name)
}

/// Lower case, allocating only when there is an upper-case letter.
fn lower(text: &str) -> Cow<'_, str> {
    if text.bytes().any(|byte| byte.is_ascii_uppercase()) {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

fn is_ip(host: &str) -> bool {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .is_ok()
}

fn is_localhost(host: &str) -> bool {
    host == "localhost" || host.ends_with(".localhost")
}

/// Paths whose state-changing calls are checked against the Origin.
fn guarded_path(path: &str) -> bool {
    path.starts_with("/_emulator/") || path.starts_with("/api/") || path == "/_emulator"
}

impl AllowedHosts {
    /// The 403 for a request this emulator must not serve, if it is one: a Host it does not
    /// serve, or a state-changing emulator or Management call from another site's page.
    pub fn refusal(&self, request: &Request) -> Option<Response> {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .or_else(|| request.uri().authority().map(|a| a.as_str()));
        if let Some(host) = host {
            let name = host_name(host);
            if !self.allows(&name) {
                tracing::warn!(host = %name, "refused a request for a host this emulator does not serve");
                return Some(
                    ApiError::forbidden(
                        ErrorCode::OperationNotAllowed,
                        format!(
                            "Host `{name}` is not a name this emulator serves (a guard against \
                             DNS rebinding). Start it with --allowed-host {name} to allow it."
                        ),
                    )
                    .into_response(),
                );
            }
        }
        let changes_state =
            ![Method::GET, Method::HEAD, Method::OPTIONS].contains(request.method());
        if !changes_state || !guarded_path(request.uri().path()) {
            return None;
        }
        let origin = request.headers().get(header::ORIGIN)?;
        let origin = String::from_utf8_lossy(origin.as_bytes());
        if self.allows_origin(&origin, host) {
            return None;
        }
        tracing::warn!(%origin, "refused a cross-site call");
        Some(
            ApiError::forbidden(
                ErrorCode::OperationNotAllowed,
                format!(
                    "Calls that change the emulator's state are not taken from pages on \
                     `{origin}` (a guard against cross-site requests). Allow its host with \
                     --allowed-host."
                ),
            )
            .into_response(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        let allowed =
            AllowedHosts::new(&["passage".into(), ".dev.test".into()], &["emu.lan".into()]);
        for host in [
            "127.0.0.1",
            "::1",
            "[::1]",
            "10.1.2.3",
            "localhost",
            "app.localhost",
            "LOCALHOST.",
            "api.passage.id",
            "auth.passage.id",
            "passage",
            "emu.lan",
            "dev.test",
            "a.dev.test",
        ] {
            assert!(allowed.allows(host), "{host}");
        }
        for host in [
            "attacker.example",
            "passage.evil",
            "localhost.evil",
            "xdev.test",
            "127.0.0.1.nip.io",
        ] {
            assert!(!allowed.allows(host), "{host}");
        }
        assert!(AllowedHosts::new(&["*".into()], &[]).allows("anything.example"));
    }

    #[test]
    fn origins() {
        let allowed = AllowedHosts::new(&["passage".into()], &[]);
        let host = Some("127.0.0.1:7277");
        for origin in [
            "http://127.0.0.1:7277",
            "http://localhost:3000",
            "https://app.localhost",
            "http://127.0.0.1:5173",
            "http://[::1]:8080",
            "http://passage:7277",
        ] {
            assert!(allowed.allows_origin(origin, host), "{origin}");
        }
        for origin in [
            "https://evil.example",
            "null",
            "http://192.168.1.9:7277",
            "http://1.2.3.4",
        ] {
            assert!(!allowed.allows_origin(origin, host), "{origin}");
        }
        // A phone opening the console at the machine's address is same-origin.
        assert!(allowed.allows_origin("http://192.168.1.9:7277", Some("192.168.1.9:7277")));
        assert_eq!(host_name("[::1]:80"), "::1");
        assert_eq!(host_name("Example.test:443"), "example.test");
    }
}

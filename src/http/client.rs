//! Where a request came from, for the events a ceremony records: the peer's address (the
//! accept loop puts it in the request as `ConnectInfo`) and the `User-Agent` header.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;

use crate::domain::events::Client;

/// A user agent longer than this is cut (at a character boundary): events are kept by the
/// hundred thousand.
const MAX_USER_AGENT: usize = 512;

/// The request's [`Client`]; the address is empty where the listener gave none.
#[derive(Debug, Clone, Default)]
pub struct RequestClient(pub Client);

impl<S: Send + Sync> FromRequestParts<S> for RequestClient {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip_addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip().to_string())
            .unwrap_or_default();
        let mut user_agent = parts
            .headers
            .get(USER_AGENT)
            .map(|agent| String::from_utf8_lossy(agent.as_bytes()).into_owned())
            .unwrap_or_default();
        user_agent.truncate(cut(&user_agent, MAX_USER_AGENT).len());
        Ok(Self(Client {
            ip_addr,
            user_agent,
        }))
    }
}

/// `text`'s first `limit` bytes at most, ending on a character boundary: how header values the
/// emulator keeps and echoes are bounded.
pub fn cut(text: &str, limit: usize) -> &str {
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    #[test]
    fn cut_ends_on_a_character_boundary() {
        assert_eq!(super::cut("abc", 512), "abc");
        assert_eq!(super::cut("abcdef", 4), "abcd");
        // "é" is two bytes: a limit inside it keeps the character out.
        assert_eq!(super::cut("aé", 2), "a");
        assert_eq!(super::cut("aé", 3), "aé");
    }
}

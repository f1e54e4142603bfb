//! Query strings (and form bodies) as Passage's clients write them.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::ApiError;

/// Parameters that hold identifiers, where a raw `+` is a plus sign.
const IDENTIFIER_PARAMETERS: [&str; 2] = ["identifier", "to"];

/// The decoded query string, in order.
///
/// `identifier` (and the inbox's `to`) keep a raw `+` as a plus sign: phone numbers
/// (`+15551234567`) and plus addresses (`a+b@x.com`) arrive unencoded from some clients, and a
/// form decoder would turn the `+` into a space. Every other parameter is form-decoded.
pub fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    let Some(raw) = raw else { return Vec::new() };
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = form_decode(key);
            let value = if IDENTIFIER_PARAMETERS.contains(&key.as_str()) {
                percent_encoding::percent_decode_str(value)
                    .decode_utf8_lossy()
                    .into_owned()
            } else {
                form_decode(value)
            };
            (key, value)
        })
        .collect()
}

/// Parameters as a JSON object of strings (the first of repeated names wins), converted to `T`
/// so that errors name the parameter (`code_challenge: missing`).
fn typed<T: DeserializeOwned>(pairs: Vec<(String, String)>, what: &str) -> Result<T, ApiError> {
    let mut object = Map::new();
    for (key, value) in pairs {
        object.entry(key).or_insert(Value::String(value));
    }
    serde_path_to_error::deserialize(Value::Object(object)).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner().to_string();
        match inner.strip_prefix("missing field `") {
            Some(rest) => {
                let field = rest.trim_end_matches('`');
                ApiError::invalid_request(format!("{field}: missing from the {what}"))
            }
            None if path == "." => ApiError::invalid_request(format!("Invalid {what}: {inner}")),
            None => ApiError::invalid_request(format!("{path}: {inner}")),
        }
    })
}

/// A typed query string (OAuth endpoints): every parameter is a string.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        typed(query_pairs(parts.uri.query()), "query string").map(ApiQuery)
    }
}

/// A typed `application/x-www-form-urlencoded` body (Apple's `form_post`, OAuth token
/// requests, the emulator's sign-in pages), read whatever the Content-Type. Query parameters
/// count too, after the body's (passage-android posts its token request's in the query).
#[derive(Debug)]
pub struct ApiForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiForm<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let query = query_pairs(request.uri().query());
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                ApiError::invalid_request(format!("Cannot read the request body: {rejection}"))
            })?;
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes)
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect();
        pairs.extend(query);
        typed(pairs, "form body").map(ApiForm)
    }
}

fn form_decode(text: &str) -> String {
    form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_keeps_a_raw_plus() {
        let pairs = query_pairs(Some("identifier=+15551234567&order_by=id:ASC+&x=a+b"));
        assert_eq!(pairs[0], ("identifier".into(), "+15551234567".into()));
        assert_eq!(pairs[2], ("x".into(), "a b".into()));
        let pairs = query_pairs(Some("identifier=a%2Bb%40x.com"));
        assert_eq!(pairs[0].1, "a+b@x.com");
    }
}

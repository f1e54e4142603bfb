//! Query strings as Passage's clients write them.

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

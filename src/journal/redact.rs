//! `--journal-redact`: secrets inside JSON bodies masked before they are stored. Off by
//! default: this is a local test tool and tests read tokens and codes back from the journal.

use serde_json::Value;

/// What replaces a secret.
pub const MASK: &str = "[redacted]";

/// Field names whose string values are secrets: API keys, tokens, passcodes, OAuth codes and
/// verifiers, magic-link secrets, private keys.
const SECRET_FIELDS: [&str; 15] = [
    "api_key",
    "key",
    "plaintext_key",
    "auth_token",
    "refresh_token",
    "access_token",
    "id_token",
    "otp",
    "one_time_passcode",
    "magic_link",
    "code",
    "code_verifier",
    "client_secret",
    "private_key",
    "private_key_pem",
];

/// Masks, in place, every string value of a secret field, at any depth. Error bodies keep
/// their `code` (an error code is no secret).
pub fn redact_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let is_error = map.contains_key("error");
            for (name, field) in map.iter_mut() {
                let secret =
                    SECRET_FIELDS.contains(&name.as_str()) && !(is_error && name == "code");
                match field {
                    Value::String(text) if secret => *text = MASK.to_owned(),
                    _ => redact_json(field),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

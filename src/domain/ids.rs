//! Identifiers and secrets.
//!
//! Passage's app, user and key ids are 24 random alphanumerics (`PaItOH7Ul7n2Xt3uxY671sFN`);
//! the emulator makes every id that way so that SDK code which stores or validates them works.

use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};

const ID_LEN: usize = 24;

/// A new random id of Passage's shape.
pub fn new_id() -> String {
    random_alphanumeric(ID_LEN)
}

/// `len` random alphanumerics from the thread-local CSPRNG.
pub fn random_alphanumeric(len: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// Hex SHA-256 of a high-entropy secret (API keys): stored instead of the secret itself.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Whether a path segment can be an id at all: bounded length, URL-safe characters.
/// Anything else is answered as "not found" without touching the database.
pub fn is_plausible_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_passage_shape() {
        let id = new_id();
        assert_eq!(id.len(), 24);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(id, new_id());
    }

    #[test]
    fn hash_is_hex_sha256() {
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

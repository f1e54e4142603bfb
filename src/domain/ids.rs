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

/// A new id of Passage's shape whose first nine characters are `micros` in base 62 (digits,
/// then upper, then lower case: ASCII order), the rest random: ids made later sort later, so a
/// table's index on them grows at its end instead of at a random page (user events, written
/// by the thousand).
pub fn time_ordered_id(micros: i64) -> String {
    const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const TIME_LEN: usize = 9;
    let mut rest = u64::try_from(micros).unwrap_or(0);
    let mut time = [b'0'; TIME_LEN];
    for digit in time.iter_mut().rev() {
        *digit = DIGITS[(rest % 62) as usize];
        rest /= 62;
    }
    let mut id: String = time.iter().map(|&digit| char::from(digit)).collect();
    id.push_str(&random_alphanumeric(ID_LEN - TIME_LEN));
    id
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

    /// Time-ordered ids have Passage's shape and sort as their times do.
    #[test]
    fn time_ordered_ids_sort_by_time() {
        let times = [
            0,
            61,
            62,
            1_700_000_000_000_000,
            1_700_000_000_000_001,
            i64::MAX / 1000,
        ];
        let ids: Vec<String> = times.iter().map(|&at| time_ordered_id(at)).collect();
        for id in &ids {
            assert_eq!(id.len(), 24);
            assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
        }
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");
        assert_eq!(&ids[1][..9], "00000000z");
        assert_eq!(&ids[2][..9], "000000010");
        assert_eq!(&time_ordered_id(-5)[..9], "000000000");
    }

    #[test]
    fn hash_is_hex_sha256() {
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

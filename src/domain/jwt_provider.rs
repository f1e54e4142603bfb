//! jsonwebtoken's crypto provider, with one change. Its aws-lc provider parses (and checks) the
//! RSA private key on every signature, which costs more than the signature itself; this one
//! parses each RS256 key once and keeps it. Everything else is jsonwebtoken's aws-lc provider,
//! through the extension point the crate offers for this (`CryptoProvider::install_default`).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, aws_lc};
use jsonwebtoken::errors::{Error, ErrorKind};
use jsonwebtoken::signature::{self, Signer};
use jsonwebtoken::{Algorithm, AlgorithmFamily, EncodingKey};

/// Parsed RS256 keys by their DER bytes. An app has one active key (and a few retired ones).
///
/// It is process-wide because jsonwebtoken's provider hook is a plain function with no state
/// to reach an emulator's own; it is bounded ([`MAX_PARSED_KEYS`]) and emptied by reset
/// ([`forget_parsed_keys`]), so keys of deleted apps do not stay.
static KEYS: LazyLock<RwLock<HashMap<Vec<u8>, Arc<RsaKeyPair>>>> = LazyLock::new(RwLock::default);

/// More keys than any test keeps signing with; past it the cache starts over.
const MAX_PARSED_KEYS: usize = 1024;

/// Empties the parsed-key cache (`POST /_emulator/reset`); keys are parsed again when used.
pub fn forget_parsed_keys() {
    if let Ok(mut keys) = KEYS.write() {
        keys.clear();
    }
}

static PROVIDER: LazyLock<CryptoProvider> = LazyLock::new(|| CryptoProvider {
    signer_factory: new_signer,
    ..aws_lc::DEFAULT_PROVIDER.clone()
});

/// Makes this the process's provider; later calls (and other providers) are no-ops.
pub fn install() {
    let _ = CryptoProvider::install_default(&PROVIDER);
}

struct Rs256(Arc<RsaKeyPair>);

impl Signer<Vec<u8>> for Rs256 {
    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, signature::Error> {
        let mut signature = vec![0; self.0.public_modulus_len()];
        self.0
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut signature,
            )
            .map_err(signature::Error::from_source)?;
        Ok(signature)
    }
}

impl JwtSigner for Rs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::RS256
    }
}

fn parsed(der: &[u8]) -> Result<Arc<RsaKeyPair>, Error> {
    if let Some(pair) = KEYS.read().ok().and_then(|keys| keys.get(der).cloned()) {
        return Ok(pair);
    }
    let pair = Arc::new(
        RsaKeyPair::from_der(der)
            .map_err(|_| Error::from(ErrorKind::InvalidRsaKey(String::new())))?,
    );
    if let Ok(mut keys) = KEYS.write() {
        if keys.len() >= MAX_PARSED_KEYS {
            keys.clear();
        }
        keys.insert(der.to_vec(), Arc::clone(&pair));
    }
    Ok(pair)
}

fn new_signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>, Error> {
    if *algorithm == Algorithm::RS256 && key.family() == AlgorithmFamily::Rsa {
        Ok(Box::new(Rs256(parsed(key.as_bytes())?)))
    } else {
        (aws_lc::DEFAULT_PROVIDER.signer_factory)(algorithm, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(der: &[u8]) -> bool {
        KEYS.read().is_ok_and(|keys| keys.contains_key(der))
    }

    /// A key is parsed once and kept; `forget_parsed_keys` (reset) drops it and the next use
    /// parses it again. Other tests sign concurrently, so only this key is looked at.
    #[test]
    fn parsed_keys_are_cached_and_forgotten() {
        let key = crate::domain::tokens::SigningKey::generate("k".into()).unwrap();
        let encoding = EncodingKey::from_rsa_pem(key.private_key_pem.as_bytes()).unwrap();
        let der = encoding.as_bytes();
        assert!(!holds(der));
        parsed(der).unwrap();
        assert!(holds(der));
        forget_parsed_keys();
        assert!(!holds(der));
        parsed(der).unwrap();
        assert!(holds(der));
    }
}

//! Credential public keys: devices keep the COSE_Key the authenticator attested (fixtures give
//! one too), and `webauthn_rp` wants its own key types. These two conversions join them; the
//! COSE encoding and decoding is coset's.

use coset::iana::{self, EnumI64};
use coset::{
    CborSerializable, CoseKey, CoseKeyBuilder, Label, RegisteredLabel, RegisteredLabelWithPrivate,
};
use webauthn_rp::response::register::{
    CompressedP256PubKey, CompressedP384PubKey, CompressedPubKey, Ed25519PubKey, RsaPubKey,
    UncompressedPubKey,
};

/// A stored key in the shape `AuthenticatedCredential` borrows.
pub type StoredKey<'a> = CompressedPubKey<&'a [u8], &'a [u8], &'a [u8], &'a [u8]>;

/// COSE_Key bytes for a key the crate parsed out of an attestation.
pub fn to_cose(key: UncompressedPubKey<'_>) -> Result<Vec<u8>, String> {
    let key = match key {
        UncompressedPubKey::Ed25519(key) => CoseKeyBuilder::new_okp_key()
            .param(
                iana::OkpKeyParameter::Crv.to_i64(),
                iana::EllipticCurve::Ed25519.to_i64().into(),
            )
            .param(
                iana::OkpKeyParameter::X.to_i64(),
                key.into_inner().to_vec().into(),
            )
            .algorithm(iana::Algorithm::EdDSA)
            .build(),
        UncompressedPubKey::P256(key) => CoseKeyBuilder::new_ec2_pub_key(
            iana::EllipticCurve::P_256,
            key.x().to_vec(),
            key.y().to_vec(),
        )
        .algorithm(iana::Algorithm::ES256)
        .build(),
        UncompressedPubKey::P384(key) => CoseKeyBuilder::new_ec2_pub_key(
            iana::EllipticCurve::P_384,
            key.x().to_vec(),
            key.y().to_vec(),
        )
        .algorithm(iana::Algorithm::ES384)
        .build(),
        UncompressedPubKey::Rsa(key) => {
            let e = key.e().to_be_bytes();
            let first = e.iter().position(|b| *b != 0).unwrap_or(e.len() - 1);
            CoseKeyBuilder::new()
                .key_type(iana::KeyType::RSA)
                .param(iana::RsaKeyParameter::N.to_i64(), key.n().to_vec().into())
                .param(
                    iana::RsaKeyParameter::E.to_i64(),
                    e[first..].to_vec().into(),
                )
                .algorithm(iana::Algorithm::RS256)
                .build()
        }
    };
    key.to_vec().map_err(|error| error.to_string())
}

/// The parts of a COSE_Key the crate's compressed key types borrow.
pub struct ParsedKey {
    key: CoseKey,
}

impl ParsedKey {
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let key = CoseKey::from_slice(bytes).map_err(|error| format!("not a COSE_Key: {error}"))?;
        Ok(Self { key })
    }

    fn param(&self, label: i64) -> Option<&[u8]> {
        self.key.params.iter().find_map(|(l, value)| match l {
            Label::Int(l) if *l == label => value.as_bytes().map(Vec::as_slice),
            _ => None,
        })
    }

    fn int_param(&self, label: i64) -> Option<i64> {
        self.key.params.iter().find_map(|(l, value)| match l {
            Label::Int(l) if *l == label => value.as_integer().and_then(|i| i64::try_from(i).ok()),
            _ => None,
        })
    }

    /// The key as `AuthenticatedCredential` takes it; EC2 keys are compressed (x and the
    /// parity of y).
    pub fn compressed(&self) -> Result<StoredKey<'_>, String> {
        let missing = |what: &str| format!("COSE_Key has no {what}");
        match &self.key.kty {
            RegisteredLabel::Assigned(iana::KeyType::OKP) => {
                let x = self
                    .param(iana::OkpKeyParameter::X.to_i64())
                    .ok_or_else(|| missing("x"))?;
                Ed25519PubKey::try_from(x)
                    .map(CompressedPubKey::Ed25519)
                    .map_err(|error| error.to_string())
            }
            RegisteredLabel::Assigned(iana::KeyType::EC2) => {
                let x = self
                    .param(iana::Ec2KeyParameter::X.to_i64())
                    .ok_or_else(|| missing("x"))?;
                let y = self
                    .param(iana::Ec2KeyParameter::Y.to_i64())
                    .ok_or_else(|| missing("y"))?;
                let y_is_odd = y.last().is_some_and(|b| b & 1 == 1);
                let curve = self.int_param(iana::Ec2KeyParameter::Crv.to_i64());
                if curve == Some(iana::EllipticCurve::P_384.to_i64()) {
                    CompressedP384PubKey::try_from((x, y_is_odd))
                        .map(CompressedPubKey::P384)
                        .map_err(|error| error.to_string())
                } else {
                    CompressedP256PubKey::try_from((x, y_is_odd))
                        .map(CompressedPubKey::P256)
                        .map_err(|error| error.to_string())
                }
            }
            RegisteredLabel::Assigned(iana::KeyType::RSA) => {
                let n = self
                    .param(iana::RsaKeyParameter::N.to_i64())
                    .ok_or_else(|| missing("n"))?;
                let e = self
                    .param(iana::RsaKeyParameter::E.to_i64())
                    .ok_or_else(|| missing("e"))?;
                let e = e.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
                RsaPubKey::try_from((n, e))
                    .map(CompressedPubKey::Rsa)
                    .map_err(|error| error.to_string())
            }
            other => Err(format!("COSE key type {other:?} is not EC2, OKP or RSA")),
        }
    }
}

/// A credential's public key as a relying party other than the emulator takes it: what the
/// migration export hands over (`GET /_emulator/export?format=passkeys`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortableKey {
    /// The COSE algorithm (-7 ES256, -35 ES384, -8 EdDSA, -257 RS256): the key's own `alg`, or
    /// the one its type implies.
    pub algorithm: i64,
    /// The algorithm's JOSE name.
    pub algorithm_name: &'static str,
    /// SubjectPublicKeyInfo, PEM (`-----BEGIN PUBLIC KEY-----`), as WebAuthn's
    /// `getPublicKey()` and most server libraries take it.
    pub spki_pem: String,
}

impl ParsedKey {
    /// The key as SPKI PEM with its algorithm. The DER is the curve crates' (p256, p384,
    /// ed25519-dalek, rsa), which also check that the point or modulus is a valid key.
    pub fn portable(&self) -> Result<PortableKey, String> {
        use p256::pkcs8::{EncodePublicKey, LineEnding};
        let missing = |what: &str| format!("COSE_Key has no {what}");
        let pem = |result: Result<String, p256::pkcs8::spki::Error>| {
            result.map_err(|error| format!("cannot encode the key: {error}"))
        };
        let (implied, name, spki_pem) = match &self.key.kty {
            RegisteredLabel::Assigned(iana::KeyType::OKP) => {
                let x = self
                    .param(iana::OkpKeyParameter::X.to_i64())
                    .ok_or_else(|| missing("x"))?;
                let bytes: [u8; 32] = x.try_into().map_err(|_| "an Ed25519 key has 32 bytes")?;
                let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes)
                    .map_err(|error| error.to_string())?;
                let pem = pem(key.to_public_key_pem(LineEnding::LF))?;
                (iana::Algorithm::EdDSA, "EdDSA", pem)
            }
            RegisteredLabel::Assigned(iana::KeyType::EC2) => {
                let x = self
                    .param(iana::Ec2KeyParameter::X.to_i64())
                    .ok_or_else(|| missing("x"))?;
                let y = self
                    .param(iana::Ec2KeyParameter::Y.to_i64())
                    .ok_or_else(|| missing("y"))?;
                let point = [&[0x04][..], x, y].concat();
                let curve = self.int_param(iana::Ec2KeyParameter::Crv.to_i64());
                if curve == Some(iana::EllipticCurve::P_384.to_i64()) {
                    let key = p384::PublicKey::from_sec1_bytes(&point)
                        .map_err(|_| "not a point of P-384")?;
                    let pem = pem(key.to_public_key_pem(LineEnding::LF))?;
                    (iana::Algorithm::ES384, "ES384", pem)
                } else {
                    let key = p256::PublicKey::from_sec1_bytes(&point)
                        .map_err(|_| "not a point of P-256")?;
                    let pem = pem(key.to_public_key_pem(LineEnding::LF))?;
                    (iana::Algorithm::ES256, "ES256", pem)
                }
            }
            RegisteredLabel::Assigned(iana::KeyType::RSA) => {
                let n = self
                    .param(iana::RsaKeyParameter::N.to_i64())
                    .ok_or_else(|| missing("n"))?;
                let e = self
                    .param(iana::RsaKeyParameter::E.to_i64())
                    .ok_or_else(|| missing("e"))?;
                let key = rsa::RsaPublicKey::new(
                    rsa::BigUint::from_bytes_be(n),
                    rsa::BigUint::from_bytes_be(e),
                )
                .map_err(|error| error.to_string())?;
                let pem = pem(key.to_public_key_pem(LineEnding::LF))?;
                (iana::Algorithm::RS256, "RS256", pem)
            }
            other => return Err(format!("COSE key type {other:?} is not EC2, OKP or RSA")),
        };
        let algorithm = match &self.key.alg {
            Some(RegisteredLabelWithPrivate::Assigned(alg)) => alg.to_i64(),
            _ => implied.to_i64(),
        };
        let algorithm_name = match iana::Algorithm::from_i64(algorithm) {
            Some(iana::Algorithm::ES256) => "ES256",
            Some(iana::Algorithm::ES384) => "ES384",
            Some(iana::Algorithm::EdDSA) => "EdDSA",
            Some(iana::Algorithm::RS256) => "RS256",
            _ => name,
        };
        Ok(PortableKey {
            algorithm,
            algorithm_name,
            spki_pem,
        })
    }
}

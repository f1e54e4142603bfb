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

    /// The key's parts by type: what both conversions below start from.
    fn parts(&self) -> Result<Parts<'_>, String> {
        let bytes = |label: i64, what: &str| {
            self.param(label)
                .ok_or_else(|| format!("COSE_Key has no {what}"))
        };
        match &self.key.kty {
            RegisteredLabel::Assigned(iana::KeyType::OKP) => Ok(Parts::Okp {
                x: bytes(iana::OkpKeyParameter::X.to_i64(), "x")?,
            }),
            RegisteredLabel::Assigned(iana::KeyType::EC2) => Ok(Parts::Ec2 {
                x: bytes(iana::Ec2KeyParameter::X.to_i64(), "x")?,
                y: bytes(iana::Ec2KeyParameter::Y.to_i64(), "y")?,
                p384: self.int_param(iana::Ec2KeyParameter::Crv.to_i64())
                    == Some(iana::EllipticCurve::P_384.to_i64()),
            }),
            RegisteredLabel::Assigned(iana::KeyType::RSA) => Ok(Parts::Rsa {
                n: bytes(iana::RsaKeyParameter::N.to_i64(), "n")?,
                e: bytes(iana::RsaKeyParameter::E.to_i64(), "e")?,
            }),
            other => Err(format!("COSE key type {other:?} is not EC2, OKP or RSA")),
        }
    }

    /// The key as `AuthenticatedCredential` takes it; EC2 keys are compressed (x and the
    /// parity of y).
    pub fn compressed(&self) -> Result<StoredKey<'_>, String> {
        match self.parts()? {
            Parts::Okp { x } => Ed25519PubKey::try_from(x)
                .map(CompressedPubKey::Ed25519)
                .map_err(|e| e.to_string()),
            Parts::Ec2 { x, y, p384 } => {
                let y_is_odd = y.last().is_some_and(|b| b & 1 == 1);
                if p384 {
                    CompressedP384PubKey::try_from((x, y_is_odd))
                        .map(CompressedPubKey::P384)
                        .map_err(|e| e.to_string())
                } else {
                    CompressedP256PubKey::try_from((x, y_is_odd))
                        .map(CompressedPubKey::P256)
                        .map_err(|e| e.to_string())
                }
            }
            Parts::Rsa { n, e } => {
                let e = e.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
                RsaPubKey::try_from((n, e))
                    .map(CompressedPubKey::Rsa)
                    .map_err(|e| e.to_string())
            }
        }
    }
}

/// A COSE_Key's parts, by key type.
enum Parts<'a> {
    Okp {
        x: &'a [u8],
    },
    Ec2 {
        x: &'a [u8],
        y: &'a [u8],
        p384: bool,
    },
    Rsa {
        n: &'a [u8],
        e: &'a [u8],
    },
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
    /// The key as SPKI PEM with its algorithm. aws-lc-rs parses the coordinates or modulus
    /// into its key type (which checks the point is on the curve) and writes the DER.
    pub fn portable(&self) -> Result<PortableKey, String> {
        use aws_lc_rs::encoding::AsDer;
        use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents};
        let rejected = |error: aws_lc_rs::error::KeyRejected| format!("not a valid key: {error}");
        let (implied, name, parsed) = match self.parts()? {
            Parts::Okp { x } => {
                let key = ParsedPublicKey::new(&signature::ED25519, x).map_err(rejected)?;
                (iana::Algorithm::EdDSA, "EdDSA", key)
            }
            Parts::Ec2 { x, y, p384 } => {
                let point = [&[0x04][..], x, y].concat();
                if p384 {
                    let key = ParsedPublicKey::new(&signature::ECDSA_P384_SHA384_ASN1, point)
                        .map_err(rejected)?;
                    (iana::Algorithm::ES384, "ES384", key)
                } else {
                    let key = ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, point)
                        .map_err(rejected)?;
                    (iana::Algorithm::ES256, "ES256", key)
                }
            }
            Parts::Rsa { n, e } => {
                let trim = |bytes: &[u8]| {
                    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
                    bytes[first..].to_vec()
                };
                let components = RsaPublicKeyComponents {
                    n: trim(n),
                    e: trim(e),
                };
                let key = components
                    .to_parsed_public_key(&signature::RSA_PKCS1_2048_8192_SHA256)
                    .map_err(rejected)?;
                (iana::Algorithm::RS256, "RS256", key)
            }
        };
        let der = parsed
            .as_der()
            .map_err(|_| "cannot encode the key".to_owned())?;
        let config = pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF);
        let spki_pem = pem::encode_config(&pem::Pem::new("PUBLIC KEY", der.as_ref()), config);
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

#[cfg(test)]
mod tests {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::signature::{ECDSA_P384_SHA384_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use coset::iana::{self, EnumI64};
    use coset::{CborSerializable, CoseKeyBuilder};

    use super::ParsedKey;
    use crate::domain::fixtures::{DEFAULT_FIXTURE, FixtureFile};
    use crate::domain::tokens::SigningKey;

    fn pem(der: &[u8]) -> String {
        let config = pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF);
        pem::encode_config(&pem::Pem::new("PUBLIC KEY", der), config)
    }

    /// An RSA COSE key gives the SPKI the token signer publishes for the same key.
    #[test]
    fn an_rsa_key_converts_to_the_spki_the_signing_key_publishes() {
        let file = FixtureFile::parse("default", DEFAULT_FIXTURE).unwrap();
        let fixture = file.apps[0].signing_key.as_ref().unwrap();
        let key =
            SigningKey::from_pem(fixture.kid.clone(), fixture.private_key_pem.clone()).unwrap();
        let jwk = key.jwk();
        let cose = CoseKeyBuilder::new()
            .key_type(iana::KeyType::RSA)
            .param(
                iana::RsaKeyParameter::N.to_i64(),
                URL_SAFE_NO_PAD.decode(&jwk.n).unwrap().into(),
            )
            .param(
                iana::RsaKeyParameter::E.to_i64(),
                URL_SAFE_NO_PAD.decode(&jwk.e).unwrap().into(),
            )
            .build()
            .to_vec()
            .unwrap();
        let portable = ParsedKey::parse(&cose).unwrap().portable().unwrap();
        let published = String::from_utf8(STANDARD.decode(key.rsa_public_key()).unwrap()).unwrap();
        assert_eq!(portable.spki_pem, published);
        assert_eq!(
            (portable.algorithm, portable.algorithm_name),
            (-257, "RS256")
        );
    }

    /// A P-384 COSE key gives the SPKI aws-lc-rs writes for the key pair.
    #[test]
    fn a_p384_key_converts_to_its_spki() {
        let pair = EcdsaKeyPair::generate(&ECDSA_P384_SHA384_ASN1_SIGNING).unwrap();
        let point = pair.public_key().as_ref().to_vec();
        let cose = CoseKeyBuilder::new_ec2_pub_key(
            iana::EllipticCurve::P_384,
            point[1..49].to_vec(),
            point[49..].to_vec(),
        )
        .algorithm(iana::Algorithm::ES384)
        .build()
        .to_vec()
        .unwrap();
        let portable = ParsedKey::parse(&cose).unwrap().portable().unwrap();
        let expected = pair.public_key().as_der().unwrap();
        assert_eq!(portable.spki_pem, pem(expected.as_ref()));
        assert_eq!(
            (portable.algorithm, portable.algorithm_name),
            (-35, "ES384")
        );
    }

    /// A point off the curve is refused, not exported.
    #[test]
    fn a_point_off_the_curve_is_refused() {
        let cose =
            CoseKeyBuilder::new_ec2_pub_key(iana::EllipticCurve::P_256, vec![1; 32], vec![2; 32])
                .build()
                .to_vec()
                .unwrap();
        let error = ParsedKey::parse(&cose).unwrap().portable().unwrap_err();
        assert!(error.starts_with("not a valid key"), "{error}");
    }
}

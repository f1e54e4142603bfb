//! The built-in virtual authenticator: 1Password's passkey-client (the browser's part: client
//! data, rp id checks) driving passkey-authenticator (the device's part: keys, signatures,
//! counters). It answers the options of a handshake with the `handshake_response` a browser
//! would have sent, so suites without a browser can register and log in with passkeys.
//!
//! Stateless here: the caller passes the authenticator's settings and credentials in and
//! stores what a ceremony created or changed. Knows no HTTP and no database.

mod store;

use coset::CborSerializable;
use passkey_authenticator::Authenticator;
use passkey_client::{Client, DefaultClientData};
use passkey_crypto::aws_lc_rs::AwsLcRsSecretKey;
use passkey_crypto::{CoseKey, CryptoBackend, Pkcs8, PublicKeyT, SecretKeyT, iana};
use passkey_types::ctap2::Aaguid;
use passkey_types::webauthn::{CredentialCreationOptions, CredentialRequestOptions};
use passkey_types::{CredentialExtensions, Passkey};
use serde_json::Value;

use store::{Backend, CeremonyStore, VerifiedUser};

/// The algorithm an authenticator makes new credentials with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Es256,
    EdDsa,
}

impl Algorithm {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ES256" => Some(Self::Es256),
            "EdDSA" => Some(Self::EdDsa),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::EdDsa => "EdDSA",
        }
    }

    fn iana(self) -> iana::Algorithm {
        match self {
            Self::Es256 => iana::Algorithm::ES256,
            Self::EdDsa => iana::Algorithm::EdDSA,
        }
    }
}

/// How an authenticator behaves.
#[derive(Debug, Clone)]
pub struct Spec {
    pub aaguid: [u8; 16],
    pub algorithm: Algorithm,
    /// Whether new credentials count signatures (synced passkeys stay at 0).
    pub sign_count: bool,
    /// The private key (COSE_Key) new credentials use; a fresh one each time when `None`.
    pub private_key: Option<Vec<u8>>,
}

/// A credential the authenticator holds. `private_key` is a COSE_Key with its private part.
#[derive(Debug, Clone)]
pub struct Credential {
    pub cred_id: Vec<u8>,
    pub rp_id: String,
    pub user_handle: Option<Vec<u8>>,
    pub private_key: Vec<u8>,
    pub sign_count: Option<u32>,
}

impl Credential {
    fn to_passkey(&self) -> Result<Passkey, String> {
        Ok(Passkey {
            key: CoseKey::from_slice(&self.private_key).map_err(|e| e.to_string())?,
            credential_id: self.cred_id.clone().into(),
            rp_id: self.rp_id.clone(),
            user_handle: self.user_handle.clone().map(Into::into),
            username: None,
            user_display_name: None,
            counter: self.sign_count,
            extensions: CredentialExtensions::default(),
        })
    }

    fn from_passkey(passkey: Passkey) -> Result<Self, String> {
        Ok(Self {
            cred_id: passkey.credential_id.to_vec(),
            rp_id: passkey.rp_id,
            user_handle: passkey.user_handle.map(|h| h.to_vec()),
            private_key: passkey.key.to_vec().map_err(|e| e.to_string())?,
            sign_count: passkey.counter,
        })
    }
}

type VirtualAuthenticator = Authenticator<CeremonyStore, VerifiedUser, Backend>;

fn authenticator(spec: &Spec, credentials: &[Credential]) -> Result<VirtualAuthenticator, String> {
    let credentials = credentials
        .iter()
        .map(Credential::to_passkey)
        .collect::<Result<Vec<_>, _>>()?;
    let fixed = match &spec.private_key {
        Some(bytes) => Some(CoseKey::from_slice(bytes).map_err(|e| e.to_string())?),
        None => None,
    };
    let store = CeremonyStore {
        credentials,
        ..CeremonyStore::default()
    };
    let mut authenticator = Authenticator::new(
        Aaguid(spec.aaguid),
        store,
        VerifiedUser,
        Backend::new(fixed),
    );
    authenticator
        .set_algorithms(&[spec.algorithm.iana()])
        .map_err(|e| format!("algorithm: {e:?}"))?;
    authenticator.set_make_credentials_with_signature_counter(spec.sign_count);
    Ok(authenticator)
}

fn origin_url(origin: &str) -> Result<url::Url, String> {
    url::Url::parse(origin).map_err(|e| format!("origin {origin}: {e}"))
}

/// Answers creation options (`handshake.challenge`, i.e. `{"publicKey": {...}}`) from
/// `origin`: the `handshake_response` and the credential to keep. `credentials` are those it
/// holds already (an excluded one makes it refuse, as a real authenticator does).
pub async fn register(
    spec: &Spec,
    credentials: &[Credential],
    origin: &str,
    options: Value,
) -> Result<(Value, Credential), String> {
    let request: CredentialCreationOptions =
        serde_json::from_value(options).map_err(|e| format!("creation options: {e}"))?;
    let mut client = Client::new(authenticator(spec, credentials)?).allows_insecure_localhost(true);
    let response = client
        .register(&origin_url(origin)?, request, DefaultClientData)
        .await
        .map_err(|e| format!("the authenticator refused: {e:?}"))?;
    let created = client
        .authenticator_mut()
        .store_mut()
        .created
        .take()
        .ok_or("the authenticator kept no credential")?;
    let json = serde_json::to_value(&response).map_err(|e| e.to_string())?;
    Ok((json, Credential::from_passkey(created)?))
}

/// Answers request options with an assertion from one of `credentials`: the
/// `handshake_response` and the credential as it is now (its counter moved).
pub async fn login(
    spec: &Spec,
    credentials: &[Credential],
    origin: &str,
    options: Value,
) -> Result<(Value, Option<Credential>), String> {
    let request: CredentialRequestOptions =
        serde_json::from_value(options).map_err(|e| format!("request options: {e}"))?;
    let mut client = Client::new(authenticator(spec, credentials)?).allows_insecure_localhost(true);
    let response = client
        .authenticate(&origin_url(origin)?, request, DefaultClientData)
        .await
        .map_err(|e| format!("the authenticator refused: {e:?}"))?;
    let updated = client.authenticator_mut().store_mut().updated.take();
    let json = serde_json::to_value(&response).map_err(|e| e.to_string())?;
    Ok((json, updated.map(Credential::from_passkey).transpose()?))
}

/// A new private key (COSE_Key) for `algorithm`.
pub fn generate_private_key(algorithm: Algorithm) -> Result<Vec<u8>, String> {
    let key = passkey_crypto::aws_lc_rs::AwsLcRsBackend
        .generate_key(algorithm.iana())
        .map_err(|e| e.to_string())?;
    key.to_cose_key().to_vec().map_err(|e| e.to_string())
}

/// A PKCS#8 private key (PEM, P-256 or Ed25519) as a COSE_Key, with its algorithm.
pub fn private_key_from_pem(text: &str) -> Result<(Vec<u8>, Algorithm), String> {
    let pem = pem::parse(text).map_err(|e| format!("private_key is not PEM: {e}"))?;
    let key = AwsLcRsSecretKey::from_pkcs8(pem.contents())
        .map_err(|e| format!("private_key is not a PKCS#8 P-256 or Ed25519 key: {e}"))?;
    let cose = key.to_cose_key();
    let algorithm = algorithm_of(&cose)?;
    Ok((cose.to_vec().map_err(|e| e.to_string())?, algorithm))
}

/// The algorithm of a private COSE_Key (what a fixture's authenticator registers with).
pub fn private_key_algorithm(private_key: &[u8]) -> Result<Algorithm, String> {
    algorithm_of(&CoseKey::from_slice(private_key).map_err(|e| e.to_string())?)
}

fn algorithm_of(key: &CoseKey) -> Result<Algorithm, String> {
    match &key.alg {
        Some(coset::RegisteredLabelWithPrivate::Assigned(iana::Algorithm::EdDSA)) => {
            Ok(Algorithm::EdDsa)
        }
        Some(coset::RegisteredLabelWithPrivate::Assigned(iana::Algorithm::ES256)) => {
            Ok(Algorithm::Es256)
        }
        other => Err(format!("private_key: unsupported algorithm {other:?}")),
    }
}

/// The PKCS#8 PEM of a private COSE_Key (what Chromium's CDP `addCredential` takes, base64).
pub fn private_key_pem(private_key: &[u8]) -> Result<String, String> {
    let key = secret_key(private_key)?;
    let der = key.to_pkcs8().map_err(|e| e.to_string())?;
    Ok(pem::encode(&pem::Pem::new("PRIVATE KEY", der)))
}

/// The public half of a private COSE_Key, as a COSE_Key (what a device stores).
pub fn public_key(private_key: &[u8]) -> Result<Vec<u8>, String> {
    let key = secret_key(private_key)?;
    key.public_key()
        .to_cose_key()
        .to_vec()
        .map_err(|e| e.to_string())
}

fn secret_key(private_key: &[u8]) -> Result<AwsLcRsSecretKey, String> {
    let cose = CoseKey::from_slice(private_key).map_err(|e| e.to_string())?;
    AwsLcRsSecretKey::from_cose_key(&cose).map_err(|e| format!("private key: {e:?}"))
}

#[cfg(test)]
mod tests;

//! The pieces passkey-authenticator asks its host for: a credential store, a user who always
//! consents and verifies, and a crypto backend that can be told which key to "generate".

use passkey_authenticator::{
    CredentialStore, DiscoverabilitySupport, StoreInfo, UiHint, UserCheck, UserValidationMethod,
};
use passkey_crypto::aws_lc_rs::{AwsLcRsBackend, AwsLcRsRng, AwsLcRsSecretKey, AwsLcRsSha2};
use passkey_crypto::{CoseKey, CryptoBackend, SecretKeyT, iana};
use passkey_types::Passkey;
use passkey_types::ctap2::make_credential::{
    Options, PublicKeyCredentialRpEntity, PublicKeyCredentialUserEntity,
};
use passkey_types::ctap2::{Ctap2Error, StatusCode};
use passkey_types::webauthn::PublicKeyCredentialDescriptor;

/// The authenticator's credentials for one ceremony, and what the ceremony changed.
#[derive(Default)]
pub struct CeremonyStore {
    pub credentials: Vec<Passkey>,
    /// Set by a registration.
    pub created: Option<Passkey>,
    /// Set by a login (the counter moved).
    pub updated: Option<Passkey>,
}

#[async_trait::async_trait]
impl CredentialStore for CeremonyStore {
    type PasskeyItem = Passkey;

    async fn find_credentials(
        &self,
        ids: Option<&[PublicKeyCredentialDescriptor]>,
        rp_id: &str,
        user_handle: Option<&[u8]>,
    ) -> Result<Vec<Passkey>, StatusCode> {
        let found: Vec<Passkey> = self
            .credentials
            .iter()
            .filter(|p| p.rp_id == rp_id)
            .filter(|p| match ids {
                Some(ids) if !ids.is_empty() => ids.iter().any(|d| d.id == p.credential_id),
                _ => true,
            })
            .filter(|p| match user_handle {
                Some(handle) => p.user_handle.as_deref().map(Vec::as_slice) == Some(handle),
                None => true,
            })
            .cloned()
            .collect();
        if found.is_empty() {
            Err(Ctap2Error::NoCredentials.into())
        } else {
            Ok(found)
        }
    }

    async fn save_credential(
        &mut self,
        credential: Passkey,
        _user: PublicKeyCredentialUserEntity,
        _rp: PublicKeyCredentialRpEntity,
        _options: Options,
    ) -> Result<(), StatusCode> {
        self.created = Some(credential);
        Ok(())
    }

    async fn update_credential(&mut self, credential: &Passkey) -> Result<(), StatusCode> {
        self.updated = Some(credential.clone());
        Ok(())
    }

    async fn get_info(&self) -> StoreInfo {
        // Every credential keeps its user handle, as platform passkeys do.
        StoreInfo {
            discoverability: DiscoverabilitySupport::ForcedDiscoverable,
        }
    }
}

/// A user who is present and verified for every request, and who stops a registration the
/// authenticator already holds an excluded credential for.
pub struct VerifiedUser;

#[async_trait::async_trait]
impl UserValidationMethod for VerifiedUser {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        hint: UiHint<'a, Passkey>,
        presence: bool,
        verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        // The authenticator only tells its user about these; the user ends the request.
        match hint {
            UiHint::InformExcludedCredentialFound(_) => return Err(Ctap2Error::CredentialExcluded),
            UiHint::InformNoCredentialsFound => return Err(Ctap2Error::NoCredentials),
            _ => {}
        }
        Ok(UserCheck {
            presence,
            verification,
        })
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}

/// aws-lc-rs, except that new credentials use `fixed` when one is given: an authenticator
/// made from a known private key registers credentials with that key.
pub struct Backend {
    fixed: Option<CoseKey>,
}

impl Backend {
    pub fn new(fixed: Option<CoseKey>) -> Self {
        Self { fixed }
    }
}

impl CryptoBackend for Backend {
    type Rng = AwsLcRsRng;
    type Sha256 = AwsLcRsSha2;
    type SecretKey = AwsLcRsSecretKey;

    fn enumerate_algorithms(&self) -> Vec<iana::Algorithm> {
        vec![iana::Algorithm::ES256, iana::Algorithm::EdDSA]
    }

    fn generate_key(
        &self,
        algorithm: iana::Algorithm,
    ) -> Result<Self::SecretKey, passkey_crypto::Error> {
        match &self.fixed {
            Some(key) => AwsLcRsSecretKey::from_cose_key(key)
                .map_err(|e| format!("private key: {e:?}").into()),
            None => AwsLcRsBackend.generate_key(algorithm),
        }
    }
}

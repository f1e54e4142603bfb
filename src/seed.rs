//! Seeding: fixtures, then what every app needs to issue tokens (an active signing key).
//! Used at start-up and by `POST /_emulator/fixtures`.

use std::collections::BTreeMap;

use crate::authenticator;
use crate::clock::Clock;
use crate::domain::device::EMULATOR_AAGUID;
use crate::domain::fixture_devices::base64url;
use crate::domain::fixtures::FixtureFile;
use crate::domain::ids::new_id;
use crate::domain::tokens::SigningKey;
use crate::store::{AuthenticatorRecord, CredentialRecord, FixtureSummary, Store, WriteError};
use crate::webauthn::{RelyingParty, user_handle};

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The fixtures contradict themselves or the database (a taken email, a foreign id).
    #[error("{0}")]
    Invalid(String),
    /// The database or key generation failed.
    #[error("{0}")]
    Internal(String),
}

impl From<WriteError> for SeedError {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::Conflict(message) => Self::Invalid(message),
            WriteError::Database(error) => Self::Internal(error.to_string()),
        }
    }
}

/// Loads a fixture file (one transaction), then gives keys to apps that have none.
pub async fn load_fixtures(
    store: &Store,
    clock: &Clock,
    file: &FixtureFile,
) -> Result<FixtureSummary, SeedError> {
    let summary = store.load_fixtures(file, clock.timestamp()).await?;
    load_fixture_authenticators(store, clock, file).await?;
    ensure_signing_keys(store, clock).await?;
    Ok(summary)
}

/// Fixture passkeys with a private key: a virtual authenticator holding them (one per
/// `authenticator_id`, default the device id), so a test can log in as that user.
async fn load_fixture_authenticators(
    store: &Store,
    clock: &Clock,
    file: &FixtureFile,
) -> Result<(), SeedError> {
    let now = clock.timestamp().0;
    let mut authenticators: BTreeMap<String, (AuthenticatorRecord, Vec<CredentialRecord>)> =
        BTreeMap::new();
    for app in &file.apps {
        let rp = RelyingParty::for_app(&app.settings).map_err(SeedError::Invalid)?;
        for user in &app.users {
            for device in &user.devices {
                let Some(private_key) = &device.private_key_cose else {
                    continue;
                };
                let algorithm = authenticator::private_key_algorithm(private_key)
                    .map_err(SeedError::Invalid)?;
                let id = device
                    .authenticator_id
                    .clone()
                    .unwrap_or_else(|| device.id.clone());
                let entry = authenticators.entry(id.clone()).or_insert_with(|| {
                    let record = AuthenticatorRecord {
                        name: format!("Fixture authenticator {id}"),
                        id,
                        aaguid: EMULATOR_AAGUID.to_owned(),
                        algorithm: algorithm.as_str().to_owned(),
                        sign_count: true,
                        private_key: Some(private_key.clone()),
                        created_at: now,
                    };
                    (record, Vec::new())
                });
                entry.1.push(CredentialRecord {
                    cred_id: decode(&device.cred_id)?,
                    rp_id: rp.id().to_owned(),
                    user_handle: Some(user_handle(&user.id).as_ref().to_vec()),
                    private_key: private_key.clone(),
                    sign_count: Some(device.sign_count),
                    created_at: now,
                });
            }
        }
    }
    // The document's own authenticators (an export's) replace derived ones of the same id.
    for fixture in &file.authenticators {
        let mut credentials = Vec::with_capacity(fixture.credentials.len());
        for credential in &fixture.credentials {
            credentials.push(CredentialRecord {
                cred_id: decode(&credential.cred_id)?,
                rp_id: credential.rp_id.clone(),
                user_handle: credential.user_handle.as_deref().map(decode).transpose()?,
                private_key: credential.private_key_cose.clone(),
                sign_count: credential.sign_count,
                created_at: credential.created_at.map_or(now, |at| at.0),
            });
        }
        let record = AuthenticatorRecord {
            id: fixture.id.clone(),
            name: fixture.name.clone(),
            aaguid: fixture.aaguid.clone(),
            algorithm: fixture.algorithm.clone(),
            sign_count: fixture.sign_count,
            private_key: fixture.private_key_cose.clone(),
            created_at: fixture.created_at.map_or(now, |at| at.0),
        };
        authenticators.insert(fixture.id.clone(), (record, credentials));
    }
    for (record, credentials) in authenticators.values() {
        store.put_authenticator(record, credentials).await?;
    }
    Ok(())
}

/// base64url (checked when the document was parsed).
fn decode(text: &str) -> Result<Vec<u8>, SeedError> {
    base64url(text).map_err(SeedError::Invalid)
}

/// Generates and activates a signing key for every app without an active one.
pub async fn ensure_signing_keys(store: &Store, clock: &Clock) -> Result<(), SeedError> {
    let apps = store
        .apps_without_signing_key()
        .await
        .map_err(|error| SeedError::Internal(error.to_string()))?;
    for app_id in apps {
        let key = SigningKey::generate_blocking(new_id())
            .await
            .map_err(SeedError::Internal)?;
        let now = clock.timestamp();
        store.activate_signing_key(&app_id, &key, now).await?;
    }
    Ok(())
}

//! Seeding: fixtures, then what every app needs to issue tokens (an active signing key).
//! Used at start-up and by `POST /_emulator/fixtures`.

use crate::clock::Clock;
use crate::domain::fixtures::FixtureFile;
use crate::domain::ids::new_id;
use crate::domain::tokens::SigningKey;
use crate::store::{FixtureSummary, Store, WriteError};

#[derive(Debug)]
pub enum SeedError {
    /// The fixtures contradict themselves or the database (a taken email, a foreign id).
    Invalid(String),
    /// The database or key generation failed.
    Internal(String),
}

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid(message) | Self::Internal(message) => f.write_str(message),
        }
    }
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
    ensure_signing_keys(store, clock).await?;
    Ok(summary)
}

/// Generates and activates a signing key for every app without an active one.
pub async fn ensure_signing_keys(store: &Store, clock: &Clock) -> Result<(), SeedError> {
    let apps = store
        .apps_without_signing_key()
        .await
        .map_err(|error| SeedError::Internal(error.to_string()))?;
    for app_id in apps {
        let key = SigningKey::generate(new_id()).map_err(SeedError::Internal)?;
        let now = clock.timestamp();
        store.activate_signing_key(&app_id, &key, now).await?;
    }
    Ok(())
}

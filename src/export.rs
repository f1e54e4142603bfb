//! The state as a fixture document (`GET /_emulator/export`, `--export-on-exit`): what
//! loading it into a fresh emulator (`--fixtures`, `POST /_emulator/fixtures`) turns back into
//! the same apps, keys, email templates, users, passkeys and virtual authenticators.
//!
//! Not in it: sessions, refresh tokens, passcodes, links, the inbox and events (what a run
//! does, not what it is set up with; snapshots keep those). API keys go by hash, so the
//! plaintext is never written; signing keys and the authenticators' keys go as PEM, since a
//! token or a passkey login has to work after the load.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use time::Duration;

use crate::authenticator::private_key_pem;
use crate::domain::app::App;
use crate::domain::fixtures::{
    FixtureApp, FixtureAuthenticator, FixtureCredential, FixtureDevice, FixtureEmailTemplate,
    FixtureFile, FixtureMetadataField, FixtureUser,
};
use crate::domain::social::FixtureSocialConnection;
use crate::domain::timestamp::Timestamp;
use crate::domain::user::UserWithDevices;
use crate::store::Store;

/// An export that could not be made: a stored key that no longer parses.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Key(String),
}

/// The apps `ids` (oldest first) with everything of theirs, and the virtual authenticators:
/// all of them when `every_app`, else those holding a passkey of an exported user.
pub async fn fixture_document(
    store: &Store,
    now: Timestamp,
    ids: &[String],
    every_app: bool,
) -> Result<FixtureFile, ExportError> {
    let mut apps = Vec::with_capacity(ids.len());
    let mut cred_ids = HashSet::new();
    for id in ids {
        let Some(app) = store.app(id).await? else {
            continue;
        };
        let users = store.export_users(id).await?;
        cred_ids.extend(
            users
                .iter()
                .flat_map(|user| user.devices.iter().map(|d| d.cred_id.clone())),
        );
        apps.push(fixture_app(store, now, app, users).await?);
    }
    let mut authenticators = Vec::new();
    for record in store.authenticators().await? {
        let credentials = store.authenticator_credentials(&record.id).await?;
        let holds_exported = credentials
            .iter()
            .any(|c| cred_ids.contains(&URL_SAFE_NO_PAD.encode(&c.cred_id)));
        if !every_app && !holds_exported {
            continue;
        }
        let pem = |key: &[u8]| private_key_pem(key).map_err(ExportError::Key);
        let mut exported = Vec::with_capacity(credentials.len());
        for credential in credentials {
            exported.push(FixtureCredential {
                cred_id: URL_SAFE_NO_PAD.encode(&credential.cred_id),
                rp_id: credential.rp_id,
                user_handle: credential.user_handle.map(|h| URL_SAFE_NO_PAD.encode(h)),
                private_key: pem(&credential.private_key)?,
                private_key_cose: Vec::new(),
                sign_count: credential.sign_count,
                created_at: Some(Timestamp(credential.created_at)),
            });
        }
        authenticators.push(FixtureAuthenticator {
            private_key: record.private_key.as_deref().map(pem).transpose()?,
            id: record.id,
            name: record.name,
            aaguid: record.aaguid,
            algorithm: record.algorithm,
            sign_count: record.sign_count,
            private_key_cose: None,
            created_at: Some(Timestamp(record.created_at)),
            credentials: exported,
        });
    }
    Ok(FixtureFile {
        schema: None,
        apps,
        authenticators,
    })
}

async fn fixture_app(
    store: &Store,
    now: Timestamp,
    app: App,
    users: Vec<UserWithDevices>,
) -> Result<FixtureApp, ExportError> {
    // The keys a JWKS still publishes: every token that still verifies keeps verifying.
    let grace = Duration::seconds(app.settings.session_timeout_length);
    let (signing_key, retired_signing_keys) = store
        .exported_signing_keys(&app.id, now.plus(-grace))
        .await?;
    let api_keys = store.exported_api_keys(&app.id).await?;
    let user_metadata_schema = app
        .user_metadata_schema
        .into_iter()
        .map(|field| FixtureMetadataField {
            id: Some(field.id),
            field_name: Some(field.field_name),
            friendly_name: field.friendly_name,
            field_type: field.field_type,
            profile: field.profile,
            registration: field.registration,
        })
        .collect();
    Ok(FixtureApp {
        id: app.id,
        settings: app.settings,
        api_keys,
        signing_key,
        retired_signing_keys,
        user_metadata_schema,
        email_templates: app
            .email_templates
            .into_iter()
            .map(|template| FixtureEmailTemplate {
                id: Some(template.id),
                template_type: template.template_type,
                enabled: template.enabled,
                subject: template.subject,
                html: template.html,
            })
            .collect(),
        users: users.into_iter().map(fixture_user).collect(),
    })
}

fn fixture_user(found: UserWithDevices) -> FixtureUser {
    let user = found.user;
    let never = |at: Timestamp| (at != Timestamp::NEVER).then_some(at);
    FixtureUser {
        devices: found
            .devices
            .into_iter()
            .map(|device| FixtureDevice {
                id: device.id,
                cred_id: device.cred_id,
                public_key: URL_SAFE_NO_PAD.encode(&device.public_key),
                private_key: None,
                authenticator_id: None,
                private_key_cose: None,
                friendly_name: device.friendly_name,
                device_type: device.device_type,
                sign_count: device.sign_count,
                usage_count: device.usage_count,
                aaguid: device.aaguid,
                transports: device.transports,
                backup_eligible: device.backup_eligible,
                backup_state: device.backup_state,
                created_at: Some(device.created_at),
                last_login_at: never(device.last_login_at),
                updated_at: Some(device.updated_at),
            })
            .collect(),
        social_connections: found
            .social_connections
            .into_iter()
            .map(|connection| FixtureSocialConnection {
                provider: connection.provider,
                email: connection.provider_identifier,
                provider_id: Some(connection.provider_id),
                created_at: Some(connection.created_at),
                last_login_at: never(connection.last_login_at),
            })
            .collect(),
        id: user.id,
        email: user.email,
        phone: user.phone,
        external_id: user.external_id,
        status: user.status,
        email_verified: user.email_verified,
        phone_verified: user.phone_verified,
        user_metadata: user.user_metadata,
        login_count: user.login_count,
        created_at: Some(user.created_at),
        last_login_at: never(user.last_login_at),
        updated_at: Some(user.updated_at),
    }
}

/// `--export-on-exit`: every app's state to `path` as a fixture document, written whole or
/// not at all (a temporary file renamed over it), readable by its owner only (it holds
/// private keys).
pub async fn write_file(
    store: &Store,
    now: Timestamp,
    path: &std::path::Path,
) -> std::io::Result<()> {
    let ids = store.app_ids().await.map_err(std::io::Error::other)?;
    let document = fixture_document(store, now, &ids, true)
        .await
        .map_err(std::io::Error::other)?;
    let json = serde_json::to_vec_pretty(&document).map_err(std::io::Error::other)?;
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = std::path::PathBuf::from(temporary);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&temporary)
        .and_then(|mut file| std::io::Write::write_all(&mut file, &json))
        .and_then(|()| std::fs::rename(&temporary, path));
    match written {
        Ok(()) => {
            tracing::info!(path = %path.display(), "state exported");
            Ok(())
        }
        Err(error) => {
            let _ = std::fs::remove_file(&temporary);
            tracing::error!(path = %path.display(), %error, "exporting the state failed");
            Err(std::io::Error::new(
                error.kind(),
                format!("--export-on-exit {}: {error}", path.display()),
            ))
        }
    }
}

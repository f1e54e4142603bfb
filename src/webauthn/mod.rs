//! The relying party: WebAuthn registration and authentication ceremonies, checked by the
//! `webauthn_rp` crate (client data type, challenge, origin, rp id hash, flags, signature,
//! sign counter). Knows no HTTP and no database: start calls return the options to send and
//! the server state to keep; finish calls take that state back with the browser's response.
//!
//! The app is the relying party: its rp id is the host of `auth_origin`, and the origins a
//! response may come from are `auth_origin` and `additional_auth_origins`.

mod ceremony;
pub mod keys;

pub use ceremony::{
    Attachment, NewCredential, Started, StoredCredential, finish_login, finish_registration,
    parse_assertion, start_login, start_registration,
};

use sha2::{Digest, Sha256};
use webauthn_rp::request::register::UserHandle;
use webauthn_rp::request::{AsciiDomain, RpId};

use crate::domain::app::AppSettings;

/// User handles are 32 bytes: the SHA-256 of the Passage user id.
// Emulator: Passage's user handle format is unknown; a digest keeps any fixture id (up to 128
// characters) under WebAuthn's 64-byte limit and maps back to the user through the device.
pub const USER_HANDLE_LEN: usize = 32;
pub type Handle = UserHandle<USER_HANDLE_LEN>;

pub fn user_handle(user_id: &str) -> Handle {
    let digest: [u8; USER_HANDLE_LEN] = Sha256::digest(user_id.as_bytes()).into();
    Handle::from(digest)
}

/// What a ceremony failed on, in words a developer can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CeremonyError(pub String);

impl std::fmt::Display for CeremonyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An app as a relying party.
pub struct RelyingParty {
    rp_id: RpId,
    name: String,
    origins: Vec<String>,
}

impl RelyingParty {
    pub fn for_app(settings: &AppSettings) -> Result<Self, String> {
        let url = url::Url::parse(&settings.auth_origin)
            .map_err(|error| format!("auth_origin {}: {error}", settings.auth_origin))?;
        let host = url
            .host_str()
            .ok_or_else(|| format!("auth_origin {} has no host", settings.auth_origin))?;
        let domain = AsciiDomain::try_from(host.to_owned())
            .map_err(|error| format!("auth_origin host {host} is not a valid rp id: {error}"))?;
        let mut origins = vec![origin_of(&settings.auth_origin)];
        origins.extend(
            settings
                .additional_auth_origins
                .iter()
                .map(|o| origin_of(o)),
        );
        Ok(Self {
            rp_id: RpId::Domain(domain),
            name: settings.name.clone(),
            origins,
        })
    }

    pub fn id(&self) -> &str {
        self.rp_id.as_ref()
    }
}

/// Browsers write origins without a trailing slash or path.
fn origin_of(text: &str) -> String {
    text.trim_end_matches('/').to_owned()
}

//! Social login: the three providers Passage offered, the identities the emulator's stand-ins
//! vouch for, and PKCE.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::timestamp::Timestamp;

/// Which sign-in trip an OAuth grant or code belongs to: a social login (to a provider and
/// back) or a hosted login (Passage's own page, as an OIDC provider). Stored with both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantKind {
    Social,
    Hosted,
}

impl GrantKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Social => "social",
            Self::Hosted => "hosted",
        }
    }
}

impl TryFrom<String> for GrantKind {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        match text.as_str() {
            "social" => Ok(Self::Social),
            "hosted" => Ok(Self::Hosted),
            _ => Err(format!("`{text}` is not a grant kind")),
        }
    }
}

/// Passage: `OAuth2ConnectionType` without `passage` (hosted login has its own endpoints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Apple,
    Github,
    Google,
}

impl Provider {
    pub const ALL: [Provider; 3] = [Provider::Apple, Provider::Github, Provider::Google];

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Apple => "apple",
            Self::Github => "github",
            Self::Google => "google",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Self::Apple => "Apple",
            Self::Github => "GitHub",
            Self::Google => "Google",
        }
    }

    /// Apple answers sign-ins that ask for name or email with an auto-submitted form
    /// (`response_mode=form_post`); Google and GitHub redirect with a query string.
    pub fn posts_form(self) -> bool {
        self == Self::Apple
    }

    /// The client id the stand-in knows the app by when the app configured none: Passage's
    /// shared "dev" credentials.
    pub fn dev_client_id(self) -> String {
        format!("passage-emulator-dev-{}", self.as_str())
    }

    /// The provider's stable subject for an email, in the provider's own shape: Google's
    /// 21-digit number, GitHub's integer id, Apple's `000123.<hex>.0123`. The same email gets
    /// the same id every time, so a person links to the same user on every sign-in.
    pub fn subject_for(self, email: &str) -> String {
        let digest = Sha256::digest(format!("{}:{}", self.as_str(), email.to_lowercase()));
        let number = u128::from_be_bytes(digest[..16].try_into().expect("16 bytes"));
        match self {
            Self::Google => format!("1{:020}", number % 10u128.pow(20)),
            Self::Github => format!("{}", 10_000_000 + number % 90_000_000),
            Self::Apple => {
                let hex: String = digest[16..].iter().map(|b| format!("{b:02x}")).collect();
                format!(
                    "000{:03}.{hex}.{:04}",
                    number % 1000,
                    (number >> 20) % 10_000
                )
            }
        }
    }
}

/// Who signed in at a provider stand-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProviderIdentity {
    pub provider: Provider,
    /// The provider's subject (`sub`, GitHub's id).
    pub provider_id: String,
    /// The email the provider vouches for (Passage: `provider_identifier`).
    pub email: String,
    #[serde(default)]
    pub name: String,
}

impl ProviderIdentity {
    pub fn new(provider: Provider, email: &str, name: &str) -> Self {
        Self {
            provider,
            provider_id: provider.subject_for(email),
            email: email.to_lowercase(),
            name: name.to_owned(),
        }
    }
}

/// An identity an app offers on a stand-in's sign-in page (fixtures, app settings).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SocialIdentity {
    pub email: String,
    #[serde(default)]
    pub name: String,
}

/// Emulator: an app's social providers. A provider present here is "configured": the Auth
/// `App` lists it with its client id and its sign-ins come back through the app's own callback.
/// A provider left out still works, with Passage's shared dev credentials and callback.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SocialSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apple: Option<ProviderSettings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub github: Option<ProviderSettings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google: Option<ProviderSettings>,
}

/// One configured provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ProviderSettings {
    /// The client id the app registered with the provider (`""`: a made-up one).
    pub client_id: String,
    /// The people the stand-in's sign-in page offers to pick.
    pub identities: Vec<SocialIdentity>,
}

impl SocialSettings {
    pub fn is_empty(&self) -> bool {
        self.apple.is_none() && self.github.is_none() && self.google.is_none()
    }

    pub fn get(&self, provider: Provider) -> Option<&ProviderSettings> {
        match provider {
            Provider::Apple => self.apple.as_ref(),
            Provider::Github => self.github.as_ref(),
            Provider::Google => self.google.as_ref(),
        }
    }

    /// The client id the stand-in knows the app by for this provider.
    pub fn client_id(&self, app_id: &str, provider: Provider) -> String {
        match self.get(provider) {
            Some(settings) if !settings.client_id.is_empty() => settings.client_id.clone(),
            Some(_) => format!("{app_id}.{}.emulator", provider.as_str()),
            None => provider.dev_client_id(),
        }
    }

    /// The identities offered on the provider's page.
    pub fn identities(&self, provider: Provider) -> &[SocialIdentity] {
        self.get(provider)
            .map(|settings| settings.identities.as_slice())
            .unwrap_or_default()
    }

    /// `Err` names the setting: every offered identity needs a plausible email.
    pub fn validate(&self) -> Result<(), String> {
        for provider in Provider::ALL {
            for identity in self.identities(provider) {
                if super::identifiers::normalize_email(&identity.email).is_err() {
                    return Err(format!(
                        "social_connections.{}.identities: `{}` is not an email address",
                        provider.as_str(),
                        identity.email
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Fixtures: a provider account already linked to a user; its provider id is the one the
/// stand-in gives the email.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixtureSocialConnection {
    pub provider: Provider,
    /// The email the provider vouches for (default: the user's email).
    #[serde(default)]
    pub email: String,
    /// The provider's subject for the account (default: the one the stand-in gives the
    /// email); an export keeps it, whatever made the link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<String>,
    /// Default: the load time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// Default: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_login_at: Option<Timestamp>,
}

impl FixtureSocialConnection {
    /// The identity the stand-in gives this account's email (or the user's, when the account
    /// names none).
    pub fn identity(&self, user_email: &str) -> ProviderIdentity {
        let email = if self.email.is_empty() {
            user_email
        } else {
            &self.email
        };
        let mut identity = ProviderIdentity::new(self.provider, email, "");
        if let Some(id) = &self.provider_id {
            identity.provider_id = id.clone();
        }
        identity
    }
}

/// A provider identity linked to a user (Passage: `GoogleSocialConnection` and its twins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialConnection {
    pub provider: Provider,
    pub provider_id: String,
    pub provider_identifier: String,
    pub created_at: Timestamp,
    pub last_login_at: Timestamp,
}

/// PKCE S256 (RFC 7636): `base64url(SHA-256(verifier))` without padding.
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Whether a `code_challenge` can be an S256 challenge at all: 43 base64url characters.
pub fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `verifier` answers `challenge`.
///
/// Emulator: the verifier's length is not checked against RFC 7636's 43-128 characters:
/// passage-js makes it from 32 random bytes written as decimals without separators, which can
/// be shorter than 43 characters.
pub fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    !verifier.is_empty() && pkce_challenge(verifier) == challenge
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_example() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            pkce_challenge(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(pkce_matches(
            verifier,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(is_s256_challenge(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!is_s256_challenge("plain"));
        assert!(!pkce_matches("", &pkce_challenge("")));
    }

    #[test]
    fn subjects_are_stable_and_shaped_like_the_providers() {
        let google = Provider::Google.subject_for("Ada@Example.com");
        assert_eq!(google, Provider::Google.subject_for("ada@example.com"));
        assert_eq!(google.len(), 21);
        assert!(google.bytes().all(|b| b.is_ascii_digit()));
        let github = Provider::Github.subject_for("ada@example.com");
        assert_eq!(github.len(), 8);
        let apple = Provider::Apple.subject_for("ada@example.com");
        let parts: Vec<&str> = apple.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!((parts[0].len(), parts[1].len(), parts[2].len()), (6, 32, 4));
        assert_ne!(google, Provider::Google.subject_for("grace@example.com"));
    }
}

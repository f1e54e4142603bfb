//! Users' sign-in and registration events: Passage's `UserRecentEvent` (in `UserInfo`) and
//! `EventInfo` (the Management API's event list).
//!
//! Emulator: Passage kept one event per ceremony with a status (`incomplete` until it
//! finished) and named event types after the ceremony (`webauthn.login.initiated`,
//! `magic_link.completed`, ... in its 2023 specification). The emulator records one event per
//! ceremony whose `type` moves from the `.initiated` name to the `.completed` one when the
//! ceremony finishes; the names Passage did not list (passcodes, social and console sign-ins)
//! follow the same pattern. docs/COMPATIBILITY.md lists them.

use super::social::Provider;
use super::timestamp::Timestamp;

/// How many events `UserInfo.recent_events` holds, newest first.
// Emulator: Passage's count is not documented; its console showed about this many.
pub const RECENT_EVENTS: i64 = 10;

/// What the ceremony does for the user (Passage: `UserEventAction`). Serialized as
/// [`Action::as_str`] names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Register,
    Login,
    /// Verifying an identifier (a `verify_identifier` magic link).
    Other,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Login => "login",
            Self::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "register" => Self::Register,
            "login" => Self::Login,
            "other" => Self::Other,
            _ => return None,
        })
    }
}

/// The ceremony: the first part of an event's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Passkeys, Passkey Flex included.
    Webauthn,
    MagicLink,
    OneTimePasscode,
    Social,
    /// The emulator console's "sign in as".
    Console,
}

impl Method {
    fn prefix(self) -> &'static str {
        match self {
            Self::Webauthn => "webauthn",
            Self::MagicLink => "magic_link",
            Self::OneTimePasscode => "one_time_passcode",
            Self::Social => "social",
            Self::Console => "console",
        }
    }

    /// The type of a started ceremony: `webauthn.login.initiated`.
    pub fn initiated(self, action: Action) -> String {
        format!("{}.{}.initiated", self.prefix(), action.as_str())
    }

    /// The type of a finished one. Passage named magic links' `magic_link.completed` whatever
    /// the action, and passkeys' `webauthn.login.completed`; codes follow links, the rest
    /// passkeys.
    pub fn completed(self, action: Action) -> String {
        match self {
            Self::MagicLink | Self::OneTimePasscode => format!("{}.completed", self.prefix()),
            _ => format!("{}.{}.completed", self.prefix(), action.as_str()),
        }
    }
}

/// Where a request came from, as an event records it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Client {
    pub ip_addr: String,
    pub user_agent: String,
}

/// A ceremony's event, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserEvent {
    pub id: String,
    pub app_id: String,
    pub user_id: String,
    /// The ceremony's id (link, passcode, handshake, transaction), when it has one: not shown,
    /// but how a finish finds its start's event.
    pub flow_id: Option<String>,
    pub event_type: String,
    pub action: Action,
    /// The user's identifier when the event was recorded (email, else phone, else external
    /// id): `EventInfo.identifier`.
    pub identifier: String,
    pub client: Client,
    pub social_login_type: Option<Provider>,
    pub created_at: Timestamp,
    pub completed_at: Option<Timestamp>,
}

impl UserEvent {
    /// Passage: `UserEventStatus`.
    pub fn status(&self) -> &'static str {
        match self.completed_at {
            Some(_) => "complete",
            None => "incomplete",
        }
    }

    /// Passage: `user_agent_display`, the browser and system the user agent names.
    pub fn user_agent_display(&self) -> String {
        super::device::agent_summary(&self.client.user_agent)
            .unwrap_or_else(|| self.client.user_agent.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_follow_passages_names() {
        assert_eq!(
            Method::Webauthn.initiated(Action::Login),
            "webauthn.login.initiated"
        );
        assert_eq!(
            Method::Webauthn.completed(Action::Register),
            "webauthn.register.completed"
        );
        assert_eq!(
            Method::MagicLink.initiated(Action::Register),
            "magic_link.register.initiated"
        );
        assert_eq!(
            Method::MagicLink.completed(Action::Login),
            "magic_link.completed"
        );
        assert_eq!(
            Method::OneTimePasscode.completed(Action::Login),
            "one_time_passcode.completed"
        );
        assert_eq!(
            Method::Social.completed(Action::Login),
            "social.login.completed"
        );
    }
}

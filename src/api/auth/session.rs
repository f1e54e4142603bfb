//! Issuing a session: a signed auth token, and a refresh token when the app has them on.
//! Every way of logging in (passcode, magic link, passkey) ends here.

use crate::domain::messages::Channel;
use time::Duration;

use super::models::AuthResult;
use crate::domain::app::App;
use crate::domain::events::{Action, Client, Method};
use crate::domain::ids::{hash_secret, new_id, random_alphanumeric};
use crate::domain::social::Provider;
use crate::domain::timestamp::Timestamp;
use crate::domain::tokens::AuthTokenClaims;
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::store::{EventFlow, NewRefreshToken};

const REFRESH_TOKEN_LEN: usize = 48;

/// Where a new refresh token belongs: a new login starts a family; a rotation continues one,
/// keeping its absolute end.
pub enum Family {
    New,
    Continue { id: String, expires_at: Timestamp },
}

/// The ceremony a login finishes, for the user's event.
#[derive(Debug, Clone, Copy)]
pub struct Finished<'a> {
    /// The link, passcode or handshake whose start recorded the event, if any.
    pub flow_id: Option<&'a str>,
    pub method: Method,
    pub action: Action,
    pub client: &'a Client,
    pub social_login_type: Option<Provider>,
}

impl<'a> Finished<'a> {
    pub fn new(
        flow_id: Option<&'a str>,
        method: Method,
        action: Action,
        client: &'a Client,
    ) -> Self {
        Self {
            flow_id,
            method,
            action,
            client,
            social_login_type: None,
        }
    }
}

/// A login that succeeded: counts it on the user (`login_count`, `last_login_at`, the channel
/// it came through), completes the ceremony's event and issues a new session. Passkeys,
/// passcodes, magic links, social logins and the console's "sign in as" all end here.
pub async fn log_in(
    state: &AppState,
    app: &App,
    user_id: &str,
    channel: Option<Channel>,
    finished: Finished<'_>,
) -> ApiResult<AuthResult> {
    let now = state.clock.timestamp();
    let flow = EventFlow {
        app_id: &app.id,
        user_id,
        flow_id: finished.flow_id,
        method: finished.method,
        action: finished.action,
        client: finished.client,
        social_login_type: finished.social_login_type,
    };
    state.store.record_login(flow, channel, now).await?;
    issue(state, app, user_id, Family::New).await
}

pub async fn issue(
    state: &AppState,
    app: &App,
    user_id: &str,
    family: Family,
) -> ApiResult<AuthResult> {
    let now = state.clock.timestamp();
    let settings = &app.settings;
    let key = state
        .store
        .active_signing_key(&app.id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("app {} has no signing key", app.id)))?;
    let claims = AuthTokenClaims::new(
        &app.id,
        &settings.auth_origin,
        user_id,
        now.unix_seconds(),
        settings.session_timeout_length,
    );
    let auth_token = key.sign(&claims).map_err(ApiError::internal)?;
    let (refresh_token, refresh_token_expiration) = if settings.refresh_enabled {
        let (family_id, expires_at) = match family {
            Family::New => {
                let lifetime = Duration::seconds(settings.refresh_absolute_lifetime);
                (new_id(), now.plus(lifetime))
            }
            Family::Continue { id, expires_at } => (id, expires_at),
        };
        let token = random_alphanumeric(REFRESH_TOKEN_LEN);
        let record = NewRefreshToken {
            id: &new_id(),
            app_id: &app.id,
            user_id,
            family_id: &family_id,
            token_hash: &hash_secret(&token),
            created_at: now,
            expires_at,
        };
        state.store.insert_refresh_token(&record).await?;
        (Some(token), Some(expires_at.unix_seconds()))
    } else {
        (None, None)
    };
    Ok(AuthResult {
        auth_token,
        redirect_url: settings.redirect_url.clone(),
        refresh_token,
        refresh_token_expiration,
    })
}

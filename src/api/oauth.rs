//! What social login and hosted login share: which redirect URIs an app accepts, redirects
//! carrying parameters, and the single-use codes handed to the app and exchanged with a PKCE
//! verifier.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use time::Duration;
use url::Url;

use crate::domain::app::App;
use crate::domain::ids::{hash_secret, new_id, random_alphanumeric};
use crate::domain::social::{GrantKind, pkce_matches};
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
pub use crate::store::CodeGrant;
use crate::store::{Code, NewGrant};

/// How long a person may take at a sign-in page (provider or hosted) before the trip expires.
pub const GRANT_TTL: Duration = Duration::minutes(10);
/// How long the app has to exchange a code.
pub const CODE_TTL: Duration = Duration::minutes(5);

const CODE_LEN: usize = 40;

/// Whether the app lets a sign-in come back to `uri`.
///
/// Emulator: Passage's rules are not documented. A URI is accepted when it is on the app's
/// `auth_origin` or one of its `additional_auth_origins` (passage-js sends the page's own URL),
/// or when it equals one of `allowed_callback_urls` (query and fragment aside).
pub fn check_redirect_uri(app: &App, uri: &str, parameter: &str) -> ApiResult<Url> {
    let parsed = Url::parse(uri).map_err(|_| {
        ApiError::invalid_request(format!("{parameter}: `{uri}` is not an absolute URL"))
    })?;
    let mut bare = parsed.clone();
    bare.set_query(None);
    bare.set_fragment(None);
    let listed =
        app.settings.allowed_callback_urls.iter().any(|allowed| {
            Url::parse(allowed).is_ok_and(|allowed| allowed.as_str() == bare.as_str())
        });
    if listed || on_app_origin(app, &parsed) {
        Ok(parsed)
    } else {
        Err(ApiError::invalid_request(format!(
            "{parameter}: `{uri}` is not allowed for this app: it must be on the app's \
             auth_origin or additional_auth_origins, or be one of allowed_callback_urls"
        )))
    }
}

/// Whether a URL is on the app's `auth_origin` or one of its `additional_auth_origins`.
pub fn on_app_origin(app: &App, url: &Url) -> bool {
    let origin = url.origin().ascii_serialization();
    let settings = &app.settings;
    origin == settings.auth_origin || settings.additional_auth_origins.contains(&origin)
}

/// `url` with `params` added to its query (`url` unchanged when it does not parse).
pub fn url_with(url: &str, params: &[(&str, &str)]) -> String {
    match Url::parse(url) {
        Ok(mut parsed) => {
            if !params.is_empty() {
                parsed.query_pairs_mut().extend_pairs(params);
            }
            parsed.to_string()
        }
        Err(_) => url.to_owned(),
    }
}

/// A 302 to `url` with `params` added to its query (Passage answered its redirects with 302).
pub fn redirect_with(url: &str, params: &[(&str, &str)]) -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, url_with(url, params))],
    )
        .into_response()
}

/// Starts a sign-in's trip (kept until the app gets its code, at most [`GRANT_TTL`]) and
/// returns its id.
pub async fn start_grant(state: &AppState, grant: &NewGrant<'_>) -> ApiResult<String> {
    let id = new_id();
    let now = state.clock.timestamp();
    state
        .store
        .insert_grant(&id, grant, now, now.plus(GRANT_TTL))
        .await?;
    Ok(id)
}

/// Issues a single-use code (kept hashed) and returns it.
pub async fn issue_code(state: &AppState, grant: CodeGrant<'_>) -> ApiResult<String> {
    let code = random_alphanumeric(CODE_LEN);
    let now = state.clock.timestamp();
    state
        .store
        .insert_code(&hash_secret(&code), &grant, now, now.plus(CODE_TTL))
        .await?;
    Ok(code)
}

/// Spends a code: unknown, used, expired and PKCE mismatches are 400 `invalid_request`. A code
/// is spent by any attempt, a wrong verifier included, so it cannot be guessed at.
pub async fn redeem_code(
    state: &AppState,
    app_id: &str,
    kind: GrantKind,
    code: &str,
    verifier: &str,
) -> ApiResult<Code> {
    let taken = state
        .store
        .take_code(app_id, kind, &hash_secret(code))
        .await?
        .ok_or_else(|| {
            ApiError::invalid_request("code: unknown, or already exchanged (codes are single use)")
        })?;
    if taken.expired(state.clock.timestamp()) {
        return Err(ApiError::invalid_request(format!(
            "code: expired (codes are valid for {} seconds)",
            CODE_TTL.whole_seconds()
        )));
    }
    // Hosted login may be used without PKCE (confidential clients); social login never is.
    if !taken.code_challenge.is_empty() && !pkce_matches(verifier, &taken.code_challenge) {
        return Err(ApiError::invalid_request(
            "verifier: does not match the code_challenge the sign-in started with (PKCE S256)",
        ));
    }
    Ok(taken)
}

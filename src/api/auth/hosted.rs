//! Hosted login: the app as an OpenID Connect provider. `authorize` shows the hosted sign-in
//! page, which signs the person in with the app's own methods through the Auth API and then
//! completes the grant; the app exchanges the code at `token` (see `hosted_tokens`).
//!
//! Passage served these on the app's hosted subdomain (`https://{auth_origin}/authorize`,
//! passage-android `HostedUtils.kt`). Emulator: they live beside the app's other Auth API
//! routes, where the app's openid-configuration points.

use axum::Json;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;

use super::hosted_models::{AuthorizeQuery, CompleteRequest, CompleteResponse, LogoutQuery};
use crate::api::common::{active_user, load_app};
use crate::api::oauth::{self, CodeGrant};
use crate::domain::app::App;
use crate::domain::social::{GrantKind, is_s256_challenge};
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, AuthBase, PathApp};
use crate::http::query::ApiQuery;
use crate::store::NewGrant;
use crate::ui;

pub const KIND: GrantKind = GrantKind::Hosted;

/// Passage (hosted): `GET /authorize?client_id&redirect_uri&response_type=code&scope=openid
/// &state&nonce&code_challenge&code_challenge_method=S256`: the hosted sign-in page.
///
/// An unknown client or a redirect URI the app does not allow is answered with 400 here (a
/// redirect could go anywhere); other mistakes go back to the app as OAuth errors.
///
/// Emulator: PKCE is optional (confidential clients authenticate at the token endpoint), but a
/// code issued with a challenge needs its verifier. There is no hosted-login session: every
/// authorize shows the page.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/authorize",
    tag = "auth",
    params(AuthorizeQuery),
    responses(
        (status = 200, description = "The hosted sign-in page.", body = String, content_type = "text/html"),
        (status = 302, description = "Back to the client with an OAuth error."),
    ),
)]
pub async fn authorize(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    AuthBase(base): AuthBase,
    ApiQuery(query): ApiQuery<AuthorizeQuery>,
) -> ApiResult<Response> {
    let app = load_app(&state, &app_id).await?;
    if query.client_id != app_id {
        return Err(ApiError::invalid_request(format!(
            "client_id: `{}` is not this app's client id (the app id, {app_id})",
            query.client_id
        )));
    }
    oauth::check_redirect_uri(&app, &query.redirect_uri, "redirect_uri")?;
    let refuse = |error: &str, description: &str| {
        Ok(oauth::redirect_with(
            &query.redirect_uri,
            &[
                ("error", error),
                ("error_description", description),
                ("state", &query.state),
            ],
        ))
    };
    if query.response_type != "code" {
        return refuse(
            "unsupported_response_type",
            "Only the authorization code flow (response_type=code) is supported.",
        );
    }
    if !query.scope.split(' ').any(|scope| scope == "openid") {
        return refuse("invalid_scope", "The scope must include openid.");
    }
    if !query.code_challenge.is_empty()
        && (query.code_challenge_method != "S256" || !is_s256_challenge(&query.code_challenge))
    {
        return refuse(
            "invalid_request",
            "PKCE: code_challenge_method must be S256 and code_challenge 43 base64url characters.",
        );
    }
    let grant_id = oauth::start_grant(
        &state,
        &NewGrant {
            app_id: &app_id,
            kind: KIND,
            connection_type: "passage",
            redirect_uri: &query.redirect_uri,
            state: &query.state,
            code_challenge: &query.code_challenge,
            nonce: &query.nonce,
            login_hint: &query.login_hint,
            callback: "",
        },
    )
    .await?;
    let origin = AuthBase::origin_of(&base);
    let config = page_config(&app, &base, origin, &grant_id, &query.login_hint);
    let json = serde_json::to_string(&config).map_err(ApiError::internal)?;
    Ok(Html(ui::hosted_page(&app.settings.name, &json)).into_response())
}

/// What the hosted page's script needs to know.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct HostedConfig<'a> {
    /// The Auth API base the page calls (`…/auth/v1`).
    base: &'a str,
    app_id: &'a str,
    /// Where the page posts the outcome.
    complete: String,
    /// `email`, `phone` or `both`.
    identifier: &'a str,
    login_hint: &'a str,
    passkeys: bool,
    /// Whether WebAuthn can work on this page: its origin must be one of the app's.
    passkeys_here: bool,
    origin: &'a str,
    otp: bool,
    magic_link: bool,
}

fn page_config<'a>(
    app: &'a App,
    base: &'a str,
    origin: &'a str,
    grant_id: &str,
    login_hint: &'a str,
) -> HostedConfig<'a> {
    let settings = &app.settings;
    let methods = &settings.auth_methods;
    HostedConfig {
        base,
        app_id: &app.id,
        complete: format!("{origin}/_emulator/hosted/{grant_id}/complete"),
        identifier: &settings.allowed_identifier,
        login_hint,
        passkeys: methods.passkeys.enabled,
        passkeys_here: settings.auth_origin == origin
            || settings.additional_auth_origins.iter().any(|o| o == origin),
        origin,
        otp: methods.otp.enabled,
        magic_link: methods.magic_link.enabled,
    }
}

/// `POST /_emulator/hosted/{grant_id}/complete`: the hosted page's outcome. With the auth
/// token of the person who just signed in, the app gets a code; with an `error` (the person
/// cancelled), the error. Answers where the page sends the browser.
#[utoipa::path(
    post,
    path = "/hosted/{grant_id}/complete",
    tag = "emulator",
    request_body = CompleteRequest,
    responses(
        (status = 200, description = "Where the hosted page sends the browser next (the client's redirect_uri with a code).", body = CompleteResponse),
        crate::openapi::NotFound,
    ),
)]
pub async fn complete(
    State(state): State<AppState>,
    ApiPath(grant_id): ApiPath<String>,
    ApiJson(request): ApiJson<CompleteRequest>,
) -> ApiResult<Json<CompleteResponse>> {
    let now = state.clock.timestamp();
    let grant = state
        .store
        .grant(&grant_id)
        .await?
        .filter(|grant| grant.kind == KIND && !grant.expired(now))
        .ok_or_else(|| {
            ApiError::invalid_request(
                "grant: no hosted sign-in is waiting with this id (unknown, completed or \
                 expired); start again at authorize",
            )
        })?;
    let user_id = if request.error.is_empty() {
        let app = load_app(&state, &grant.app_id).await?;
        let claims = state
            .verify_auth_token(&app, &request.auth_token)
            .await?
            .map_err(|why| ApiError::invalid_request(format!("auth_token: {why}")))?;
        active_user(&state, &app.id, &claims.sub).await?;
        Some(claims.sub)
    } else {
        None
    };
    // Only one completion wins.
    let grant = state
        .store
        .take_grant(&grant.id)
        .await?
        .ok_or_else(|| ApiError::invalid_request("grant: completed already"))?;
    let redirect_to = match user_id {
        Some(user_id) => {
            let code = oauth::issue_code(
                &state,
                CodeGrant {
                    app_id: &grant.app_id,
                    kind: KIND,
                    redirect_uri: &grant.redirect_uri,
                    code_challenge: &grant.code_challenge,
                    nonce: &grant.nonce,
                    identity: None,
                    link_account: false,
                    user_id: Some(&user_id),
                },
            )
            .await?;
            oauth::url_with(
                &grant.redirect_uri,
                &[("code", &code), ("state", &grant.state)],
            )
        }
        None => oauth::url_with(
            &grant.redirect_uri,
            &[
                ("error", request.error.as_str()),
                ("error_description", "The person cancelled the sign-in."),
                ("state", &grant.state),
            ],
        ),
    };
    Ok(Json(CompleteResponse { redirect_to }))
}

/// Passage (hosted): `GET /logout?id_token_hint&client_id&post_logout_redirect_uri&state`:
/// 302 to `post_logout_redirect_uri` (with `state`), or a "signed out" page without one.
///
/// Emulator: the URI must be one of the app's `allowed_logout_urls` or on its origins. There
/// is no hosted-login session to end; an `id_token_hint`, when given, must be an ID token the
/// app issued (expired ones included).
#[utoipa::path(
    get,
    path = "/apps/{app_id}/logout",
    tag = "auth",
    params(LogoutQuery),
    responses(
        (status = 200, description = "Signed out, with no redirect URI to go to.", body = String, content_type = "text/html"),
        (status = 302, description = "To the post-logout redirect URI."),
    ),
)]
pub async fn logout(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    ApiQuery(query): ApiQuery<LogoutQuery>,
) -> ApiResult<Response> {
    let app = load_app(&state, &app_id).await?;
    if !query.client_id.is_empty() && query.client_id != app_id {
        return Err(ApiError::invalid_request(format!(
            "client_id: `{}` is not this app's client id",
            query.client_id
        )));
    }
    if !query.id_token_hint.is_empty() {
        let keys = state
            .store
            .published_signing_keys(&app_id, crate::domain::timestamp::Timestamp::NEVER)
            .await?;
        crate::domain::oidc::check_id_token_hint(&query.id_token_hint, &keys, &app_id)
            .map_err(|why| ApiError::invalid_request(format!("id_token_hint: {why}")))?;
    }
    if query.post_logout_redirect_uri.is_empty() {
        return Ok(Html(ui::signed_out_page(&app.settings.name)).into_response());
    }
    let uri = &query.post_logout_redirect_uri;
    let listed = app
        .settings
        .allowed_logout_urls
        .iter()
        .any(|url| url == uri);
    let on_origin = url::Url::parse(uri).is_ok_and(|url| oauth::on_app_origin(&app, &url));
    if !listed && !on_origin {
        return Err(ApiError::invalid_request(format!(
            "post_logout_redirect_uri: `{uri}` is not one of the app's allowed_logout_urls \
             nor on its auth_origin or additional_auth_origins"
        )));
    }
    let params: Vec<(&str, &str)> = if query.state.is_empty() {
        Vec::new()
    } else {
        vec![("state", query.state.as_str())]
    };
    Ok(oauth::redirect_with(uri, &params))
}

//! Social login (Auth API): `social/authorize` sends the browser to a provider stand-in, the
//! provider comes back to `oauth2_callback`, which hands the app a code; `social/token`
//! exchanges it with the PKCE verifier. Native apps use `social/id_token` instead.

use crate::http::client::RequestClient;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::models::AuthResponse;
use super::social_users::{SignIn, respond, sign_in};
use crate::api::common::load_app;
use crate::api::oauth::{self, CodeGrant};
use crate::domain::identifiers::Identifier;
use crate::domain::social::{GrantKind, Provider, is_s256_challenge};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::http::extract::{AuthBase, PathApp};
use crate::http::query::{ApiForm, ApiQuery};
use crate::store::NewGrant;

pub const KIND: GrantKind = GrantKind::Social;

/// Passage: the query of `GET /apps/{app_id}/social/authorize`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuthorizeQuery {
    pub redirect_uri: String,
    pub code_challenge: String,
    pub code_challenge_method: String,
    pub connection_type: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub login_hint: String,
}

/// Parses a `connection_type` or `social_connection_type`.
pub fn provider(parameter: &str, name: &str) -> ApiResult<Provider> {
    Provider::parse(name).ok_or_else(|| {
        ApiError::invalid_request(format!(
            "{parameter}: `{name}` is not apple, github or google"
        ))
    })
}

/// Passage: `GET /apps/{app_id}/social/authorize`: 302 to the provider's sign-in page.
///
/// Emulator: the provider is the emulator's stand-in, under `/_emulator/social/{provider}`.
/// A provider the app configured calls back to the app's own `oauth2_callback`; any other
/// uses Passage's shared dev callback `/social/oauth2_callback`, as Passage's dev credentials
/// did.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/social/authorize",
    tag = "auth",
    params(AuthorizeQuery),
    responses((status = 302, description = "To the provider's sign-in page.")),
)]
pub async fn authorize(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    AuthBase(base): AuthBase,
    ApiQuery(query): ApiQuery<AuthorizeQuery>,
) -> ApiResult<Response> {
    let app = load_app(&state, &app_id).await?;
    let provider = provider("connection_type", &query.connection_type)?;
    if query.code_challenge_method != "S256" {
        return Err(ApiError::invalid_request(
            "code_challenge_method: only S256 is supported",
        ));
    }
    if !is_s256_challenge(&query.code_challenge) {
        return Err(ApiError::invalid_request(
            "code_challenge: must be the base64url SHA-256 of the verifier (43 characters)",
        ));
    }
    oauth::check_redirect_uri(&app, &query.redirect_uri, "redirect_uri")?;
    let configured = app.settings.social_connections.get(provider).is_some();
    let callback = if configured {
        format!("{base}/apps/{app_id}/social/oauth2_callback")
    } else {
        format!("{base}/social/oauth2_callback")
    };
    let grant_id = oauth::start_grant(
        &state,
        &NewGrant {
            app_id: &app_id,
            kind: KIND,
            connection_type: provider.as_str(),
            redirect_uri: &query.redirect_uri,
            state: &query.state,
            code_challenge: &query.code_challenge,
            nonce: "",
            login_hint: &query.login_hint,
            callback: &callback,
        },
    )
    .await?;
    let origin = AuthBase::origin_of(&base);
    let client_id = app.settings.social_connections.client_id(&app_id, provider);
    let mut params = vec![
        ("client_id", client_id.as_str()),
        ("redirect_uri", callback.as_str()),
        ("response_type", "code"),
        ("scope", provider_scope(provider)),
        ("state", grant_id.as_str()),
    ];
    if provider.posts_form() {
        params.push(("response_mode", "form_post"));
    }
    if !query.login_hint.is_empty() {
        params.push(("login_hint", query.login_hint.as_str()));
    }
    let page = format!("{origin}/_emulator/social/{}/authorize", provider.as_str());
    Ok(oauth::redirect_with(&page, &params))
}

fn provider_scope(provider: Provider) -> &'static str {
    match provider {
        Provider::Apple => "name email",
        Provider::Github => "read:user user:email",
        Provider::Google => "openid email profile",
    }
}

/// Passage: what a provider sends to `oauth2_callback` (query for GET, Apple's form for POST).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackParams {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub error_description: String,
    // Apple's form also carries `id_token` and, on a first sign-in, `user` (the name): not
    // needed, the provider's code stands for the identity.
}

/// Passage: `GET /apps/{app_id}/social/oauth2_callback`.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/social/oauth2_callback",
    tag = "auth",
    params(CallbackParams),
    responses(
        (status = 302, description = "Back to the app's redirect_uri with a code or an error."),
    ),
)]
pub async fn app_callback(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    ApiQuery(params): ApiQuery<CallbackParams>,
) -> ApiResult<Response> {
    callback(&state, Some(&app_id), params).await
}

/// Passage: `POST /apps/{app_id}/social/oauth2_callback` (Apple's `form_post`).
#[utoipa::path(
    post,
    path = "/apps/{app_id}/social/oauth2_callback",
    tag = "auth",
    request_body(content = CallbackParams, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 302, description = "Back to the app's redirect_uri with a code or an error."),
    ),
)]
pub async fn app_callback_form(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    ApiForm(params): ApiForm<CallbackParams>,
) -> ApiResult<Response> {
    callback(&state, Some(&app_id), params).await
}

/// Passage: `GET /social/oauth2_callback` (the shared dev credentials' callback).
#[utoipa::path(
    get,
    path = "/social/oauth2_callback",
    tag = "auth",
    params(CallbackParams),
    responses(
        (status = 302, description = "Back to the app's redirect_uri with a code or an error."),
        crate::openapi::BadRequest,
        crate::openapi::NotFound,
    ),
)]
pub async fn dev_callback(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<CallbackParams>,
) -> ApiResult<Response> {
    callback(&state, None, params).await
}

/// Passage: `POST /social/oauth2_callback`.
#[utoipa::path(
    post,
    path = "/social/oauth2_callback",
    tag = "auth",
    request_body(content = CallbackParams, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 302, description = "Back to the app's redirect_uri with a code or an error."),
        crate::openapi::NotFound,
    ),
)]
pub async fn dev_callback_form(
    State(state): State<AppState>,
    ApiForm(params): ApiForm<CallbackParams>,
) -> ApiResult<Response> {
    callback(&state, None, params).await
}

/// Ends the provider leg: 302 to the app's `redirect_uri` with `code`, `state`,
/// `link_account` and `provider_identifier`, or with the OAuth `error`.
async fn callback(
    state: &AppState,
    path_app: Option<&str>,
    params: CallbackParams,
) -> ApiResult<Response> {
    let grant = state
        .store
        .take_grant(&params.state)
        .await?
        .filter(|grant| grant.kind == KIND && path_app.is_none_or(|app| app == grant.app_id))
        .ok_or_else(|| {
            ApiError::invalid_request(
                "state: no social sign-in in progress has this state (unknown, already \
                 completed, or of another app)",
            )
        })?;
    let fail = |error: &str, description: &str| {
        oauth::redirect_with(
            &grant.redirect_uri,
            &[
                ("error", error),
                ("error_description", description),
                ("state", &grant.state),
            ],
        )
    };
    if grant.expired(state.clock.timestamp()) {
        return Ok(fail(
            "login_required",
            "The sign-in at the provider took too long; start again.",
        ));
    }
    if !params.error.is_empty() {
        let description = if params.error_description.is_empty() {
            "The provider refused the sign-in."
        } else {
            params.error_description.as_str()
        };
        return Ok(fail(&params.error, description));
    }
    let identity = match (grant.identity(), &grant.provider_code_hash) {
        (Some(identity), Some(hash)) if *hash == crate::domain::ids::hash_secret(&params.code) => {
            identity
        }
        _ => {
            return Ok(fail(
                "invalid_request",
                "The provider's code does not belong to this sign-in.",
            ));
        }
    };
    let link_account = match state
        .store
        .social_connection_owner(&grant.app_id, &identity)
        .await?
    {
        Some(_) => false,
        None => state
            .store
            .user_by_identifier(&grant.app_id, &Identifier::Email(identity.email.clone()))
            .await?
            .is_some(),
    };
    let code = oauth::issue_code(
        state,
        CodeGrant {
            app_id: &grant.app_id,
            kind: KIND,
            redirect_uri: &grant.redirect_uri,
            code_challenge: &grant.code_challenge,
            nonce: "",
            identity: Some(&identity),
            link_account,
            user_id: None,
        },
    )
    .await?;
    Ok(oauth::redirect_with(
        &grant.redirect_uri,
        &[
            ("code", &code),
            ("state", &grant.state),
            ("link_account", if link_account { "true" } else { "false" }),
            ("provider_identifier", &identity.email),
        ],
    ))
}

/// Passage: the query of `social/token` and `currentuser/social/link_account`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CodeQuery {
    pub code: String,
    pub verifier: String,
}

/// Passage: `GET /apps/{app_id}/social/token?code=&verifier=`: 201 `AuthResponse`.
///
/// A first sign-in creates the user (active, email verified); a linked identity signs in its
/// user.
///
/// Emulator: when the provider's email belongs to a user who has not linked this provider
/// (the callback said `link_account=true`), the exchange is refused with 403
/// `operation_not_allowed`: that user signs in another way and links the account with
/// `currentuser/social/link_account`.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/social/token",
    tag = "auth",
    params(CodeQuery),
    responses(
        (status = 201, description = "A session for the social sign-in.", body = AuthResponse),
        crate::openapi::Unauthorized,
        crate::openapi::Forbidden,
    ),
)]
pub async fn token(
    State(state): State<AppState>,
    PathApp(app_id): PathApp,
    RequestClient(client): RequestClient,
    ApiQuery(query): ApiQuery<CodeQuery>,
) -> ApiResult<(StatusCode, Json<AuthResponse>)> {
    let app = load_app(&state, &app_id).await?;
    let code = oauth::redeem_code(&state, &app_id, KIND, &query.code, &query.verifier).await?;
    let identity = code
        .identity()
        .ok_or_else(|| ApiError::internal("a social code without an identity"))?;
    let user_id = match sign_in(&state, &app, &identity).await? {
        SignIn::User(user_id) => user_id,
        SignIn::Unlinked(_) => {
            return Err(ApiError::forbidden(
                ErrorCode::OperationNotAllowed,
                format!(
                    "{} belongs to a user who has not linked {}: sign in as that user, then \
                     link it with currentuser/social/link_account.",
                    identity.email,
                    identity.provider.display_name()
                ),
            ));
        }
    };
    respond(&state, &app, &user_id, identity.provider, &client).await
}

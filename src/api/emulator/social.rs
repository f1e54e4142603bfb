//! The social provider stand-ins: Google, GitHub and Apple sign-in pages under
//! `/_emulator/social/{provider}`, identities queued by tests, and ID tokens for native flows.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::api::auth::social::{KIND, provider};
use crate::api::common::load_app;
use crate::api::oauth;
use crate::domain::identifiers::normalize_email;
use crate::domain::ids::{hash_secret, random_alphanumeric};
use crate::domain::provider_tokens::{self, EcJwk};
use crate::domain::social::{Provider, ProviderIdentity};
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::http::extract::{ApiJson, ApiPath, AuthBase};
use crate::http::query::{ApiForm, ApiQuery};
use crate::store::Grant;
use crate::ui;

/// What a provider answers a sign-in with: a person, or an OAuth error. Also the body of
/// `POST /_emulator/social/next-identity` (with `app_id` and `connection_type`) and of the
/// page's forms (with `state`).
#[derive(Debug, Default, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProviderAnswer {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub error_description: String,
}

/// The query a provider's authorize URL carries (as `social/authorize` wrote it).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProviderAuthorizeQuery {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: String,
    #[serde(default)]
    pub login_hint: String,
}

/// `GET /_emulator/social/{provider}/authorize`: the sign-in page, or at once the answer when
/// the sign-in carries a `login_hint` or a test queued an identity.
#[utoipa::path(
    get,
    path = "/social/{provider}/authorize",
    tag = "emulator",
    params(("provider" = Provider, Path), ProviderAuthorizeQuery),
    responses(
        (status = 200, description = "The provider's sign-in page.", body = String, content_type = "text/html"),
        (status = 302, description = "Answered at once (login_hint or a queued identity): back to the app's callback."),
        crate::openapi::NotFound,
    ),
)]
pub async fn authorize_page(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    AuthBase(base): AuthBase,
    ApiQuery(query): ApiQuery<ProviderAuthorizeQuery>,
) -> ApiResult<Response> {
    let provider = provider("provider", &name)?;
    let grant = open_grant(&state, provider, &query.state).await?;
    let app = load_app(&state, &grant.app_id).await?;
    let client_id = app.settings.social_connections.client_id(&app.id, provider);
    if query.client_id != client_id || query.redirect_uri != grant.callback {
        return Err(ApiError::invalid_request(
            "client_id or redirect_uri: not the ones this sign-in was started with",
        ));
    }
    let identities = app.settings.social_connections.identities(provider);
    let hint = if query.login_hint.is_empty() {
        &grant.login_hint
    } else {
        &query.login_hint
    };
    if !hint.is_empty() {
        let name = identities
            .iter()
            .find(|identity| identity.email.eq_ignore_ascii_case(hint))
            .map(|identity| identity.name.clone())
            .unwrap_or_default();
        let answer = ProviderAnswer {
            email: hint.clone(),
            name,
            ..ProviderAnswer::default()
        };
        return answer_grant(&state, provider, &grant, &client_id, answer).await;
    }
    if let Some(queued) = state
        .store
        .take_provider_answer(&app.id, provider.as_str())
        .await?
    {
        let answer = serde_json::from_str(&queued).map_err(ApiError::internal)?;
        return answer_grant(&state, provider, &grant, &client_id, answer).await;
    }
    let action = format!(
        "{}/_emulator/social/{}/authorize",
        AuthBase::origin_of(&base),
        provider.as_str()
    );
    Ok(Html(ui::provider_page(&ui::ProviderPage {
        provider: provider.display_name(),
        app_name: &app.settings.name,
        action: &action,
        state: &grant.id,
        identities,
    }))
    .into_response())
}

/// The page's forms: `state` and either `email` (and `name`) or `error`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PageForm {
    pub state: String,
    #[serde(flatten)]
    pub answer: ProviderAnswer,
}

/// `POST /_emulator/social/{provider}/authorize`: the person chose.
#[utoipa::path(
    post,
    path = "/social/{provider}/authorize",
    tag = "emulator",
    params(("provider" = Provider, Path)),
    request_body(content = PageForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        crate::openapi::BadRequest,
        (status = 302, description = "Back to the app's callback with a code or an error."),
        crate::openapi::NotFound,
    ),
)]
pub async fn authorize_choice(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    ApiForm(form): ApiForm<PageForm>,
) -> ApiResult<Response> {
    let provider = provider("provider", &name)?;
    let grant = open_grant(&state, provider, &form.state).await?;
    let app = load_app(&state, &grant.app_id).await?;
    let client_id = app.settings.social_connections.client_id(&app.id, provider);
    answer_grant(&state, provider, &grant, &client_id, form.answer).await
}

/// A social sign-in waiting at this provider.
async fn open_grant(state: &AppState, provider: Provider, id: &str) -> ApiResult<Grant> {
    state
        .store
        .grant(id)
        .await?
        .filter(|grant| {
            grant.kind == KIND
                && grant.connection_type == provider.as_str()
                && grant.identity.is_none()
                && !grant.expired(state.clock.timestamp())
        })
        .ok_or_else(|| {
            ApiError::invalid_request(format!(
                "state: no sign-in is waiting at the {} stand-in with this state (unknown, \
                 answered or expired); start again at social/authorize",
                provider.display_name()
            ))
        })
}

/// Sends the answer to Passage's callback: a redirect (Google, GitHub) or an auto-submitted
/// form (Apple).
async fn answer_grant(
    state: &AppState,
    provider: Provider,
    grant: &Grant,
    client_id: &str,
    answer: ProviderAnswer,
) -> ApiResult<Response> {
    if !answer.error.is_empty() {
        let description = if answer.error_description.is_empty() {
            format!("The person refused at {}.", provider.display_name())
        } else {
            answer.error_description
        };
        let fields = [
            ("error", answer.error.as_str()),
            ("error_description", description.as_str()),
            ("state", grant.id.as_str()),
        ];
        return Ok(to_callback(provider, &grant.callback, &fields));
    }
    let email = normalize_email(&answer.email)
        .map_err(|problem| ApiError::invalid_request(format!("email: {problem}")))?;
    let identity = ProviderIdentity::new(provider, &email, &answer.name);
    let code = random_alphanumeric(32);
    let now = state.clock.timestamp();
    if !state
        .store
        .answer_grant(&grant.id, &identity, &hash_secret(&code), now)
        .await?
    {
        return Err(ApiError::invalid_request(
            "state: this sign-in was answered already",
        ));
    }
    let mut fields = vec![("code", code), ("state", grant.id.clone())];
    if provider == Provider::Apple {
        let id_token = provider_tokens::mint(
            &state.provider_keys,
            &identity,
            client_id,
            "",
            now.unix_seconds(),
        )
        .ok_or_else(|| ApiError::internal("Apple stand-in cannot sign"))?;
        fields.push(("id_token", id_token));
        fields.push(("user", apple_user(&identity)));
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Ok(to_callback(provider, &grant.callback, &fields))
}

fn to_callback(provider: Provider, callback: &str, fields: &[(&str, &str)]) -> Response {
    if provider.posts_form() {
        Html(ui::form_post(callback, fields)).into_response()
    } else {
        oauth::redirect_with(callback, fields)
    }
}

/// Apple's `user` form field: `{"name":{"firstName","lastName"},"email"}`.
fn apple_user(identity: &ProviderIdentity) -> String {
    let (first_name, last_name) = identity
        .name
        .split_once(' ')
        .unwrap_or((identity.name.as_str(), ""));
    let user = AppleUser {
        name: AppleName {
            first_name,
            last_name,
        },
        email: &identity.email,
    };
    serde_json::to_string(&user).expect("plain strings serialize")
}

#[derive(Serialize, utoipa::ToSchema)]
struct AppleUser<'a> {
    name: AppleName<'a>,
    email: &'a str,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct AppleName<'a> {
    first_name: &'a str,
    last_name: &'a str,
}

/// Body of `POST /_emulator/social/next-identity`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NextIdentityRequest {
    pub app_id: String,
    /// `apple`, `github` or `google`; left out: the next sign-in at any provider.
    #[serde(default)]
    pub connection_type: Option<String>,
    #[serde(flatten)]
    pub answer: ProviderAnswer,
}

/// `POST /_emulator/social/next-identity`: the next sign-in of the app at that provider is
/// answered with this identity (or error) without showing the page. 201 with what was queued.
#[utoipa::path(
    post,
    path = "/social/next-identity",
    tag = "emulator",
    request_body = NextIdentityRequest,
    responses(
        (status = 201, description = "Queued: the next sign-in at the provider answers this.", body = ProviderAnswer),
        crate::openapi::NotFound,
    ),
)]
pub async fn next_identity(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<NextIdentityRequest>,
) -> ApiResult<(StatusCode, Json<ProviderAnswer>)> {
    load_app(&state, &request.app_id).await?;
    let provider = match &request.connection_type {
        Some(name) => provider("connection_type", name)?.as_str(),
        None => "",
    };
    let mut answer = request.answer;
    if answer.error.is_empty() {
        answer.email = normalize_email(&answer.email)
            .map_err(|problem| ApiError::invalid_request(format!("email: {problem}")))?;
    } else if !answer.email.is_empty() {
        return Err(ApiError::invalid_request(
            "email, error: give a person or an error, not both",
        ));
    }
    let json = serde_json::to_string(&answer).map_err(ApiError::internal)?;
    let now = state.clock.timestamp();
    state
        .store
        .queue_provider_answer(&request.app_id, provider, &json, now)
        .await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

/// Body of `POST /_emulator/social/id_token`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MintIdTokenRequest {
    pub app_id: String,
    pub connection_type: String,
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub nonce: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MintIdTokenResponse {
    pub id_token: String,
    /// An authorization code to send along (`IdTokenRequest.code` is required).
    pub code: String,
    pub provider_id: String,
}

/// `POST /_emulator/social/id_token`: what Sign in with Apple or Google would give a native
/// app, for `social/id_token`.
#[utoipa::path(
    post,
    path = "/social/id_token",
    tag = "emulator",
    request_body = MintIdTokenRequest,
    responses(
        (status = 200, description = "A provider ID token for the app's native sign-in.", body = MintIdTokenResponse),
        crate::openapi::NotFound,
    ),
)]
pub async fn mint_id_token(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<MintIdTokenRequest>,
) -> ApiResult<Json<MintIdTokenResponse>> {
    let app = load_app(&state, &request.app_id).await?;
    let provider = provider("connection_type", &request.connection_type)?;
    let email = normalize_email(&request.email)
        .map_err(|problem| ApiError::invalid_request(format!("email: {problem}")))?;
    let identity = ProviderIdentity::new(provider, &email, &request.name);
    let client_id = app.settings.social_connections.client_id(&app.id, provider);
    let now = state.clock.timestamp().unix_seconds();
    let id_token = provider_tokens::mint(
        &state.provider_keys,
        &identity,
        &client_id,
        &request.nonce,
        now,
    )
    .ok_or_else(|| ApiError::invalid_request("connection_type: GitHub issues no ID tokens"))?;
    Ok(Json(MintIdTokenResponse {
        id_token,
        code: random_alphanumeric(32),
        provider_id: identity.provider_id,
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProviderJwks {
    pub keys: Vec<EcJwk>,
}

/// `GET /_emulator/social/{provider}/jwks`: the stand-in's signing keys.
#[utoipa::path(
    get,
    path = "/social/{provider}/jwks",
    tag = "emulator",
    params(("provider" = Provider, Path)),
    responses(
        crate::openapi::BadRequest,
        (status = 200, description = "The provider stand-in's signing keys.", body = ProviderJwks),
        crate::openapi::NotFound,
    ),
)]
pub async fn jwks(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<ProviderJwks>> {
    let provider = provider("provider", &name)?;
    Ok(Json(ProviderJwks {
        keys: provider_tokens::jwks(&state.provider_keys, provider),
    }))
}

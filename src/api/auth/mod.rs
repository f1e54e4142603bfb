//! The Auth API (Passage `https://auth.passage.id/v1`), served under `/auth/v1`.
//! No credentials, except the current-user endpoints (a user's auth token).

mod app;
mod current_user;
mod current_user_models;
mod current_user_social;
mod flex;
pub(crate) mod hosted;
mod hosted_models;
mod hosted_tokens;
mod magic_link;
pub mod models;
mod otp;
pub(crate) mod passkey_models;
mod passkeys;
pub(crate) mod session;
pub(crate) mod social;
mod social_users;
mod tokens;
mod users;
mod well_known;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(app::get_app))
        .routes(routes!(well_known::jwks))
        .routes(routes!(well_known::openid_configuration))
        .routes(routes!(users::get_user, users::create_user))
        .routes(routes!(magic_link::register_magic_link))
        .routes(routes!(magic_link::login_magic_link))
        .routes(routes!(magic_link::activate_magic_link))
        .routes(routes!(magic_link::magic_link_status))
        .routes(routes!(passkeys::register_webauthn_start))
        .routes(routes!(passkeys::register_webauthn_finish))
        .routes(routes!(passkeys::login_webauthn_start))
        .routes(routes!(passkeys::login_webauthn_finish))
        .routes(routes!(passkeys::add_device_start))
        .routes(routes!(passkeys::add_device_finish))
        .routes(routes!(flex::register_start))
        .routes(routes!(flex::register_finish))
        .routes(routes!(flex::authenticate_start))
        .routes(routes!(flex::authenticate_finish))
        .routes(routes!(otp::register_otp))
        .routes(routes!(otp::login_otp))
        .routes(routes!(otp::activate_otp))
        .routes(routes!(current_user::get_current_user))
        .routes(routes!(current_user::update_current_user_email))
        .routes(routes!(current_user::update_current_user_phone))
        .routes(routes!(current_user::get_current_user_devices))
        .routes(routes!(
            current_user::update_current_user_device,
            current_user::delete_current_user_device
        ))
        .routes(routes!(
            current_user::get_current_user_metadata,
            current_user::update_current_user_metadata
        ))
        .routes(routes!(current_user_social::social_connections))
        .routes(routes!(current_user_social::delete_social_connection))
        .routes(routes!(current_user_social::link_account))
        .routes(routes!(social::authorize))
        .routes(routes!(social::app_callback, social::app_callback_form))
        .routes(routes!(social::dev_callback, social::dev_callback_form))
        .routes(routes!(social::token))
        .routes(routes!(social_users::id_token))
        .routes(routes!(hosted::authorize))
        .routes(routes!(hosted_tokens::token))
        .routes(routes!(hosted_tokens::userinfo))
        .routes(routes!(hosted::logout))
        .routes(routes!(
            tokens::refresh_auth_token,
            tokens::revoke_refresh_token
        ))
}

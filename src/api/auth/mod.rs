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

use axum::Router;
use axum::routing::{delete, get, patch, post};

use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/apps/{app_id}", get(app::get_app))
        .route(
            "/apps/{app_id}/.well-known/jwks.json",
            get(well_known::jwks),
        )
        .route(
            "/apps/{app_id}/.well-known/openid-configuration",
            get(well_known::openid_configuration),
        )
        .route(
            "/apps/{app_id}/users",
            get(users::get_user).post(users::create_user),
        )
        .route(
            "/apps/{app_id}/register/magic-link",
            post(magic_link::register_magic_link),
        )
        .route(
            "/apps/{app_id}/login/magic-link",
            post(magic_link::login_magic_link),
        )
        .route(
            "/apps/{app_id}/magic-link/activate",
            patch(magic_link::activate_magic_link),
        )
        .route(
            "/apps/{app_id}/magic-link/status",
            post(magic_link::magic_link_status),
        )
        .route(
            "/apps/{app_id}/register/webauthn/start",
            post(passkeys::register_webauthn_start),
        )
        .route(
            "/apps/{app_id}/register/webauthn/finish",
            post(passkeys::register_webauthn_finish),
        )
        .route(
            "/apps/{app_id}/login/webauthn/start",
            post(passkeys::login_webauthn_start),
        )
        .route(
            "/apps/{app_id}/login/webauthn/finish",
            post(passkeys::login_webauthn_finish),
        )
        .route(
            "/apps/{app_id}/currentuser/devices/start",
            post(passkeys::add_device_start),
        )
        .route(
            "/apps/{app_id}/currentuser/devices/finish",
            post(passkeys::add_device_finish),
        )
        .route(
            "/apps/{app_id}/register/transactions/webauthn/start",
            post(flex::register_start),
        )
        .route(
            "/apps/{app_id}/register/transactions/webauthn/finish",
            post(flex::register_finish),
        )
        .route(
            "/apps/{app_id}/authenticate/transactions/webauthn/start",
            post(flex::authenticate_start),
        )
        .route(
            "/apps/{app_id}/authenticate/transactions/webauthn/finish",
            post(flex::authenticate_finish),
        )
        .route("/apps/{app_id}/register/otp", post(otp::register_otp))
        .route("/apps/{app_id}/login/otp", post(otp::login_otp))
        .route("/apps/{app_id}/otp/activate", post(otp::activate_otp))
        .route(
            "/apps/{app_id}/currentuser",
            get(current_user::get_current_user),
        )
        .route(
            "/apps/{app_id}/currentuser/email",
            patch(current_user::update_current_user_email),
        )
        .route(
            "/apps/{app_id}/currentuser/phone",
            patch(current_user::update_current_user_phone),
        )
        .route(
            "/apps/{app_id}/currentuser/devices",
            get(current_user::get_current_user_devices),
        )
        .route(
            "/apps/{app_id}/currentuser/devices/{device_id}",
            patch(current_user::update_current_user_device)
                .delete(current_user::delete_current_user_device),
        )
        .route(
            "/apps/{app_id}/currentuser/user-metadata",
            get(current_user::get_current_user_metadata)
                .patch(current_user::update_current_user_metadata),
        )
        .route(
            "/apps/{app_id}/currentuser/social-connections",
            get(current_user_social::social_connections),
        )
        .route(
            "/apps/{app_id}/currentuser/social-connections/{social_connection_type}",
            delete(current_user_social::delete_social_connection),
        )
        .route(
            "/apps/{app_id}/currentuser/social/link_account",
            get(current_user_social::link_account),
        )
        .route("/apps/{app_id}/social/authorize", get(social::authorize))
        .route(
            "/apps/{app_id}/social/oauth2_callback",
            get(social::app_callback).post(social::app_callback_form),
        )
        .route(
            "/social/oauth2_callback",
            get(social::dev_callback).post(social::dev_callback_form),
        )
        .route("/apps/{app_id}/social/token", get(social::token))
        .route(
            "/apps/{app_id}/social/id_token",
            post(social_users::id_token),
        )
        .route("/apps/{app_id}/authorize", get(hosted::authorize))
        .route("/apps/{app_id}/token", post(hosted_tokens::token))
        .route(
            "/apps/{app_id}/userinfo",
            get(hosted_tokens::userinfo).post(hosted_tokens::userinfo),
        )
        .route("/apps/{app_id}/logout", get(hosted::logout))
        .route(
            "/apps/{app_id}/tokens",
            post(tokens::refresh_auth_token).delete(tokens::revoke_refresh_token),
        )
}

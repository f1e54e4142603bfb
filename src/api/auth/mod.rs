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
mod readiness;
pub(crate) mod session;
pub(crate) mod social;
mod social_users;
mod tokens;
mod users;
mod well_known;

face! {
    app::get_app;
    well_known::jwks;
    well_known::openid_configuration;
    users::get_user, users::create_user;
    magic_link::register_magic_link;
    magic_link::login_magic_link;
    magic_link::activate_magic_link;
    magic_link::magic_link_status;
    passkeys::register_webauthn_start;
    passkeys::register_webauthn_finish;
    passkeys::login_webauthn_start;
    passkeys::login_webauthn_finish;
    passkeys::add_device_start;
    passkeys::add_device_finish;
    flex::register_start;
    flex::register_finish;
    flex::authenticate_start;
    flex::authenticate_finish;
    otp::register_otp;
    otp::login_otp;
    otp::activate_otp;
    current_user::get_current_user;
    current_user::update_current_user_email;
    current_user::update_current_user_phone;
    current_user::get_current_user_devices;
    current_user::update_current_user_device, current_user::delete_current_user_device;
    current_user::get_current_user_metadata, current_user::update_current_user_metadata;
    current_user_social::social_connections;
    current_user_social::delete_social_connection;
    current_user_social::link_account;
    social::authorize;
    social::app_callback, social::app_callback_form;
    social::dev_callback, social::dev_callback_form;
    social::token;
    social_users::id_token;
    hosted::authorize;
    hosted_tokens::token;
    hosted_tokens::userinfo;
    hosted::logout;
    tokens::refresh_auth_token, tokens::revoke_refresh_token;
    readiness::create_passkey_readiness;
    readiness::create_app_passkey_readiness;
}

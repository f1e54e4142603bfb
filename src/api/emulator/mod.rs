//! The emulator's own API under `/_emulator`: health, fixtures, inbox, clock, reset, key
//! rotation, snapshots, virtual authenticators, social provider stand-ins, the local CA.
//! Meant for tests and local tools: it takes no credentials.

mod authenticator_models;
mod authenticators;
mod ca;
mod clock;
pub mod console;
mod export;
mod faults;
mod fixtures;
mod health;
mod inbox;
mod keys;
mod passkey_export;
mod readiness;
mod requests;
mod reset;
mod snapshots;
mod social;

use axum::Router;
use axum::routing::get;

use crate::api::auth::hosted;
use crate::http::AppState;
use crate::openapi;

face! {
    health::health;
    console::info;
    openapi::document;
    console::list_apps;
    console::list_passkeys;
    console::sign_in;
    ca::ca_pem;
    fixtures::load_fixtures;
    export::export;
    clock::get_clock, clock::set_clock, clock::reset_clock;
    reset::reset;
    snapshots::list_snapshots, snapshots::create_snapshot;
    snapshots::restore_snapshot;
    snapshots::delete_snapshot;
    readiness::list_reports, readiness::delete_reports;
    inbox::list_messages, inbox::delete_messages;
    inbox::latest_message;
    inbox::stream_messages;
    inbox::message_html;
    inbox::get_message, inbox::delete_message;
    faults::list_faults, faults::add_fault, faults::clear_faults;
    faults::remove_fault;
    requests::list_requests, requests::clear_requests;
    requests::stream_requests;
    requests::get_request;
    keys::rotate_key;
    authenticators::list_authenticators, authenticators::create_authenticator;
    authenticators::get_authenticator, authenticators::delete_authenticator;
    authenticators::register;
    authenticators::login;
    social::next_identity;
    social::mint_id_token;
    social::authorize_page, social::authorize_choice;
    social::jwks;
    hosted::complete;
}

/// The emulator API's routes, and the console's own files (routes without an operation in the
/// OpenAPI document: they are a page, not an API).
pub fn routes() -> Router<AppState> {
    api_routes()
        .route("/ui", get(console::ui_root))
        .route("/ui/", get(console::ui_index))
        .route("/ui/{*rest}", get(console::ui_path))
}

/// What every delete of the emulator API answers: how many things went.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Deleted {
    pub deleted: u64,
}

/// A `?app_id=` of the emulator API must name an app: 404 `app_not_found` otherwise (an id
/// that cannot be one is not looked up).
async fn check_app_id(state: &AppState, app_id: &str) -> crate::error::ApiResult<()> {
    let known =
        crate::domain::ids::is_plausible_id(app_id) && state.store.app_exists(app_id).await?;
    if known {
        Ok(())
    } else {
        Err(crate::error::ApiError::app_not_found())
    }
}

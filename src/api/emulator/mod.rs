//! The emulator's own API under `/_emulator`: health, fixtures, inbox, clock, reset, key
//! rotation, virtual authenticators, social provider stand-ins, the local CA.
//! Meant for tests and local tools: it takes no credentials.

mod authenticator_models;
mod authenticators;
mod ca;
mod clock;
pub mod console;
mod faults;
mod fixtures;
mod inbox;
mod keys;
mod requests;
mod reset;
mod social;

use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::AppState;

/// The emulator API's routes, each with its operation in the OpenAPI document (the console's
/// own files are routes without one: they are a page, not an API).
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(console::info))
        .routes(routes!(crate::openapi::document))
        .route("/ui", get(console::ui_root))
        .route("/ui/", get(console::ui_index))
        .route("/ui/{*rest}", get(console::ui_path))
        .routes(routes!(console::list_apps))
        .routes(routes!(console::list_passkeys))
        .routes(routes!(console::sign_in))
        .routes(routes!(ca::ca_pem))
        .routes(routes!(fixtures::load_fixtures))
        .routes(routes!(
            clock::get_clock,
            clock::set_clock,
            clock::reset_clock
        ))
        .routes(routes!(reset::reset))
        .routes(routes!(inbox::list_messages, inbox::delete_messages))
        .routes(routes!(inbox::latest_message))
        .routes(routes!(inbox::stream_messages))
        .routes(routes!(inbox::message_html))
        .routes(routes!(inbox::get_message, inbox::delete_message))
        .routes(routes!(
            faults::list_faults,
            faults::add_fault,
            faults::clear_faults
        ))
        .routes(routes!(faults::remove_fault))
        .routes(routes!(requests::list_requests, requests::clear_requests))
        .routes(routes!(requests::stream_requests))
        .routes(routes!(requests::get_request))
        .routes(routes!(keys::rotate_key))
        .routes(routes!(
            authenticators::list_authenticators,
            authenticators::create_authenticator
        ))
        .routes(routes!(
            authenticators::get_authenticator,
            authenticators::delete_authenticator
        ))
        .routes(routes!(authenticators::register))
        .routes(routes!(authenticators::login))
        .routes(routes!(social::next_identity))
        .routes(routes!(social::mint_id_token))
        .routes(routes!(social::authorize_page, social::authorize_choice))
        .routes(routes!(social::jwks))
        .routes(routes!(crate::api::auth::hosted::complete))
}

/// What every delete of the emulator API answers: how many things went.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Deleted {
    pub deleted: u64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct Health {
    status: &'static str,
}

/// 200 `{"status":"ok"}` once the server accepts requests; used by scripts and HEALTHCHECK.
#[utoipa::path(
    get,
    path = "/health",
    tag = "emulator",
    responses((status = 200, description = "The server accepts requests.", body = Health)),
)]
async fn health() -> axum::Json<Health> {
    axum::Json(Health { status: "ok" })
}

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

use axum::Router;
use axum::routing::{delete, get, post};

use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/info", get(console::info))
        .route("/ui", get(console::ui_root))
        .route("/ui/", get(console::ui_index))
        .route("/ui/{*rest}", get(console::ui_path))
        .route("/apps", get(console::list_apps))
        .route(
            "/apps/{app_id}/users/{user_id}/passkeys",
            get(console::list_passkeys),
        )
        .route(
            "/apps/{app_id}/users/{user_id}/sign-in",
            post(console::sign_in),
        )
        .route("/ca.pem", get(ca::ca_pem))
        .route("/fixtures", post(fixtures::load_fixtures))
        .route(
            "/clock",
            get(clock::get_clock)
                .post(clock::set_clock)
                .delete(clock::reset_clock),
        )
        .route("/reset", post(reset::reset))
        .route(
            "/inbox",
            get(inbox::list_messages).delete(inbox::delete_messages),
        )
        .route("/inbox/latest", get(inbox::latest_message))
        .route("/inbox/stream", get(inbox::stream_messages))
        .route("/inbox/{message_id}/html", get(inbox::message_html))
        .route(
            "/inbox/{message_id}",
            get(inbox::get_message).delete(inbox::delete_message),
        )
        .route(
            "/faults",
            get(faults::list_faults)
                .post(faults::add_fault)
                .delete(faults::clear_faults),
        )
        .route("/faults/{fault_id}", delete(faults::remove_fault))
        .route(
            "/requests",
            get(requests::list_requests).delete(requests::clear_requests),
        )
        .route("/requests/stream", get(requests::stream_requests))
        .route("/requests/{request_id}", get(requests::get_request))
        .route("/apps/{app_id}/keys/rotate", post(keys::rotate_key))
        .route(
            "/authenticators",
            get(authenticators::list_authenticators).post(authenticators::create_authenticator),
        )
        .route(
            "/authenticators/{authenticator_id}",
            get(authenticators::get_authenticator).delete(authenticators::delete_authenticator),
        )
        .route(
            "/authenticators/{authenticator_id}/register",
            post(authenticators::register),
        )
        .route(
            "/authenticators/{authenticator_id}/login",
            post(authenticators::login),
        )
        .route("/social/next-identity", post(social::next_identity))
        .route("/social/id_token", post(social::mint_id_token))
        .route(
            "/social/{provider}/authorize",
            get(social::authorize_page).post(social::authorize_choice),
        )
        .route("/social/{provider}/jwks", get(social::jwks))
        .route(
            "/hosted/{grant_id}/complete",
            post(crate::api::auth::hosted::complete),
        )
}

#[derive(serde::Serialize)]
struct Health {
    status: &'static str,
}

/// 200 `{"status":"ok"}` once the server accepts requests; used by scripts and HEALTHCHECK.
async fn health() -> axum::Json<Health> {
    axum::Json(Health { status: "ok" })
}

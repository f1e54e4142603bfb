//! Black-box tests: each test starts its own emulator on a free port with an in-memory
//! database and talks HTTP to it.

mod api_keys;
mod apps;
mod auth_app;
mod auth_users;
mod authenticators;
mod bad_input;
mod cli;
mod cors;
mod current_user;
mod devices;
mod emulator;
mod fixture_passkeys;
mod fixtures;
mod flex;
mod helpers;
mod hosted;
mod inbox;
mod inbox_wait;
mod list_users;
mod magic_links;
mod metadata_schema;
mod otp;
mod passkey_failures;
mod passkey_helpers;
mod passkeys;
mod persistence;
mod refresh;
mod routing;
mod session_helpers;
mod smtp_relay;
mod social;
mod social_helpers;
mod social_providers;
mod tls;
mod users;

//! Black-box tests: each test starts its own emulator on a free port with an in-memory
//! database and talks HTTP to it.

mod api_keys;
mod apps;
mod auth_app;
mod bad_input;
mod cli;
mod devices;
mod emulator;
mod fixtures;
mod helpers;
mod list_users;
mod metadata_schema;
mod persistence;
mod routing;
mod users;

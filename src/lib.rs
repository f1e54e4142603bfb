//! passage-emulator: a local, faithful emulator of the Passage by 1Password API.
//!
//! Module map (see `docs/` and the design notes for the why):
//! - [`app`]: `Application::build(config)` opens the store, migrates, seeds fixtures, binds.
//! - [`authenticator`]: the built-in virtual authenticator (passkey-client, passkey-authenticator).
//! - [`config`]: the command line and its `PASSAGE_EMULATOR_*` environment twins.
//! - [`exec`]: `passage-emulator exec -- CMD`: a fresh emulator for the length of one command.
//! - [`signals`]: SIGINT and SIGTERM installed once, early, for serve and `exec`.
//! - [`ready`]: the addresses, app id and key handed to `exec`'s command and `--ready-file`.
//! - [`journal`]: the request journal (no axum); [`faults`]: fault rules and path globs (no axum).
//! - [`error`]: [`error::ApiError`], the one error type; it renders Passage's `{"code","error"}`.
//! - [`clock`]: every timestamp comes from here.
//! - [`openapi`]: the OpenAPI document of all three faces, collected from the handlers' attributes.
//! - [`http`]: routing by prefix and by Host, extractors, the Passage-shaped fallback.
//! - [`api`]: the three faces: `management` (`/api/v1`), `auth` (`/auth/v1`), `emulator` (`/_emulator`).
//! - [`domain`]: rules that know no HTTP: identifiers, app settings, metadata, ids, fixtures.
//! - [`relay`]: the optional SMTP relay that copies captured email to a real mail catcher.
//! - [`seed`]: fixtures and the signing keys every app needs, at start and on request;
//!   `export` is its inverse: the state as a fixture document.
//! - [`store`]: all SQL, one file per table group.
//! - `ui`: server-rendered pages (provider stand-ins, hosted sign-in), escaped by maud.
//! - [`webauthn`]: the relying party: passkey ceremonies checked by `webauthn_rp`.

#![forbid(unsafe_code)]

pub(crate) mod api;
pub mod app;
pub mod authenticator;
pub(crate) mod clock;
pub mod config;
pub(crate) mod domain;
pub(crate) mod error;
pub mod exec;
pub(crate) mod export;
pub(crate) mod faults;
mod health;
pub(crate) mod http;
pub mod journal;
pub(crate) mod openapi;
pub(crate) mod ready;
pub(crate) mod relay;
pub(crate) mod router;
pub(crate) mod seed;
pub mod signals;
pub(crate) mod store;
pub mod telemetry;
pub mod tls;
mod ui;
pub(crate) mod webauthn;

pub use app::Application;
pub use health::health_check;

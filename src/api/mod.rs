//! The three faces of the emulator, and what the two Passage APIs share (`common`: users,
//! identifiers, delivery; `links`: issuing magic links; `passkeys`: WebAuthn handshakes and
//! devices; `flex`: Passkey Flex transactions and nonces;
//! `oauth`: redirect URIs and single-use codes of social and hosted login; `models`: the DTOs
//! both answer with), so that neither Passage face imports the other.

pub mod auth;
mod common;
pub mod emulator;
mod flex;
mod links;
pub mod management;
pub mod models;
mod oauth;
mod passkeys;

//! The three faces of the emulator, and what the two Passage APIs share (`common`: users,
//! identifiers, delivery; `links`: issuing magic links; `passkeys`: WebAuthn handshakes and
//! devices; `flex`: Passkey Flex transactions and nonces;
//! `oauth`: redirect URIs and single-use codes of social and hosted login).

pub mod auth;
mod common;
pub mod emulator;
mod flex;
mod links;
pub mod management;
mod oauth;
mod passkeys;

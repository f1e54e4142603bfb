//! The three faces of the emulator, and what the two Passage APIs share (`common`: users,
//! identifiers, delivery; `links`: issuing magic links).

pub mod auth;
mod common;
pub mod emulator;
mod flex;
mod links;
pub mod management;
mod passkeys;

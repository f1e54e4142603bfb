//! The three faces of the emulator.

pub mod auth;
pub mod emulator;
pub mod management;

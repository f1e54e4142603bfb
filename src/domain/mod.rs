//! Rules that know nothing of HTTP or SQL.

pub mod app;
pub mod device;
pub mod email_provider;
pub mod email_templates;
pub mod events;
pub mod fixture_devices;
pub mod fixture_state;
pub mod fixtures;
pub mod identifiers;
pub mod ids;
pub mod jwt_provider;
pub mod messages;
pub mod metadata;
pub mod oidc;
pub mod provider_tokens;
pub mod readiness;
pub mod social;
pub mod timestamp;
pub mod tokens;
pub mod user;
pub mod user_import;

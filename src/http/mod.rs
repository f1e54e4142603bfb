//! HTTP plumbing shared by the three faces: routing by Host, CORS, extractors that answer in
//! Passage's error shape, the middleware every request passes, the accept loop. The route
//! table itself is `crate::router`, above both this and the handlers.

pub mod client;
mod cors;
mod edge;
mod exchange;
pub mod extract;
mod guard;
pub use guard::AllowedHosts;
mod panics;
pub mod query;
mod routes;
pub mod server;
mod shapes;
pub mod sse;
mod state;

pub use cors::auth_api as cors_for_auth_api;
pub use exchange::exchange;
pub use routes::{EMULATOR_BODY_LIMIT, PublicPrefix, passage_prefix, with_host_routing};
pub use state::{AppState, EmulatorInfo};

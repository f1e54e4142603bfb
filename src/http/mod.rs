//! HTTP plumbing shared by the three faces: routing by prefix and by Host, extractors that
//! answer in Passage's error shape, the fallback, and the middleware stack.

mod cors;
mod edge;
mod exchange;
pub use exchange::CONSOLE_HEADER;
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

pub use routes::{PublicPrefix, router, service, unknown_route, with_host_routing};
pub use state::{AppState, EmulatorInfo};

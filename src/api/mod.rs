//! The three faces of the emulator, and what the two Passage APIs share (`common`: users,
//! identifiers, delivery; `links`: issuing magic links; `passkeys`: WebAuthn handshakes and
//! devices; `flex`: Passkey Flex transactions and nonces;
//! `oauth`: redirect URIs and single-use codes of social and hosted login; `models`: the DTOs
//! both answer with), so that neither Passage face imports the other.

/// Declares a face's routes once, as groups of handlers that share a path (each handler has a
/// `#[utoipa::path]`), and makes two functions of that one list:
/// - `api_routes()`: the axum routes, each at its attribute's path for its attribute's methods. It
///   reads only the path and methods, so start-up does not pay for the document.
/// - `document()`: the face's OpenAPI operations and schemas (utoipa-axum's `routes!` over the
///   same handlers), built when `GET /_emulator/openapi.json` asks.
///
/// A route and its operation come from one declaration, so the document cannot drift.
macro_rules! face {
    ($( $first_module:ident :: $first:ident $(, $module:ident :: $name:ident)* );+ $(;)?) => {
        pub fn api_routes() -> axum::Router<crate::http::AppState> {
            #[allow(unused_imports)]
            use utoipa::Path as _;
            let mut router = axum::Router::new();
            $(
                let mut methods = axum::routing::MethodRouter::new();
                let path = utoipa_axum::paste! { $first_module::[<__path_ $first>]::path() };
                face!(@methods methods, $first_module::$first);
                $( face!(@methods methods, $module::$name); )*
                router = router.route(&path, methods);
            )+
            router
        }

        pub fn document() -> utoipa::openapi::OpenApi {
            utoipa_axum::router::OpenApiRouter::<crate::http::AppState>::new()
                $(
                    .routes(utoipa_axum::routes!(
                        $first_module::$first $(, $module::$name)*
                    ))
                )+
                .split_for_parts()
                .1
        }
    };
    (@methods $methods:ident, $module:ident :: $name:ident) => {
        utoipa_axum::paste! {
            for method in $module::[<__path_ $name>]::methods() {
                let filter = utoipa_axum::PathItemExt::to_method_filter(&method);
                $methods = $methods.on(filter, $module::$name);
            }
        }
    };
}

pub mod auth;
mod common;
pub mod emulator;
mod flex;
mod links;
pub mod management;
pub mod models;
mod oauth;
mod passkeys;

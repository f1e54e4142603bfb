//! CORS for the Auth API: browser SDKs call it cross-origin with `Authorization`,
//! `Passage-Version` or `Passage-Flex-Version` (and whatever `extraHeaders` passage-js adds).
//!
//! Emulator: Passage's own CORS policy was not observable. An origin is allowed on the Auth API
//! when it is the app's `auth_origin` or one of its `additional_auth_origins`; `--cors-any-origin` allows every
//! origin. Requested headers are mirrored, so custom headers pass.

use std::time::Duration;

use axum::http::request::Parts;
use axum::http::{HeaderValue, Method};
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

use crate::store::Store;

/// The `{app_id}` of an Auth API path (`/auth/v1/apps/{app_id}/...`, after Host routing).
fn app_id_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/auth/v1/apps/")?;
    rest.split('/').next().filter(|id| !id.is_empty())
}

pub fn auth_api(store: Store, any_origin: bool) -> CorsLayer {
    let origins = AllowOrigin::async_predicate(move |origin: HeaderValue, parts: &Parts| {
        let store = store.clone();
        let app_id = app_id_of(parts.uri.path()).map(str::to_owned);
        async move {
            let (Some(app_id), Ok(origin)) = (app_id, origin.to_str()) else {
                return false;
            };
            // Only the Auth API, even with --cors-any-origin: the Management and emulator
            // APIs are never for other sites' pages.
            if any_origin {
                return true;
            }
            match store.app(&app_id).await {
                Ok(Some(app)) => {
                    app.settings.auth_origin == origin
                        || app
                            .settings
                            .additional_auth_origins
                            .iter()
                            .any(|o| o == origin)
                }
                _ => false,
            }
        }
    });
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers(AllowHeaders::mirror_request())
        .max_age(Duration::from_secs(600))
}

#[cfg(test)]
mod tests {
    use super::app_id_of;

    #[test]
    fn finds_the_app_id() {
        assert_eq!(app_id_of("/auth/v1/apps/abc/users"), Some("abc"));
        assert_eq!(app_id_of("/auth/v1/apps/abc"), Some("abc"));
        assert_eq!(app_id_of("/auth/v1/apps/"), None);
        assert_eq!(app_id_of("/api/v1/apps/abc"), None);
    }
}

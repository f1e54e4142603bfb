//! The web console under `/_emulator/ui/`: one HTML shell for every view (its script routes by
//! path, so a reloaded deep link opens its view) and the stylesheet and scripts, all embedded
//! in the binary. No build step and no network: the files below are what the browser gets.
//!
//! The console is a client of the emulator's public HTTP APIs (the Management API with the
//! admin key, the Auth API, `/_emulator`), so what it shows is what an SDK or a test would get.

/// The page every view is served as.
pub const SHELL: &str = include_str!("console/index.html");

/// The views a path under `/_emulator/ui/` may name (its first segment; `users/{id}` is a
/// user's page).
pub const VIEWS: [&str; 5] = ["inbox", "users", "requests", "authenticators", "apps"];

/// Only the console's own files: no inline script or style, no other origin. Captured mail is
/// framed from `/_emulator/inbox/{id}/html`, which has its own sandboxing policy.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; \
base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The policy captured mail HTML is served with: a sandbox without scripts, forms or
/// navigation, inline styles and embedded images only, nothing fetched.
pub const MESSAGE_CONTENT_SECURITY_POLICY: &str = "sandbox; default-src 'none'; \
style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

/// A static file of the console.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
}

const JS: &str = "text/javascript; charset=utf-8";

/// Every file under `/_emulator/ui/assets/`.
pub const ASSETS: [Asset; 9] = [
    Asset {
        name: "console.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("console/console.css"),
    },
    Asset {
        name: "app.js",
        content_type: JS,
        body: include_str!("console/app.js"),
    },
    Asset {
        name: "dom.js",
        content_type: JS,
        body: include_str!("console/dom.js"),
    },
    Asset {
        name: "inbox.js",
        content_type: JS,
        body: include_str!("console/inbox.js"),
    },
    Asset {
        name: "users.js",
        content_type: JS,
        body: include_str!("console/users.js"),
    },
    Asset {
        name: "user.js",
        content_type: JS,
        body: include_str!("console/user.js"),
    },
    Asset {
        name: "requests.js",
        content_type: JS,
        body: include_str!("console/requests.js"),
    },
    Asset {
        name: "authenticators.js",
        content_type: JS,
        body: include_str!("console/authenticators.js"),
    },
    Asset {
        name: "apps.js",
        content_type: JS,
        body: include_str!("console/apps.js"),
    },
];

pub fn asset(name: &str) -> Option<Asset> {
    ASSETS.iter().find(|asset| asset.name == name).copied()
}

/// Whether the path after `/_emulator/ui/` is a view: empty (the inbox), a view's name, or
/// `users/{user_id}`.
pub fn is_view(rest: &str) -> bool {
    let rest = rest.trim_end_matches('/');
    if rest.is_empty() {
        return true;
    }
    match rest.split_once('/') {
        None => VIEWS.contains(&rest),
        Some(("users", id)) => !id.is_empty() && !id.contains('/'),
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_and_deep_links() {
        for path in ["", "inbox", "users", "users/abc", "requests/", "apps"] {
            assert!(is_view(path), "{path}");
        }
        for path in ["nope", "users/a/b", "assets", "inboxes"] {
            assert!(!is_view(path), "{path}");
        }
    }

    /// The budget: every page's JS and CSS together under 150 KB uncompressed. Every
    /// view loads the shell, the stylesheet and all scripts (they are one small app).
    #[test]
    fn page_weight_stays_under_150_kb() {
        let total: usize = ASSETS.iter().map(|asset| asset.body.len()).sum();
        assert!(total < 150 * 1000, "console JS and CSS weigh {total} bytes");
    }
}

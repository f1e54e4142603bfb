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
const CSS: &str = "text/css; charset=utf-8";

/// A file of `src/ui/console/`, embedded.
macro_rules! asset {
    ($name:literal, $content_type:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            body: include_str!(concat!("console/", $name)),
        }
    };
}

/// Every file under `/_emulator/ui/assets/`.
pub const ASSETS: [Asset; 9] = [
    asset!("console.css", CSS),
    asset!("app.js", JS),
    asset!("dom.js", JS),
    asset!("inbox.js", JS),
    asset!("users.js", JS),
    asset!("user.js", JS),
    asset!("requests.js", JS),
    asset!("authenticators.js", JS),
    asset!("apps.js", JS),
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

    /// Every module a script imports is served, and the shell preloads every module, so
    /// that a new file cannot be forgotten in `ASSETS` or in the shell.
    #[test]
    fn every_import_is_served_and_preloaded() {
        for script in ASSETS.iter().filter(|asset| asset.name.ends_with(".js")) {
            for line in script
                .body
                .lines()
                .filter(|line| line.contains(" from \"./"))
            {
                let name = line
                    .split("\"./")
                    .nth(1)
                    .and_then(|rest| rest.split('"').next());
                let name = name.unwrap_or_default();
                assert!(asset(name).is_some(), "{} imports {name}", script.name);
            }
            let preload = format!(r#"="/_emulator/ui/assets/{}""#, script.name);
            assert!(
                SHELL.contains(&preload),
                "the shell does not load {}",
                script.name
            );
        }
    }

    /// The issue's budget: every page's JS and CSS together under 150 KB uncompressed. Every
    /// view loads the shell, the stylesheet and all scripts (they are one small app).
    #[test]
    fn page_weight_stays_under_150_kb() {
        let total: usize = ASSETS.iter().map(|asset| asset.body.len()).sum();
        assert!(total < 150 * 1000, "console JS and CSS weigh {total} bytes");
    }
}

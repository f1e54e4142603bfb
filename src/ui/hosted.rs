//! The hosted sign-in page: the app's enabled methods (passkeys, one-time passcodes, magic
//! links), driven by `hosted.js` through the emulator's own Auth API.

use maud::{PreEscaped, html};

use super::page;

/// The page's script: it reads its settings from the JSON in `#config`.
const SCRIPT: &str = include_str!("hosted.js");

/// `config_json` is the page's settings as JSON; `<` is escaped so no string in it can end
/// the script element.
pub fn hosted_page(app_name: &str, config_json: &str) -> String {
    let config = config_json.replace('<', "\\u003c");
    let title = format!("Sign in to {app_name}");
    page(
        &title,
        html! {
            h1 { (title) }
            p.note { "Hosted login, served by the Passage emulator." }
            p #error role="alert" {}
            section #start {
                form #identify {
                    label #identifier-label { "Email or phone" input #identifier name="identifier" required autocomplete="username webauthn"; }
                    button type="submit" { "Continue" }
                }
                button #passkey-any type="button" hidden { "Sign in with a passkey" }
                p #passkey-note .note hidden {}
            }
            section #methods hidden {
                p { "Signing in as " strong #who {} }
                button #use-passkey type="button" hidden { "Use a passkey" }
                button #use-otp type="button" hidden { "Email or text me a code" }
                button #use-link type="button" hidden { "Email or text me a link" }
            }
            section #otp hidden {
                form #otp-form {
                    label { "One-time code" input #otp-code inputmode="numeric" autocomplete="one-time-code" required; }
                    button type="submit" { "Verify" }
                }
            }
            section #link hidden {
                p { "We sent a link. Open it, or paste it here." }
                form #link-form {
                    label { "Magic link" input #link-value required; }
                    button type="submit" { "Sign in" }
                }
            }
            button #cancel type="button" { "Cancel" }
            script #config type="application/json" { (PreEscaped(config)) }
            script { (PreEscaped(SCRIPT)) }
        },
    )
}

/// What `logout` shows when the app gave no `post_logout_redirect_uri`.
pub fn signed_out_page(app_name: &str) -> String {
    page(
        "Signed out",
        html! {
            h1 { "Signed out" }
            p { "You are signed out of " strong { (app_name) } "." }
        },
    )
}

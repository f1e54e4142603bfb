//! The sign-in page of a provider stand-in (Google, GitHub, Apple), and Apple's auto-submitted
//! `form_post` answer.

use maud::{PreEscaped, html};

use super::page;
use crate::domain::social::SocialIdentity;

/// The OAuth errors the page can answer with (Passage's `AuthErrorCode`, plus OAuth's
/// `access_denied` for "Cancel").
pub const ERRORS: [&str; 5] = [
    "access_denied",
    "consent_required",
    "login_required",
    "interaction_required",
    "account_selection_required",
];

pub struct ProviderPage<'a> {
    pub provider: &'a str,
    pub app_name: &'a str,
    /// Where the page's forms post (the stand-in's own authorize URL).
    pub action: &'a str,
    /// The grant id, travelling as the provider's `state`.
    pub state: &'a str,
    pub identities: &'a [SocialIdentity],
}

/// "Sign in with {provider}": pick an identity the app configured, type one, or refuse.
pub fn provider_page(p: &ProviderPage<'_>) -> String {
    let title = format!("Sign in with {} (Passage emulator)", p.provider);
    page(
        &title,
        html! {
            h1 { (title) }
            p { "To continue to " strong { (p.app_name) } "." }
            p.note { "This page stands in for " (p.provider) " while Passage is emulated: nothing leaves this machine." }
            @for identity in p.identities {
                form method="post" action=(p.action) {
                    input type="hidden" name="state" value=(p.state);
                    input type="hidden" name="email" value=(identity.email);
                    input type="hidden" name="name" value=(identity.name);
                    button type="submit" data-email=(identity.email) {
                        @if identity.name.is_empty() { (identity.email) }
                        @else { (identity.name) " <" (identity.email) ">" }
                    }
                }
            }
            form method="post" action=(p.action) {
                fieldset {
                    legend { "Another account" }
                    input type="hidden" name="state" value=(p.state);
                    label { "Email" input type="email" name="email" required; }
                    label { "Name" input type="text" name="name"; }
                    button type="submit" { "Continue" }
                }
            }
            form method="post" action=(p.action) {
                fieldset {
                    legend { "Answer with an error" }
                    input type="hidden" name="state" value=(p.state);
                    select name="error" {
                        @for error in ERRORS { option value=(error) { (error) } }
                    }
                    button type="submit" { "Refuse" }
                }
            }
        },
    )
}

/// An HTML page that posts `fields` to `action` as soon as it loads (Apple's `form_post`).
pub fn form_post(action: &str, fields: &[(&str, &str)]) -> String {
    page(
        "Signing in…",
        html! {
            form method="post" action=(action) {
                @for (name, value) in fields {
                    input type="hidden" name=(name) value=(value);
                }
                noscript { button type="submit" { "Continue" } }
            }
            script { (PreEscaped("document.forms[0].submit()")) }
        },
    )
}

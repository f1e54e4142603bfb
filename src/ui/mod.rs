//! Pages the emulator serves: the web console (static files, [`console`]), and server-rendered
//! pages (maud: HTML escaped by construction) for the social providers' sign-in and the hosted
//! sign-in page. No axum here: pages are strings.

pub mod console;
mod hosted;
mod provider;

pub use hosted::{hosted_page, signed_out_page};
pub use provider::{ProviderPage, form_post, provider_page};

use maud::{DOCTYPE, Markup, PreEscaped, html};

/// Plain, readable styling shared by every page.
const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:30rem;margin:2rem auto;\
padding:0 1rem;color:#1d1d1f}h1{font-size:1.4rem}form{margin:0 0 1rem}button{font:inherit;\
padding:.5rem .9rem;margin:.2rem 0;cursor:pointer}input,select{font:inherit;padding:.4rem;\
width:100%;box-sizing:border-box;margin:.2rem 0}.note{color:#6e6e73;font-size:.9rem}\
fieldset{border:1px solid #d2d2d7;border-radius:8px;margin:0 0 1rem}";

fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body { (body) }
        }
    }
    .into_string()
}

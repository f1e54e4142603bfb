//! Helpers for the social and hosted login tests: PKCE, a client that does not follow
//! redirects (every hop is checked by hand), and the whole provider round trip.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::redirect::Policy;
use reqwest::{Method, StatusCode};
use sha2::{Digest, Sha256};
use url::Url;

use super::helpers::*;

/// A PKCE pair as passage-js makes it: 32 random bytes written as decimals, and the
/// base64url SHA-256 of that string.
pub fn pkce() -> (String, String) {
    let verifier: String = (0..32).map(|_| rand::random::<u8>().to_string()).collect();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// One hop: status, `Location` (if any) and body text.
#[derive(Debug)]
pub struct Hop {
    pub status: StatusCode,
    pub location: Option<String>,
    pub text: String,
}

impl Hop {
    /// The `Location` parsed, with its query as pairs.
    pub fn redirect(&self) -> (Url, Vec<(String, String)>) {
        assert_eq!(self.status, StatusCode::FOUND, "{}", self.text);
        let url = Url::parse(self.location.as_deref().expect("Location")).expect("absolute URL");
        let pairs = url.query_pairs().into_owned().collect();
        (url, pairs)
    }

    /// The value of a query parameter of the redirect.
    pub fn param(&self, name: &str) -> String {
        let (_, pairs) = self.redirect();
        pairs
            .into_iter()
            .find(|(key, _)| key == name)
            .unwrap_or_else(|| panic!("{name} missing in {:?}", self.location))
            .1
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// GET `url` (absolute, or a path on the emulator) without following redirects.
pub async fn hop(app: &TestApp, url: &str) -> Hop {
    let url = if url.starts_with("http") {
        url.to_owned()
    } else {
        format!("{}{url}", app.base)
    };
    to_hop(client().get(url).send().await.unwrap()).await
}

/// POST a form to `url` without following redirects.
pub async fn post_form(url: &str, fields: &[(&str, &str)]) -> Hop {
    to_hop(client().post(url).form(fields).send().await.unwrap()).await
}

async fn to_hop(response: reqwest::Response) -> Hop {
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|value| value.to_str().unwrap().to_owned());
    Hop {
        status,
        location,
        text: response.text().await.unwrap(),
    }
}

pub const CALLBACK: &str = "http://localhost:3000/callback";

/// `social/authorize` for the default app: returns the redirect to the provider page.
pub async fn authorize(app: &TestApp, provider: &str, challenge: &str, extra: &str) -> Hop {
    hop(
        app,
        &format!(
            "/auth/v1/apps/{APP_ID}/social/authorize?redirect_uri={}&code_challenge={challenge}\
             &code_challenge_method=S256&connection_type={provider}&state=app-state{extra}",
            urlencode(CALLBACK)
        ),
    )
    .await
}

pub fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The whole browser trip for a Google or GitHub sign-in as `email`: authorize, the provider
/// page's form, Passage's callback. Returns the final redirect to the app and the verifier.
pub async fn sign_in_at(app: &TestApp, provider: &str, email: &str) -> (Hop, String) {
    let (verifier, challenge) = pkce();
    let to_provider = authorize(app, provider, &challenge, "").await;
    let grant = to_provider.param("state");
    let page = hop(app, to_provider.location.as_deref().unwrap()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let action = format!("{}/_emulator/social/{provider}/authorize", app.base);
    let to_callback = post_form(
        &action,
        &[("state", &grant), ("email", email), ("name", "Test Person")],
    )
    .await;
    let to_app = hop(app, to_callback.location.as_deref().expect("to callback")).await;
    (to_app, verifier)
}

/// `social/token` for a code and verifier.
pub async fn exchange(app: &TestApp, code: &str, verifier: &str) -> Reply {
    app.send(
        Method::GET,
        &format!(
            "/auth/v1/apps/{APP_ID}/social/token?code={code}&verifier={}",
            urlencode(verifier)
        ),
        None,
        None,
    )
    .await
}

/// The value of a hidden input in an HTML form (maud writes `name="x" value="y"`).
pub fn hidden_input(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("{name} in {html}"))
        + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end]
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

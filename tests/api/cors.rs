//! CORS on the Auth API: the app's origins (and, with --cors-any-origin, every origin).

use passage_emulator::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;

async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client
        .request(
            Method::OPTIONS,
            format!("{}/auth/v1/apps/{APP_ID}/login/otp", app.base),
        )
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "content-type,passage-version,x-custom-header",
        )
        .send()
        .await
        .unwrap()
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn the_apps_origins_are_allowed_with_any_requested_headers() {
    let app = spawn_app().await;
    let allowed = preflight(&app, "http://localhost:3000").await;
    assert_eq!(allowed.status(), StatusCode::OK);
    assert_eq!(
        header(&allowed, "access-control-allow-origin").as_deref(),
        Some("http://localhost:3000")
    );
    let headers = header(&allowed, "access-control-allow-headers").unwrap();
    assert!(
        headers.contains("passage-version") && headers.contains("x-custom-header"),
        "{headers}"
    );
    let methods = header(&allowed, "access-control-allow-methods").unwrap();
    assert!(
        methods.contains("PATCH") && methods.contains("DELETE"),
        "{methods}"
    );

    let refused = preflight(&app, "https://evil.example").await;
    assert_eq!(header(&refused, "access-control-allow-origin"), None);

    // A real request carries the header too.
    let response = app
        .client
        .get(format!("{}/auth/v1/apps/{APP_ID}", app.base))
        .header("Origin", "http://localhost:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(&response, "access-control-allow-origin").as_deref(),
        Some("http://localhost:3000")
    );

    // Extra origins configured on the app are allowed as well.
    app.mgmt(
        Method::PATCH,
        "",
        Some(json!({"additional_auth_origins": ["http://localhost:5173"]})),
    )
    .await;
    let extra = preflight(&app, "http://localhost:5173").await;
    assert_eq!(
        header(&extra, "access-control-allow-origin").as_deref(),
        Some("http://localhost:5173")
    );
}

#[tokio::test]
async fn cors_any_origin_allows_everyone() {
    let app = spawn_with(Config {
        cors_any_origin: true,
        ..Config::ephemeral()
    })
    .await;
    let response = preflight(&app, "https://anywhere.example").await;
    assert_eq!(
        header(&response, "access-control-allow-origin").as_deref(),
        Some("https://anywhere.example")
    );
    // Not the Management API, nor the emulator's (which tells the console the admin key).
    for path in [
        format!("/api/v1/apps/{APP_ID}/users"),
        "/_emulator/info".to_owned(),
        "/_emulator/inbox".to_owned(),
    ] {
        let response = app
            .client
            .get(format!("{}{path}", app.base))
            .header("Origin", "https://anywhere.example")
            .send()
            .await
            .unwrap();
        assert_eq!(
            header(&response, "access-control-allow-origin"),
            None,
            "{path}"
        );
    }
}

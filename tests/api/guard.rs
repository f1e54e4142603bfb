//! DNS rebinding and cross-site requests: a Host this emulator does not serve is refused, and
//! so is a state-changing emulator or Management call from another site's page.

use passage_emulator::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;

async fn with_host(app: &TestApp, host: &str, path: &str) -> Reply {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .header("host", host)
        .send()
        .await
        .unwrap();
    reply(response).await
}

async fn from_origin(
    app: &TestApp,
    method: Method,
    path: &str,
    origin: &str,
    body: &str,
    content_type: &str,
) -> Reply {
    let response = app
        .client
        .request(method, format!("{}{path}", app.base))
        .header("origin", origin)
        .header("content-type", content_type)
        .bearer_auth(ADMIN_KEY)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    reply(response).await
}

#[tokio::test]
async fn a_host_the_emulator_does_not_serve_is_refused() {
    let app = spawn_app().await;
    let refused = with_host(&app, "attacker.example", "/_emulator/inbox").await;
    assert_error(
        &refused,
        403,
        "operation_not_allowed",
        "--allowed-host attacker.example",
    );
    let refused = with_host(
        &app,
        "attacker.example:7277",
        "/auth/v1/apps/defaultapp00000000000001",
    )
    .await;
    assert_error(&refused, 403, "operation_not_allowed", "DNS rebinding");
    for host in [
        "localhost:7277",
        "127.0.0.1",
        "[::1]:7277",
        "auth.passage.id",
        "app.localhost",
    ] {
        let served = with_host(&app, host, "/_emulator/health").await;
        assert_eq!(served.status, StatusCode::OK, "{host}: {}", served.text);
    }
    app.stop().await;

    let app = spawn_with(Config {
        allowed_hosts: vec!["passage".into(), ".corp.test".into()],
        ..Config::ephemeral()
    })
    .await;
    for host in ["passage:7277", "emu.corp.test"] {
        let served = with_host(&app, host, "/_emulator/health").await;
        assert_eq!(served.status, StatusCode::OK, "{host}: {}", served.text);
    }
    let refused = with_host(&app, "attacker.example", "/_emulator/health").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    app.stop().await;

    let app = spawn_with(Config {
        allowed_hosts: vec!["*".into()],
        ..Config::ephemeral()
    })
    .await;
    let served = with_host(&app, "attacker.example", "/_emulator/health").await;
    assert_eq!(served.status, StatusCode::OK, "{}", served.text);
    app.stop().await;
}

#[tokio::test]
async fn another_sites_page_cannot_change_the_emulators_state() {
    let app = spawn_app().await;
    let evil = "https://evil.example";
    // A text/plain POST needs no preflight: the guard, not CORS, must stop it.
    let fixture = json!({"apps": [{"id": "evilapp0000000000000001", "settings": {"name": "Evil"},
        "api_keys": [{"id": "evilkey", "name": "k", "key": "evil-key"}]}]});
    let refused = from_origin(
        &app,
        Method::POST,
        "/_emulator/fixtures",
        evil,
        &fixture.to_string(),
        "text/plain",
    )
    .await;
    assert_error(&refused, 403, "operation_not_allowed", "evil.example");
    let apps = app.send(Method::GET, "/_emulator/apps", None, None).await;
    assert_eq!(
        apps.body["apps"].as_array().unwrap().len(),
        1,
        "the fixture was not loaded"
    );

    let clock = r#"{"advance_seconds": 3600}"#;
    let refused = from_origin(
        &app,
        Method::POST,
        "/_emulator/clock",
        evil,
        clock,
        "text/plain",
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = from_origin(
        &app,
        Method::POST,
        "/_emulator/reset",
        "null",
        "",
        "text/plain",
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let path = format!("/api/v1/apps/{APP_ID}");
    let refused = from_origin(&app, Method::DELETE, &path, evil, "", "text/plain").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let clock_now = app.send(Method::GET, "/_emulator/clock", None, None).await;
    assert_eq!(clock_now.body["offset_seconds"], 0);

    // The console (the emulator's own origin) and the developer's local pages may.
    for origin in [app.base.clone(), "http://localhost:5173".to_owned()] {
        let moved = from_origin(
            &app,
            Method::POST,
            "/_emulator/clock",
            &origin,
            clock,
            "application/json",
        )
        .await;
        assert_eq!(moved.status, StatusCode::OK, "{origin}: {}", moved.text);
    }
    // Reads are not guarded by Origin (other sites cannot read the answers: no CORS).
    let read = from_origin(
        &app,
        Method::GET,
        "/_emulator/clock",
        evil,
        "",
        "text/plain",
    )
    .await;
    assert_eq!(read.status, StatusCode::OK);
    // The Auth API is for apps' pages on any origin.
    let login = from_origin(
        &app,
        Method::POST,
        &format!("/auth/v1/apps/{APP_ID}/login/otp"),
        evil,
        r#"{"identifier": "nobody@example.com"}"#,
        "application/json",
    )
    .await;
    assert_error(&login, 404, "user_not_found", "");
    app.stop().await;
}

//! Passkey readiness analytics: what Authentikit (passage-android) and the generated clients
//! send is kept, and the emulator API shows it back.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;

async fn reports(app: &TestApp, query: &str) -> Value {
    let reply = app
        .send(
            Method::GET,
            &format!("/_emulator/passkey-readiness{query}"),
            None,
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let mut body = reply.body;
    for report in body["reports"].as_array_mut().unwrap() {
        redact_id(report, "id");
        redact_time(report, "created_at");
    }
    body
}

#[tokio::test]
async fn reports_from_authentikit_and_the_generated_clients_are_kept() {
    let app = spawn_app().await;
    // Authentikit 0.1.0: no app in the path, underscore headers, its own member names.
    let authentikit = app
        .client
        .post(format!("{}/auth/v1/analytics/passkey-readiness", app.base))
        .header("app_identifier", "com.example.shop")
        .header("device_os", "Android")
        .header("device_os_version", "34")
        .header("origin", "com.example.shop")
        .header("X-API-KEY", "client-side-key")
        .header("Passage-Version", "Passage Authentikit Android 0.1.0")
        .header("User-Agent", "okhttp/4.12.0")
        .json(
            &json!({"cloud_synced": true, "conditional_ui": true, "cross_platform": false,
                      "device_id": "6f1c5c1e-2b7a-4c1e-9a0e-1d2c3b4a5f60", "platform": true,
                      "security_key": false}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(authentikit.status(), StatusCode::CREATED);
    assert_eq!(authentikit.text().await.unwrap(), "", "no body");
    // The generated clients' model and headers, on the app-scoped path.
    let generated = app
        .client
        .post(format!(
            "{}/auth/v1/apps/{APP_ID}/analytics/passkey-readiness",
            app.base
        ))
        .header("Device-OS", "iOS")
        .header("Device-OS-Version", "17.4")
        .header("App-Identifier", "com.example.ios")
        .json(
            &json!({"device_id": "ios-device", "security_key": true, "platform": true,
                      "synced_credential": true, "cross_device_credential": true,
                      "conditional_ui": false}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(generated.status(), StatusCode::CREATED);

    let ios = json!({"id": "<id>", "app_id": APP_ID, "client_key": "", "device_id": "ios-device",
        "security_key": true, "platform": true, "synced_credential": true,
        "cross_device_credential": true, "conditional_ui": false, "origin": "",
        "app_identifier": "com.example.ios", "device_os": "iOS", "device_os_version": "17.4",
        "user_agent": "", "ip_addr": "127.0.0.1", "created_at": "<time>"});
    let android = json!({"id": "<id>", "app_id": null, "client_key": "client-side-key",
        "device_id": "6f1c5c1e-2b7a-4c1e-9a0e-1d2c3b4a5f60", "security_key": false,
        "platform": true, "synced_credential": true, "cross_device_credential": false,
        "conditional_ui": true, "origin": "com.example.shop",
        "app_identifier": "com.example.shop", "device_os": "Android", "device_os_version": "34",
        "user_agent": "okhttp/4.12.0", "ip_addr": "127.0.0.1", "created_at": "<time>"});
    assert_eq!(reports(&app, "").await, json!({"reports": [ios, android]}));
    assert_eq!(
        reports(&app, &format!("?app_id={APP_ID}")).await,
        json!({"reports": [ios]})
    );
    assert_eq!(reports(&app, "?limit=1").await, json!({"reports": [ios]}));

    // By name, as the clients reach auth.passage.id.
    let by_host = app
        .client
        .post(format!("{}/v1/analytics/passkey-readiness", app.base))
        .header("Host", "auth.passage.id")
        .json(&json!({"device_id": "by-host"}))
        .send()
        .await
        .unwrap();
    assert_eq!(by_host.status(), StatusCode::CREATED);

    let reset = app.send(Method::POST, "/_emulator/reset", None, None).await;
    assert_eq!(reset.status, StatusCode::OK);
    assert_eq!(
        reports(&app, "").await,
        json!({"reports": []}),
        "a reset empties them"
    );
}

#[tokio::test]
async fn bad_readiness_reports_are_refused() {
    let app = spawn_app().await;
    let post = |path: String, body: Value| {
        let app = &app;
        async move { app.send(Method::POST, &path, None, Some(&body)).await }
    };
    let path = "/auth/v1/analytics/passkey-readiness".to_owned();
    let missing = post(path.clone(), json!({"platform": true})).await;
    assert_error(&missing, 400, "invalid_request", "device_id");
    let empty = post(path.clone(), json!({"device_id": ""})).await;
    assert_error(&empty, 400, "invalid_request", "device_id: required");
    let unknown = post(path, json!({"device_id": "d", "battery": 3})).await;
    assert_error(&unknown, 400, "invalid_request", "unknown field `battery`");
    let no_app = post(
        "/auth/v1/apps/nosuchapp0000000000000001/analytics/passkey-readiness".to_owned(),
        json!({"device_id": "d"}),
    )
    .await;
    assert_error(&no_app, 404, "app_not_found", "");
    let limit = app
        .send(
            Method::GET,
            "/_emulator/passkey-readiness?limit=0",
            None,
            None,
        )
        .await;
    assert_error(&limit, 400, "invalid_request", "limit");
    let deleted = app
        .send(Method::DELETE, "/_emulator/passkey-readiness", None, None)
        .await;
    assert_eq!(deleted.body, json!({"deleted": 0}));
}

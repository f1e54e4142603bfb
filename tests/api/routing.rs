//! Health, prefixes, Host routing and the Passage-shaped fallback.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;

#[tokio::test]
async fn health_answers_ok() {
    let app = spawn_app().await;
    let reply = app.send(Method::GET, "/_emulator/health", None, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, json!({"status": "ok"}));
}

#[tokio::test]
async fn unknown_routes_answer_passage_shaped_404() {
    let app = spawn_app().await;
    for path in [
        "/nope",
        "/api/v1/nope",
        "/auth/v1/apps/x/nope",
        "/_emulator/nope",
        "/v1/apps",
    ] {
        let reply = app.send(Method::GET, path, None, None).await;
        assert_error(
            &reply,
            404,
            "route_not_found",
            &format!("No such route: GET {path}"),
        );
    }
    // A known path with the wrong method: 405 with `Allow`, in the same shape.
    let response = app
        .client
        .put(format!("{}/api/v1/apps/{APP_ID}/users", app.base))
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET,HEAD,POST");
    assert_eq!(response.headers()["content-type"], "application/json");
    let reply = reply(response).await;
    assert_error(
        &reply,
        405,
        "method_not_allowed",
        "PUT is not a method of /api/v1/apps/",
    );
}

/// A body over the emulator API's 16 MiB answers 413 in the same shape, not as text.
#[tokio::test]
async fn a_body_over_the_limit_is_a_json_413() {
    let app = spawn_app().await;
    let huge = format!(
        r#"{{"apps": [], "pad": "{}"}}"#,
        "x".repeat(17 * 1024 * 1024)
    );
    let response = app
        .client
        .post(format!("{}/_emulator/fixtures", app.base))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/json");
    let reply = reply(response).await;
    assert_error(&reply, 413, "payload_too_large", "");
}

#[tokio::test]
async fn host_api_passage_id_serves_the_management_api_under_v1() {
    let app = spawn_app().await;
    let url = format!("{}/v1/apps/{APP_ID}", app.base);
    let response = app
        .client
        .get(&url)
        .header("Host", "api.passage.id")
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    let direct = app.mgmt(Method::GET, "", None).await;
    let routed = reply(response).await;
    assert_eq!(routed.status, StatusCode::OK);
    assert_eq!(routed.body, direct.body);

    // Links in list responses use the prefix the caller used.
    let response = app
        .client
        .get(format!("{}/v1/apps/{APP_ID}/users?limit=5", app.base))
        .header("Host", "api.passage.id:443")
        .bearer_auth(API_KEY)
        .send()
        .await
        .unwrap();
    let listed = reply(response).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    let href = listed.body["_links"]["self"]["href"].as_str().unwrap();
    assert!(
        href.starts_with(&format!("/v1/apps/{APP_ID}/users?page=1&limit=5")),
        "{href}"
    );
}

#[tokio::test]
async fn host_auth_passage_id_routes_to_the_auth_api() {
    let app = spawn_app().await;
    // Both APIs have `GET /v1/apps/{app_id}`; the Host decides which answers.
    let response = app
        .client
        .get(format!("{}/v1/apps/{APP_ID}", app.base))
        .header("Host", "auth.passage.id")
        .send()
        .await
        .unwrap();
    let routed = reply(response).await;
    let direct = app
        .send(Method::GET, &format!("/auth/v1/apps/{APP_ID}"), None, None)
        .await;
    assert_eq!(routed.status, StatusCode::OK);
    assert_eq!(routed.body, direct.body);
    assert!(routed.body["app"].get("social_connections").is_some());
    assert!(routed.body["app"].get("created_at").is_none());
}

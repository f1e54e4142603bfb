//! API keys (2023 console spec).

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;

#[tokio::test]
async fn a_created_key_works_until_deleted() {
    let app = spawn_app().await;
    let created = app
        .mgmt(Method::POST, "/api-keys", Some(json!({"name": "ci"})))
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let mut key = created.body["api_key"].clone();
    let plaintext = key["plaintext_key"].as_str().unwrap().to_owned();
    assert_eq!(plaintext.len(), 48);
    assert_eq!(key["key_prefix"], json!(&plaintext[..6]));
    let key_id = key["id"].as_str().unwrap().to_owned();
    redact_id(&mut key, "id");
    redact_time(&mut key, "created_at");
    key["plaintext_key"] = json!("<key>");
    key["key_prefix"] = json!("<prefix>");
    assert_eq!(
        key,
        json!({"id": "<id>", "created_at": "<time>", "key_prefix": "<prefix>", "name": "ci",
               "role": "admin", "plaintext_key": "<key>"})
    );

    let users_path = format!("/api/v1/apps/{APP_ID}/users");
    let with_new_key = app
        .send(Method::GET, &users_path, Some(&plaintext), None)
        .await;
    assert_eq!(with_new_key.status, StatusCode::OK);

    let listed = app.mgmt(Method::GET, "/api-keys", None).await;
    let names: Vec<_> = listed.body["api_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].clone())
        .collect();
    assert_eq!(names, vec![json!("default"), json!("ci")]);
    assert!(listed.body["api_keys"][1].get("plaintext_key").is_none());

    let renamed = app
        .mgmt(
            Method::PATCH,
            &format!("/api-keys/{key_id}"),
            Some(json!({"name": "ci-2"})),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK);
    assert_eq!(renamed.body["api_key"]["name"], json!("ci-2"));
    let fetched = app
        .mgmt(Method::GET, &format!("/api-keys/{key_id}"), None)
        .await;
    assert_eq!(fetched.body, renamed.body);

    let deleted = app
        .mgmt(Method::DELETE, &format!("/api-keys/{key_id}"), None)
        .await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(deleted.text, "");
    let refused = app
        .send(Method::GET, &users_path, Some(&plaintext), None)
        .await;
    assert_error(&refused, 401, "invalid_access_token", "not valid");
}

#[tokio::test]
async fn unknown_keys_and_bad_names_are_refused() {
    let app = spawn_app().await;
    for method in [Method::GET, Method::DELETE] {
        let reply = app
            .mgmt(method, "/api-keys/noSuchKey000000000000000", None)
            .await;
        assert_error(&reply, 404, "api_key_not_found", "API key not found.");
    }
    let reply = app
        .mgmt(
            Method::PATCH,
            "/api-keys/noSuchKey000000000000000",
            Some(json!({"name": "x"})),
        )
        .await;
    assert_error(&reply, 404, "api_key_not_found", "API key not found.");
    let reply = app
        .mgmt(Method::POST, "/api-keys", Some(json!({"name": "  "})))
        .await;
    assert_error(&reply, 400, "invalid_request", "name: must not be empty");
    let reply = app.mgmt(Method::POST, "/api-keys", Some(json!({}))).await;
    assert_error(&reply, 400, "invalid_request", "missing field `name`");
}

#[tokio::test]
async fn a_key_of_one_app_does_not_open_another() {
    let app = spawn_app().await;
    let created = app
        .send(
            Method::POST,
            "/api/v1/apps",
            Some(ADMIN_KEY),
            Some(&json!({"name": "Other"})),
        )
        .await;
    let other = created.body["app"]["id"].as_str().unwrap();
    let path = format!("/api/v1/apps/{other}/users");
    let reply = app.send(Method::GET, &path, Some(API_KEY), None).await;
    assert_error(
        &reply,
        401,
        "invalid_access_token",
        &format!("not valid for app {other}"),
    );
}

/// Console operations (changing or deleting the app, its API keys, its metadata schema) need
/// the admin key: an app's own key covers the SDKs' operations only. (A fuzzer once deleted
/// the default app with its own key.)
#[tokio::test]
async fn console_operations_need_the_admin_key() {
    let app = spawn_app().await;
    let base = format!("/api/v1/apps/{APP_ID}");
    let calls = [
        (Method::PATCH, base.clone(), json!({"name": "Renamed"})),
        (Method::DELETE, base.clone(), json!({})),
        (Method::GET, format!("{base}/api-keys"), json!({})),
        (
            Method::POST,
            format!("{base}/api-keys"),
            json!({"name": "mine"}),
        ),
        (Method::GET, format!("{base}/user-metadata"), json!({})),
        (
            Method::POST,
            format!("{base}/user-metadata"),
            json!([{"friendly_name": "Plan", "type": "string", "profile": true, "registration": false}]),
        ),
    ];
    for (method, path, body) in &calls {
        let refused = app
            .send(method.clone(), path, Some(API_KEY), Some(body))
            .await;
        assert_error(&refused, 401, "invalid_access_token", "admin key");
    }
    // Nothing changed: the app is there, unrenamed, without new keys or fields.
    let info = app.send(Method::GET, &base, Some(API_KEY), None).await;
    assert_eq!(info.body["app"]["name"], "Passage Emulator Default App");
    assert_eq!(info.body["app"]["user_metadata_schema"], json!([]));
    for (method, path, body) in calls
        .iter()
        .filter(|(method, ..)| *method != Method::DELETE)
    {
        let done = app
            .send(method.clone(), path, Some(ADMIN_KEY), Some(body))
            .await;
        assert!(done.status.is_success(), "{method} {path}: {}", done.text);
    }
    let unknown = app
        .send(
            Method::GET,
            "/api/v1/apps/noSuchApp00000000000001/api-keys",
            Some(ADMIN_KEY),
            None,
        )
        .await;
    assert_error(&unknown, 404, "app_not_found", "");
    app.stop().await;
}

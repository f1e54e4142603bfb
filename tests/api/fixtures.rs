//! Fixtures: loaded at start and through `POST /_emulator/fixtures`, idempotently.

use passage_emulator::Application;
use passage_emulator::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;

const SHOP: &str = "/api/v1/apps/shopapp00000000000000001";
const KEY: Option<&str> = Some("shop-api-key-0001");

#[tokio::test]
async fn loading_twice_leaves_one_copy_and_restores_fixture_values() {
    let app = spawn_with_fixture("shop.json").await;
    let document = std::fs::read_to_string(fixture_path("shop.json")).unwrap();
    // Change a fixture user, then load the same document again.
    let path = format!("{SHOP}/users/shopuser0000000000000002");
    let changed = app
        .send(Method::PATCH, &format!("{path}/activate"), KEY, None)
        .await;
    assert_eq!(changed.body["user"]["status"], json!("active"));

    let before = app
        .send(Method::GET, &format!("{SHOP}/users?order_by=id"), KEY, None)
        .await;
    for _ in 0..2 {
        let response = app
            .client
            .post(format!("{}/_emulator/fixtures", app.base))
            .body(document.clone())
            .send()
            .await
            .unwrap();
        let loaded = reply(response).await;
        assert_eq!(loaded.status, StatusCode::OK, "{}", loaded.text);
        assert_eq!(loaded.body, json!({"apps": 1, "users": 4, "devices": 2}));
    }
    let after = app
        .send(Method::GET, &format!("{SHOP}/users?order_by=id"), KEY, None)
        .await;
    assert_eq!(after.body["total_users"], json!(4));
    let ids = |r: &Reply| {
        r.body["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&after), ids(&before));
    let restored = app.send(Method::GET, &path, KEY, None).await;
    assert_eq!(restored.body["user"]["status"], json!("inactive"));
    let devices = app
        .send(
            Method::GET,
            &format!("{SHOP}/users/shopuser0000000000000001/devices"),
            KEY,
            None,
        )
        .await;
    assert_eq!(devices.body["devices"].as_array().unwrap().len(), 2);
    let keys = app
        .send(
            Method::GET,
            &format!("{SHOP}/api-keys"),
            Some(ADMIN_KEY),
            None,
        )
        .await;
    assert_eq!(keys.body["api_keys"].as_array().unwrap().len(), 1);
    let schema = app
        .send(
            Method::GET,
            &format!("{SHOP}/user-metadata"),
            Some(ADMIN_KEY),
            None,
        )
        .await;
    assert_eq!(
        schema.body["user_metadata_schema"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        schema.body["user_metadata_schema"][0]["id"],
        json!("shopapp00000000000000001_plan")
    );
}

#[tokio::test]
async fn several_fixture_files_load_in_order_without_the_default_app() {
    let config = Config {
        fixtures: vec![fixture_path("shop.json"), fixture_path("shop.json")],
        ..Config::ephemeral()
    };
    let app = spawn_with(config).await;
    let shop = app.send(Method::GET, SHOP, KEY, None).await;
    assert_eq!(shop.status, StatusCode::OK);
    assert_eq!(shop.body["app"]["name"], json!("Shop"));
    assert_eq!(shop.body["app"]["type"], json!("flex"));
    assert_eq!(shop.body["app"]["session_timeout_length"], json!(600));
    let default = app
        .send(Method::GET, &format!("/api/v1/apps/{APP_ID}"), None, None)
        .await;
    assert_error(&default, 404, "app_not_found", "App not found.");
}

#[tokio::test]
async fn bad_fixture_documents_are_refused_with_their_path() {
    let app = spawn_app().await;
    let cases = [
        ("not json", "fixtures: .: expected ident at line 1 column 2"),
        (
            r#"{"apps": [{"id": "x y"}]}"#,
            "apps[0].id: `x y` is not a valid id",
        ),
        (
            r#"{"apps": [{"id": "a", "settings": {"auth_origin": "nope"}}]}"#,
            "apps[0].settings.auth_origin",
        ),
        (
            r#"{"apps": [{"id": "a", "users": [{"id": "u"}]}]}"#,
            "apps[0].users[0].a user needs an email",
        ),
        (
            r#"{"apps": [{"id": "a", "users": [{"id": "u", "email": "u@x.io", "user_metadata": {"plan": 1}}]}]}"#,
            "user_metadata.plan: unknown field",
        ),
        (
            r#"{"apps": [{"id": "a", "users": [{"id": "u", "email": "u@x.io", "devices": [{"id": "d", "cred_id": "***", "public_key": "AA"}]}]}]}"#,
            "devices[0].cred_id: not base64url",
        ),
        (
            r#"{"apps": [{"id": "a", "api_keys": [{"key": "short"}]}]}"#,
            "a key needs at least 8 characters",
        ),
        (r#"{"aps": []}"#, "unknown field `aps`"),
    ];
    for (document, message) in cases {
        let response = app
            .client
            .post(format!("{}/_emulator/fixtures", app.base))
            .body(document)
            .send()
            .await
            .unwrap();
        assert_error(&reply(response).await, 400, "invalid_request", message);
    }
    // Two users of one document claiming the same email: nothing of it is loaded.
    let clash = r#"{"apps": [{"id": "clashapp", "users": [
        {"id": "u1", "email": "same@example.com"}, {"id": "u2", "email": "same@example.com"}]}]}"#;
    let response = app
        .client
        .post(format!("{}/_emulator/fixtures", app.base))
        .body(clash)
        .send()
        .await
        .unwrap();
    assert_error(
        &reply(response).await,
        400,
        "invalid_request",
        "UNIQUE constraint failed",
    );
    let reply = app
        .send(Method::GET, "/api/v1/apps/clashapp", None, None)
        .await;
    assert_error(&reply, 404, "app_not_found", "App not found.");
}

#[tokio::test]
async fn a_bad_fixture_file_stops_start_up_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(
        &path,
        r#"{"apps": [{"id": "a", "settings": {"session_timeout_length": 1}}]}"#,
    )
    .unwrap();
    let config = Config {
        fixtures: vec![path.clone()],
        ..Config::ephemeral()
    };
    let error = Application::build(config)
        .await
        .err()
        .expect("start-up fails");
    assert!(
        matches!(error, passage_emulator::app::StartError::Fixtures(_)),
        "{error:?}"
    );
    let error = error.to_string();
    assert!(error.contains("broken.json"), "{error}");
    assert!(
        error.contains("session_timeout_length: must be at least 5"),
        "{error}"
    );
    let missing = Config {
        fixtures: vec![dir.path().join("missing.json")],
        ..Config::ephemeral()
    };
    let error = Application::build(missing)
        .await
        .err()
        .expect("start-up fails")
        .to_string();
    assert!(error.contains("missing.json"), "{error}");
}

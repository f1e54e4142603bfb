//! The emulator's own OpenAPI document (`GET /_emulator/openapi.json`): complete, and true to
//! the routes. schemathesis (tests/schemathesis) fuzzes the server against it in CI.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;

async fn document(app: &TestApp) -> Value {
    let reply = app
        .send(Method::GET, "/_emulator/openapi.json", None, None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

/// Every (method, path) of the document, in document order.
fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            found.push((method.to_uppercase(), path.clone(), operation.clone()));
        }
    }
    found
}

#[tokio::test]
async fn the_document_describes_all_three_faces() {
    let app = spawn_app().await;
    let document = document(&app).await;
    assert_eq!(document["openapi"], "3.1.0");
    let operations = operations(&document);
    let count = |prefix: &str| {
        operations
            .iter()
            .filter(|(_, path, _)| path.starts_with(prefix))
            .count()
    };
    // Management: the 12 SDK operations, apps, API keys, metadata schema, Flex, events (30),
    // stats, layouts, claim, email templates, email provider, email test, user import (43).
    assert_eq!(count("/api/v1/"), 43);
    // The Auth API: 47, and passkey readiness (the clients' path and the app-scoped one).
    assert_eq!(count("/auth/v1/"), 49);
    // The emulator API: 40, snapshots (4), export (1), passkey readiness reports (2).
    assert_eq!(count("/_emulator/"), 47);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let total = format!("all three faces ({} operations)", operations.len());
    assert!(readme.contains(&total), "README.md should say {total}");

    let get_user = &document["paths"]["/api/v1/apps/{app_id}/users/{user_id}"]["get"];
    let statuses: Vec<&str> = get_user["responses"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(statuses, ["200", "401", "404", "500"]);
    assert_eq!(
        get_user["responses"]["404"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Error404"})
    );
    assert_eq!(get_user["security"], json!([{"api_key": []}]));
    let parameters: Vec<&str> = get_user["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|parameter| parameter["name"].as_str().unwrap())
        .collect();
    assert_eq!(parameters, ["app_id", "user_id"]);
}

/// Each status's schema lists exactly the codes of that status, as Passage's documents do
/// (`404Error`), and every code the emulator has is in one of them.
#[tokio::test]
async fn error_schemas_list_each_status_codes() {
    let app = spawn_app().await;
    let document = document(&app).await;
    let schemas = &document["components"]["schemas"];
    assert_eq!(
        schemas["Error401"]["properties"]["code"]["enum"],
        json!([
            "invalid_access_token",
            "invalid_refresh_token",
            "invalid_magic_link",
            "exceeded_attempts",
            "webauthn_login_failed",
            "discoverable_login_failed",
            "invalid_nonce"
        ])
    );
    assert_eq!(schemas["Error400"]["required"], json!(["code", "error"]));
    let mut listed: Vec<String> = Vec::new();
    for status in ["400", "401", "403", "404", "405", "409", "413", "500"] {
        let codes = schemas[format!("Error{status}")]["properties"]["code"]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("Error{status}"));
        assert!(!codes.is_empty(), "Error{status} has codes");
        listed.extend(codes.iter().map(|code| code.as_str().unwrap().to_owned()));
    }
    let all = schemas["ErrorCode"]["enum"].as_array().expect("ErrorCode");
    assert_eq!(listed.len(), all.len());
}

/// Every documented operation is a route: none answers `route_not_found` or
/// `method_not_allowed` (the reverse holds by construction: the routes are registered from
/// the same attributes).
#[tokio::test]
async fn every_documented_operation_is_served() {
    let app = spawn_app().await;
    let document = document(&app).await;
    for (method, path, operation) in operations(&document) {
        if path.ends_with("/stream") {
            continue; // Server-Sent Events never end.
        }
        let mut concrete = path.clone();
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            if parameter["in"] == "path" {
                let name = parameter["name"].as_str().unwrap();
                concrete = concrete.replace(&format!("{{{name}}}"), "google");
            }
        }
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let response = app
            .client
            .request(method.clone(), format!("{}{concrete}", app.base))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let code = body["code"].as_str().unwrap_or("");
        assert!(
            status != 405 && !matches!(code, "route_not_found" | "method_not_allowed"),
            "{method} {concrete}: {status} {text}"
        );
    }
}

//! The web console's server side: `/` and `/_emulator/ui/` pages and files with their
//! security headers, captured mail framed under a sandboxing policy, and the emulator calls
//! only the console needs (`/info`, `/apps`, a user's stored passkeys, "sign in as").

use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::passkey_helpers::{new_authenticator, register_passkey};
use super::session_helpers::{auth, latest, verify};

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn header(response: &reqwest::Response, name: impl reqwest::header::AsHeaderName) -> &str {
    response.headers().get(name).unwrap().to_str().unwrap()
}

#[tokio::test]
async fn root_redirects_to_the_console_except_on_passage_hosts() {
    let app = spawn_app().await;
    let client = no_redirects();
    for path in ["/", "/_emulator/ui"] {
        let response = client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(header(&response, LOCATION), "/_emulator/ui/");
    }
    let passage = client
        .get(format!("{}/", app.base))
        .header("host", "api.passage.id")
        .send()
        .await
        .unwrap();
    assert_eq!(passage.status(), StatusCode::NOT_FOUND);
    let body: Value = passage.json().await.unwrap();
    assert_eq!(body["code"], "route_not_found");
    app.stop().await;
}

#[tokio::test]
async fn every_view_is_the_shell_and_unknown_ones_are_404() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/inbox",
        "/users",
        "/users/abc123",
        "/requests",
        "/authenticators",
        "/apps",
    ] {
        let response = app
            .client
            .get(format!("{}/_emulator/ui{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&response, CONTENT_TYPE), "text/html; charset=utf-8");
        let policy = header(&response, CONTENT_SECURITY_POLICY);
        assert!(
            policy.starts_with("default-src 'none'; script-src 'self';"),
            "{policy}"
        );
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        assert_eq!(header(&response, "x-frame-options"), "DENY");
        let html = response.text().await.unwrap();
        assert!(html.contains(r#"<script type="module" src="/_emulator/ui/assets/app.js">"#));
    }
    let missing = app
        .client
        .get(format!("{}/_emulator/ui/nowhere", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&missing, CONTENT_TYPE), "text/html; charset=utf-8");
    app.stop().await;
}

#[tokio::test]
async fn files_come_with_their_types_and_nothing_else_is_served() {
    let app = spawn_app().await;
    for (file, kind) in [
        ("console.css", "text/css; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("users.js", "text/javascript; charset=utf-8"),
    ] {
        let response = app
            .client
            .get(format!("{}/_emulator/ui/assets/{file}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{file}");
        assert_eq!(header(&response, CONTENT_TYPE), kind);
        assert_eq!(header(&response, "cache-control"), "no-cache");
    }
    // An escaped `..` stays part of a file name, which is not one of the console's.
    let escaped = app
        .send(
            Method::GET,
            "/_emulator/ui/assets/..%2FCargo.toml",
            None,
            None,
        )
        .await;
    assert_error(&escaped, 404, "app_not_found", "No console file");
    let missing = app
        .send(Method::GET, "/_emulator/ui/assets/nope.js", None, None)
        .await;
    assert_error(&missing, 404, "app_not_found", "No console file nope.js");
    app.stop().await;
}

#[tokio::test]
async fn info_tells_the_console_where_and_which_admin_key() {
    let app = spawn_app().await;
    let mut info = app
        .send(Method::GET, "/_emulator/info", None, None)
        .await
        .body;
    assert_eq!(info["url"], app.base.as_str());
    info["url"] = json!("URL");
    info["auth_url"] = json!(info["auth_url"].as_str().unwrap().replace(&app.base, "URL"));
    info["management_url"] = json!(
        info["management_url"]
            .as_str()
            .unwrap()
            .replace(&app.base, "URL")
    );
    assert!(info["pid"].as_u64().is_some());
    info["pid"] = json!(0);
    assert_eq!(
        info,
        json!({
            "version": env!("CARGO_PKG_VERSION"),
            "url": "URL",
            "auth_url": "URL/auth/v1",
            "management_url": "URL/api/v1",
            "app_id": APP_ID,
            "api_key": API_KEY,
            "tls_addr": null,
            "proxy_url": null,
            "ca_file": null,
            "pid": 0,
            "admin_key": ADMIN_KEY,
        })
    );
    app.stop().await;
}

#[tokio::test]
async fn apps_lists_every_app() {
    let app = spawn_app().await;
    let created = app
        .send(
            Method::POST,
            "/api/v1/apps",
            Some(ADMIN_KEY),
            Some(&json!({"name": "Second", "auth_origin": "http://localhost:4000"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let second = created.body["app"]["id"].as_str().unwrap();
    let apps = app.send(Method::GET, "/_emulator/apps", None, None).await;
    assert_eq!(
        apps.body,
        json!({"apps": [
            {"id": APP_ID, "name": "Passage Emulator Default App", "auth_origin": "http://localhost:3000"},
            {"id": second, "name": "Second", "auth_origin": "http://localhost:4000"},
        ]})
    );
    app.stop().await;
}

#[tokio::test]
async fn sign_in_as_issues_a_session_like_a_login() {
    let app = spawn_app().await;
    let user = app.create_user(json!({"email": "ada@example.com"})).await;
    let id = user["id"].as_str().unwrap();
    let path = format!("/_emulator/apps/{APP_ID}/users/{id}/sign-in");
    let signed = app.send(Method::POST, &path, None, None).await;
    assert_eq!(signed.status, StatusCode::CREATED, "{}", signed.text);
    let result = &signed.body["auth_result"];
    let claims = verify(&app, result["auth_token"].as_str().unwrap()).await;
    assert_eq!(claims.sub, id);
    assert_eq!(result["redirect_url"], "/");
    // The refresh token is a real one.
    let refresh = result["refresh_token"].as_str().unwrap();
    let refreshed = auth(
        &app,
        Method::POST,
        "/tokens",
        Some(json!({"refresh_token": refresh})),
    )
    .await;
    assert_eq!(refreshed.status, StatusCode::CREATED, "{}", refreshed.text);
    // The login counted.
    let after = app.mgmt(Method::GET, &format!("/users/{id}"), None).await;
    assert_eq!(after.body["user"]["login_count"], 1);

    app.mgmt(Method::PATCH, &format!("/users/{id}/deactivate"), None)
        .await;
    let refused = app.send(Method::POST, &path, None, None).await;
    assert_error(&refused, 403, "user_not_active", "");
    let unknown = app
        .send(
            Method::POST,
            &format!("/_emulator/apps/{APP_ID}/users/nobody/sign-in"),
            None,
            None,
        )
        .await;
    assert_error(&unknown, 404, "user_not_found", "");
    let no_app = app
        .send(
            Method::POST,
            &format!("/_emulator/apps/noapp/users/{id}/sign-in"),
            None,
            None,
        )
        .await;
    assert_error(&no_app, 404, "app_not_found", "");
    app.stop().await;
}

#[tokio::test]
async fn stored_passkeys_show_what_passage_does_not() {
    let app = spawn_app().await;
    let user = app.create_user(json!({"email": "empty@example.com"})).await;
    let empty = app
        .send(
            Method::GET,
            &format!(
                "/_emulator/apps/{APP_ID}/users/{}/passkeys",
                user["id"].as_str().unwrap()
            ),
            None,
            None,
        )
        .await;
    assert_eq!(empty.body, json!({"passkeys": []}));

    let authenticator = new_authenticator(&app, json!({"name": "Phone"})).await;
    let result = register_passkey(&app, &authenticator, "ada@example.com").await;
    let claims = verify(&app, result["auth_token"].as_str().unwrap()).await;
    let listed = app
        .send(
            Method::GET,
            &format!("/_emulator/apps/{APP_ID}/users/{}/passkeys", claims.sub),
            None,
            None,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    let mut passkey = listed.body["passkeys"][0].clone();
    for key in ["id", "cred_id", "last_login_at", "created_at"] {
        assert!(passkey[key].is_string(), "{key}");
        passkey[key] = json!(key);
    }
    assert_eq!(
        passkey,
        json!({
            "id": "id",
            "cred_id": "cred_id",
            "friendly_name": "Emulator virtual authenticator",
            "type": "passkey",
            "aaguid": "0e7b2a5c-5e00-4d9e-a7e0-9a55a9e5e000",
            "authenticator": "Emulator virtual authenticator",
            "sign_count": 0,
            "transports": ["hybrid", "internal"],
            "backup_eligible": true,
            "backup_state": true,
            "usage_count": 0,
            "last_login_at": "last_login_at",
            "created_at": "created_at",
        })
    );
    let unknown = app
        .send(
            Method::GET,
            &format!("/_emulator/apps/{APP_ID}/users/nobody/passkeys"),
            None,
            None,
        )
        .await;
    assert_error(&unknown, 404, "user_not_found", "");
    app.stop().await;
}

#[tokio::test]
async fn captured_html_is_served_only_under_a_sandbox() {
    let app = spawn_app().await;
    app.create_user(json!({"email": "mail@example.com"})).await;
    auth(
        &app,
        Method::POST,
        "/login/otp",
        Some(json!({"identifier": "mail@example.com"})),
    )
    .await;
    let message = latest(&app, "mail@example.com").await;
    let response = app
        .client
        .get(format!(
            "{}/_emulator/inbox/{}/html",
            app.base,
            message["id"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, CONTENT_TYPE), "text/html; charset=utf-8");
    assert_eq!(
        header(&response, CONTENT_SECURITY_POLICY),
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
    );
    assert_eq!(
        response.text().await.unwrap(),
        message["html"].as_str().unwrap()
    );
    let missing = app
        .send(Method::GET, "/_emulator/inbox/nope/html", None, None)
        .await;
    assert_error(&missing, 404, "message_not_found", "");
    app.stop().await;
}

#[tokio::test]
async fn console_calls_skip_faults_and_the_journal() {
    let app = spawn_app().await;
    let fault = json!({"path": "/api/v1/apps/*/users", "status": 503, "times": null});
    let added = app
        .send(Method::POST, "/_emulator/faults", None, Some(&fault))
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let console = app
        .client
        .get(format!("{}/api/v1/apps/{APP_ID}/users", app.base))
        .bearer_auth(ADMIN_KEY)
        .header("x-passage-emulator-console", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(console.status(), StatusCode::OK);
    let sdk = app.mgmt(Method::GET, "/users", None).await;
    assert_eq!(sdk.status, StatusCode::SERVICE_UNAVAILABLE);
    let journal = app
        .send(Method::GET, "/_emulator/requests", None, None)
        .await;
    let seen: Vec<Value> = journal.body["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| json!([entry["method"], entry["path"], entry["status"]]))
        .collect();
    assert_eq!(
        seen,
        vec![json!(["GET", format!("/api/v1/apps/{APP_ID}/users"), 503])]
    );
    app.stop().await;
}

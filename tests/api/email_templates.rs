//! Email templates: the defaults listed, a template created, read, changed and deleted (204),
//! and the inbox message of its type rendered from it while it is enabled.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::session_helpers::*;

const HTML: &str = "<p>Hi {{.user.email}} ({{.user.user_metadata.plan}}), sign in to \
    {{.app.name}}: <a href=\"{{.magic_link.url}}\">link</a> ({{.magic_link.ttl}} s, \
    {{.magic_link.locale}})</p>";

async fn console(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Reply {
    app.send(
        method,
        &format!("/api/v1/apps/{APP_ID}/email-templates{path}"),
        Some(ADMIN_KEY),
        body.as_ref(),
    )
    .await
}

/// Sends ada a login magic link and answers the inbox message.
async fn magic_link_mail(app: &TestApp) -> Value {
    let sent = auth(
        app,
        Method::POST,
        "/login/magic-link",
        Some(json!({"identifier": "ada@example.com"})),
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    latest(app, "ada@example.com").await
}

#[tokio::test]
async fn an_enabled_template_renders_its_type_of_email() {
    let app = spawn_app().await;
    let listed = console(&app, Method::GET, "", None).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    let types: Vec<(&str, &str, bool)> = listed.body["templates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["type"].as_str().unwrap(),
                t["id"].as_str().unwrap(),
                t["enabled"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        types,
        [
            ("magic_link", "", false),
            ("email_change", "", false),
            ("email_verify", "", false),
            ("otp", "", false)
        ]
    );

    let schema = json!([{"field_name": "plan", "friendly_name": "Plan", "type": "string", "profile": true, "registration": false}]);
    app.mgmt(Method::POST, "/user-metadata", Some(schema)).await;
    register(&app, "ada@example.com").await;
    let renamed = app
        .mgmt(Method::PATCH, "", Some(json!({"name": "Shop <&> Co"})))
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);

    let body = json!({"type": "magic_link", "enabled": true, "subject": "Sign in to {{ .app.name }}", "html": HTML});
    let created = console(&app, Method::POST, "", Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.body["template"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created.body,
        json!({"template": {"id": id, "enabled": true, "type": "magic_link", "html": HTML, "subject": "Sign in to {{ .app.name }}"}})
    );

    let mail = magic_link_mail(&app).await;
    let link = mail["magic_link"].as_str().unwrap();
    let escaped_link = link.replace('&', "&amp;");
    assert_eq!(
        mail["subject"], "Sign in to Shop <&> Co",
        "the subject is text: not escaped"
    );
    assert_eq!(
        mail["html"],
        json!(format!(
            "<p>Hi ada@example.com (), sign in to Shop &lt;&amp;&gt; Co: <a href=\"{escaped_link}\">link</a> (300 s, en)</p>"
        )),
        "HTML escaped for its context; a metadata field without a value is empty"
    );

    // Passcodes have no template: the built-in message.
    let otp = auth(
        &app,
        Method::POST,
        "/login/otp",
        Some(json!({"identifier": "ada@example.com"})),
    )
    .await;
    assert_eq!(otp.status, StatusCode::CREATED);
    let mail = latest(&app, "ada@example.com").await;
    assert_eq!(mail["subject"], "Your one-time passcode for Shop <&> Co");

    // Disabled, then deleted: the built-in message again.
    let disabled = console(
        &app,
        Method::PATCH,
        &format!("/{id}"),
        Some(json!({"enabled": false})),
    )
    .await;
    assert_eq!(
        disabled.body["template"]["enabled"], false,
        "{}",
        disabled.text
    );
    let mail = magic_link_mail(&app).await;
    assert_eq!(mail["subject"], "Your sign-in link for Shop <&> Co");
    assert!(
        mail["html"]
            .as_str()
            .unwrap()
            .starts_with("<!doctype html>"),
        "{mail}"
    );
    let got = console(&app, Method::GET, &format!("/{id}"), None).await;
    assert_eq!(got.body["template"]["enabled"], false);
    let deleted = console(&app, Method::DELETE, &format!("/{id}"), None).await;
    assert_eq!(
        (deleted.status, deleted.text.as_str()),
        (StatusCode::NO_CONTENT, "")
    );
    let gone = console(&app, Method::GET, &format!("/{id}"), None).await;
    assert_error(&gone, 404, "email_template_not_found", &id);
}

#[tokio::test]
async fn bad_templates_are_refused() {
    let app = spawn_app().await;
    let post = |body: Value| console(&app, Method::POST, "", Some(body));
    let unknown =
        post(json!({"type": "magic_link", "subject": "Hi", "html": "{{.user.nickname}}"})).await;
    assert_error(&unknown, 400, "invalid_request", "nickname");
    let syntax = post(json!({"type": "otp", "subject": "{{.app.name", "html": "x"})).await;
    assert_error(&syntax, 400, "invalid_request", "subject:");
    let kind = post(json!({"type": "welcome", "subject": "Hi", "html": "x"})).await;
    assert_error(&kind, 400, "invalid_request", "type");
    let fine = post(json!({"type": "otp", "subject": "Code", "html": "{{.otp.code}}"})).await;
    assert_eq!(fine.status, StatusCode::CREATED, "{}", fine.text);
    let twice = post(json!({"type": "otp", "subject": "Code", "html": "{{.otp.code}}"})).await;
    assert_error(&twice, 400, "invalid_request", "has a otp template already");
    let id = fine.body["template"]["id"].as_str().unwrap();
    let broken = console(
        &app,
        Method::PATCH,
        &format!("/{id}"),
        Some(json!({"html": "{{.otp.colour}}"})),
    )
    .await;
    assert_error(&broken, 400, "invalid_request", "colour");
    let kept = console(&app, Method::GET, &format!("/{id}"), None).await;
    assert_eq!(
        kept.body["template"]["html"], "{{.otp.code}}",
        "nothing half-changed"
    );
    let missing = console(&app, Method::DELETE, "/nosuchtemplate", None).await;
    assert_error(&missing, 404, "email_template_not_found", "");
}

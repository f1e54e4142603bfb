//! The inbox: captured emails and SMS, filters, deletion.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;
use super::session_helpers::*;

#[tokio::test]
async fn the_inbox_captures_passcodes_by_email_and_sms() {
    let app = spawn_app().await;
    let started = auth(
        &app,
        Method::POST,
        "/register/otp",
        Some(json!({"identifier": "Ada@Example.com", "language": "de"})),
    )
    .await;
    assert_eq!(started.status, StatusCode::CREATED);
    let mut email = latest(&app, "ADA@example.com").await;
    let code = email["otp"].as_str().unwrap().to_owned();
    assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()));
    let id = email["id"].as_str().unwrap().to_owned();
    redact_id(&mut email, "id");
    redact_time(&mut email, "created_at");
    assert!(email["html"].as_str().unwrap().contains(&code));
    email["html"] = json!("<html>");
    assert_eq!(
        email,
        json!({
            "id": "<id>", "app_id": APP_ID, "channel": "email", "to": "ada@example.com",
            "kind": "register_otp", "language": "de",
            "subject": "Ihr Einmalcode für Passage Emulator Default App",
            "text": format!("Ihr Einmalcode für Passage Emulator Default App\n\nIhr Code lautet {code}. Er ist 5 Minuten gültig.\n"),
            "html": "<html>", "magic_link": null, "otp": code, "created_at": "<time>"
        })
    );
    let by_id = app
        .send(Method::GET, &format!("/_emulator/inbox/{id}"), None, None)
        .await;
    assert_eq!(by_id.body["otp"], json!(code));

    auth(
        &app,
        Method::POST,
        "/register/otp",
        Some(json!({"identifier": "+442079460958"})),
    )
    .await;
    let sms = latest(&app, "+44 20 7946 0958").await;
    assert_eq!(
        (
            sms["channel"].clone(),
            sms["to"].clone(),
            sms["html"].clone()
        ),
        (json!("sms"), json!("+442079460958"), json!(""))
    );
    assert!(
        sms["text"]
            .as_str()
            .unwrap()
            .contains(sms["otp"].as_str().unwrap())
    );

    let listed = app.send(Method::GET, "/_emulator/inbox", None, None).await;
    assert_eq!(
        (
            listed.body["total"].clone(),
            listed.body["messages"][0]["channel"].clone()
        ),
        (json!(2), json!("sms"))
    );
    let emails = app
        .send(
            Method::GET,
            "/_emulator/inbox?channel=email&kind=register_otp",
            None,
            None,
        )
        .await;
    assert_eq!(emails.body["total"], json!(1));
    let bad = app
        .send(Method::GET, "/_emulator/inbox?channel=fax", None, None)
        .await;
    assert_error(&bad, 400, "invalid_request", "channel");

    let deleted = app
        .send(
            Method::DELETE,
            "/_emulator/inbox?to=%2B442079460958",
            None,
            None,
        )
        .await;
    assert_eq!(deleted.body, json!({"deleted": 1}));
    let deleted = app
        .send(
            Method::DELETE,
            &format!("/_emulator/inbox/{id}"),
            None,
            None,
        )
        .await;
    assert_eq!(deleted.body, json!({"deleted": 1}));
    let gone = app
        .send(Method::GET, &format!("/_emulator/inbox/{id}"), None, None)
        .await;
    assert_error(&gone, 404, "message_not_found", "Message not found.");
    let none = app
        .send(
            Method::GET,
            "/_emulator/inbox/latest?to=ada@example.com",
            None,
            None,
        )
        .await;
    assert_error(&none, 404, "message_not_found", "Message not found.");
}

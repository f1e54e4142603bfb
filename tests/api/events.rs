//! User events: each ceremony records one, incomplete until it finishes; `recent_events` of
//! the Management user shows them newest first; the events list and one event read them back.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::helpers::*;
use super::passkey_helpers::*;
use super::session_helpers::*;

const AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                     Chrome/120.0.0.0 Safari/537.36";

/// An Auth API call with a browser's user agent.
async fn browser(app: &TestApp, path: &str, body: Value) -> Reply {
    let url = format!("{}/auth/v1/apps/{APP_ID}{path}", app.base);
    let request = app.client.post(url).header("User-Agent", AGENT).json(&body);
    reply(request.send().await.expect("request sent")).await
}

/// The user's `recent_events`, with ids and times checked and taken out.
async fn recent_events(app: &TestApp, user_id: &str) -> Vec<Value> {
    let user = app
        .mgmt(Method::GET, &format!("/users/{user_id}"), None)
        .await;
    assert_eq!(user.status, StatusCode::OK, "{}", user.text);
    let events = user.body["user"]["recent_events"]
        .as_array()
        .unwrap()
        .clone();
    events
        .into_iter()
        .map(|mut event| {
            redact_id(&mut event, "id");
            redact_time(&mut event, "created_at");
            if !event["completed_at"].is_null() {
                redact_time(&mut event, "completed_at");
            }
            event
        })
        .collect()
}

fn event(kind: &str, action: &str, complete: bool, agent: &str, display: &str) -> Value {
    json!({
        "id": "<id>",
        "type": kind,
        "action": action,
        "status": if complete { "complete" } else { "incomplete" },
        "created_at": "<time>",
        "completed_at": if complete { json!("<time>") } else { Value::Null },
        "ip_addr": "127.0.0.1",
        "user_agent": agent,
        "user_agent_display": display,
        "social_login_type": null,
    })
}

#[tokio::test]
async fn a_passcode_records_an_event_that_its_activation_completes() {
    let app = spawn_app().await;
    let started = browser(
        &app,
        "/register/otp",
        json!({"identifier": "ada@example.com"}),
    )
    .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.text);
    let otp_id = started.body["otp_id"].as_str().unwrap().to_owned();
    let user_id = app
        .mgmt(Method::GET, "/users?identifier=ada@example.com", None)
        .await
        .body["users"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let initiated = event(
        "one_time_passcode.register.initiated",
        "register",
        false,
        AGENT,
        "Chrome on Linux",
    );
    assert_eq!(recent_events(&app, &user_id).await, vec![initiated]);

    let code = latest(&app, "ada@example.com").await["otp"].clone();
    let activated = browser(
        &app,
        "/otp/activate",
        json!({"otp": code, "otp_id": otp_id}),
    )
    .await;
    assert_eq!(activated.status, StatusCode::OK, "{}", activated.text);
    let completed = event(
        "one_time_passcode.completed",
        "register",
        true,
        AGENT,
        "Chrome on Linux",
    );
    assert_eq!(recent_events(&app, &user_id).await, vec![completed]);
}

#[tokio::test]
async fn magic_links_and_passkeys_record_their_own_events_newest_first() {
    let app = spawn_app().await;
    let authenticator = new_authenticator(&app, json!({})).await;
    let registered = register_passkey(&app, &authenticator, "grace@example.com").await;
    let token = registered["auth_token"].as_str().unwrap();
    let user_id = verify(&app, token).await.sub;
    // A login link sent, not used: incomplete.
    let sent = browser(
        &app,
        "/login/magic-link",
        json!({"identifier": "grace@example.com"}),
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
    // A passkey login through an identifier: its start is completed by its finish.
    let login = login_passkey(&app, &authenticator, Some("grace@example.com")).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text);
    // reqwest sends no user agent: the display is empty too.
    assert_eq!(
        recent_events(&app, &user_id).await,
        vec![
            event("webauthn.login.completed", "login", true, "", ""),
            event(
                "magic_link.login.initiated",
                "login",
                false,
                AGENT,
                "Chrome on Linux"
            ),
            event("webauthn.register.completed", "register", true, "", ""),
        ]
    );
}

#[tokio::test]
async fn the_event_list_pages_filters_and_reads_one_event() {
    let app = spawn_app().await;
    register(&app, "ada@example.com").await;
    register(&app, "bob@example.com").await;
    let sent = browser(&app, "/login/otp", json!({"identifier": "bob@example.com"})).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);

    let all = app.mgmt(Method::GET, "/events?limit=2", None).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert_eq!(all.body["total_events"], json!(3));
    assert_eq!(all.body["events"].as_array().unwrap().len(), 2);
    assert_eq!(
        all.body["events"][0]["type"],
        json!("one_time_passcode.login.initiated")
    );
    assert_eq!(
        all.body["events"][0]["identifier"],
        json!("bob@example.com")
    );
    assert_eq!(all.body["events"][0]["data"]["status"], json!("incomplete"));
    let next = all.body["_links"]["next"]["href"].as_str().unwrap();
    assert!(
        next.contains("/api/v1/apps/defaultapp00000000000001/events?page=2&limit=2"),
        "{next}"
    );

    let filtered = app
        .mgmt(
            Method::GET,
            "/events?identifier=bob@example.com&type=like:completed",
            None,
        )
        .await;
    assert_eq!(filtered.status, StatusCode::OK, "{}", filtered.text);
    assert_eq!(filtered.body["total_events"], json!(1));
    let mut one = filtered.body["events"][0].clone();
    let id = one["id"].as_str().unwrap().to_owned();
    let user_id = one["user_id"].as_str().unwrap().to_owned();
    redact_id(&mut one, "id");
    redact_time(&mut one, "created_at");
    redact_time(&mut one["data"], "completed_at");
    assert_eq!(
        one,
        json!({
            "id": "<id>",
            "type": "one_time_passcode.completed",
            "identifier": "bob@example.com",
            "user_id": user_id,
            "ip_addr": "127.0.0.1",
            "user_agent": "",
            "created_at": "<time>",
            "data": {
                "action": "register",
                "status": "complete",
                "completed_at": "<time>",
                "user_agent_display": "",
                "social_login_type": null,
            },
        })
    );
    let fetched = app.mgmt(Method::GET, &format!("/events/{id}"), None).await;
    assert_eq!(fetched.status, StatusCode::OK, "{}", fetched.text);
    assert_eq!(fetched.body["event"]["id"], json!(id));

    let missing = app.mgmt(Method::GET, "/events/nosuchevent", None).await;
    assert_error(&missing, 404, "event_not_found", "No such event");
    let bad = app
        .mgmt(Method::GET, "/events?created_at=yesterday", None)
        .await;
    assert_error(&bad, 400, "invalid_request", "created_at");
    let order = app
        .mgmt(Method::GET, "/events?order_by=colour:ASC", None)
        .await;
    assert_error(&order, 400, "invalid_request", "order_by");
}

/// `Config::without_events`, the events benchmark's other side: the same ceremonies sign the
/// same user in the same number of times, and record nothing.
#[tokio::test]
async fn without_events_the_same_ceremonies_record_none() {
    let mut users = Vec::new();
    for without_events in [false, true] {
        let app = spawn_with(passage_emulator::config::Config {
            without_events,
            ..passage_emulator::config::Config::ephemeral()
        })
        .await;
        let authenticator = new_authenticator(&app, json!({})).await;
        let registered = register_passkey(&app, &authenticator, "grace@example.com").await;
        let user_id = verify(&app, registered["auth_token"].as_str().unwrap())
            .await
            .sub;
        let login = login_passkey(&app, &authenticator, Some("grace@example.com")).await;
        assert_eq!(login.status, StatusCode::OK, "{}", login.text);
        let sent = browser(
            &app,
            "/login/otp",
            json!({"identifier": "grace@example.com"}),
        )
        .await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text);
        let code = latest(&app, "grace@example.com").await["otp"].clone();
        let activated = browser(
            &app,
            "/otp/activate",
            json!({"otp": code, "otp_id": sent.body["otp_id"]}),
        )
        .await;
        assert_eq!(activated.status, StatusCode::OK, "{}", activated.text);

        let listed = app.mgmt(Method::GET, "/events", None).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
        let user = app
            .mgmt(Method::GET, &format!("/users/{user_id}"), None)
            .await
            .body["user"]
            .clone();
        users.push((
            user["login_count"].clone(),
            user["status"].clone(),
            listed.body["total_events"].clone(),
            recent_events(&app, &user_id).await.len(),
        ));
    }
    assert_eq!(
        users,
        vec![
            (json!(3), json!("active"), json!(3), 3),
            (json!(3), json!("active"), json!(0), 0),
        ]
    );
}

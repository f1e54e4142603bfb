//! CSV user import: good rows imported (one transaction), rows of existing users reported as
//! existing, bad rows reported by line; the file as text/csv or as Passage's console sent it.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;

async fn upload(app: &TestApp, content_type: &str, body: &str) -> Reply {
    let request = app
        .client
        .post(format!("{}/api/v1/apps/{APP_ID}/import/users", app.base))
        .bearer_auth(ADMIN_KEY)
        .header("Content-Type", content_type)
        .body(body.to_owned());
    reply(request.send().await.expect("request sent")).await
}

const CSV: &str = "id,email,email_verified,phone,phone_verified,status,created_at,user_metadata
,grace@example.com,true,,false,active,2024-01-02T03:04:05Z,\"{\"\"plan\"\": \"\"pro\"\"}\"
imported00000000000000001,,,+1 415 555 2671,true,inactive,,
,ADA@example.com,,,,,,
,not-an-email,,,,weird,yesterday,{
,grace@example.com,,,,,,
";

#[tokio::test]
async fn good_rows_are_imported_existing_ones_kept_and_bad_ones_reported_by_line() {
    let app = spawn_app().await;
    let schema = json!([{"field_name": "plan", "friendly_name": "Plan", "type": "string", "profile": true, "registration": false}]);
    app.mgmt(Method::POST, "/user-metadata", Some(schema)).await;
    let ada = app.create_user(json!({"email": "ada@example.com"})).await;

    let imported = upload(&app, "text/csv", CSV).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.text);
    let body = imported.body;
    let grace_id = body["imported"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        body,
        json!({
            "errors": [
                {"identifier": "not-an-email", "errors": [
                    "line 5: email: `not-an-email` is not a valid email address",
                    "line 5: status: `weird` is not active, inactive or pending",
                    "line 5: created_at: `yesterday` is not an RFC 3339 time",
                    "line 5: user_metadata: not a JSON object: EOF while parsing an object at line 1 column 1",
                ]},
                {"identifier": "grace@example.com", "errors": ["line 6: the same user as line 2"]},
            ],
            "existing": [{"id": ada["id"], "email": "ada@example.com", "phone": "", "line": "4"}],
            "imported": [
                {"id": grace_id, "email": "grace@example.com", "phone": "", "line": "2"},
                {"id": "imported00000000000000001", "email": "", "phone": "+14155552671", "line": "3"},
            ],
            "num_users_errored": 2,
            "num_users_existing": 1,
            "num_users_imported": 2,
            "num_users_received": 5,
        }),
        "{}",
        serde_json::to_string_pretty(&body).unwrap()
    );

    let grace = app
        .mgmt(Method::GET, &format!("/users/{grace_id}"), None)
        .await
        .body["user"]
        .clone();
    assert_eq!(
        (
            &grace["email_verified"],
            &grace["created_at"],
            &grace["user_metadata"],
            &grace["status"]
        ),
        (
            &json!(true),
            &json!("2024-01-02T03:04:05Z"),
            &json!({"plan": "pro"}),
            &json!("active")
        )
    );
    let phone = app
        .mgmt(Method::GET, "/users/imported00000000000000001", None)
        .await
        .body["user"]
        .clone();
    assert_eq!(
        (&phone["status"], &phone["phone_verified"]),
        (&json!("inactive"), &json!(true))
    );
    let again = app
        .mgmt(
            Method::GET,
            &format!("/users/{}", ada["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(
        again.body["user"], ada,
        "an existing user is left as it was"
    );
    let list = app.mgmt(Method::GET, "/users", None).await;
    assert_eq!(list.body["total_users"], 3);
}

#[tokio::test]
async fn the_console_upload_and_bad_files() {
    let app = spawn_app().await;
    let multipart = "--XBOUNDARY\r\nContent-Disposition: form-data; name=\"csv_user_import\"; filename=\"users.csv\"\r\nContent-Type: text/csv\r\n\r\nemail\nzed@example.com\n\r\n--XBOUNDARY--\r\n";
    let uploaded = upload(&app, "multipart/form-data; boundary=XBOUNDARY", multipart).await;
    assert_eq!(uploaded.status, StatusCode::OK, "{}", uploaded.text);
    assert_eq!(uploaded.body["num_users_imported"], 1);

    let no_file = "--XBOUNDARY\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--XBOUNDARY--\r\n";
    let missing = upload(&app, "multipart/form-data; boundary=XBOUNDARY", no_file).await;
    assert_error(
        &missing,
        400,
        "invalid_request",
        "csv_user_import: required",
    );
    let column = upload(&app, "text/csv", "email,nickname\na@b.co,x\n").await;
    assert_error(
        &column,
        400,
        "invalid_request",
        "column `nickname` is not one the import reads",
    );
    let no_identifier = upload(&app, "text/csv", "id,status\nabc,active\n").await;
    assert_error(
        &no_identifier,
        400,
        "invalid_request",
        "no email, phone or external_id column",
    );
    let list = app.mgmt(Method::GET, "/users", None).await;
    assert_eq!(
        list.body["total_users"], 1,
        "a refused file imports nothing"
    );
    let key = app
        .send(
            Method::POST,
            &format!("/api/v1/apps/{APP_ID}/import/users"),
            Some(API_KEY),
            None,
        )
        .await;
    assert_error(&key, 401, "invalid_access_token", "admin key");
}

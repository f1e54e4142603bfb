//! The user metadata schema (2023 console spec) and its effect on user metadata.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;

#[tokio::test]
async fn fields_are_added_listed_updated_and_deleted() {
    let app = spawn_app().await;
    let empty = app.mgmt(Method::GET, "/user-metadata", None).await;
    assert_eq!(empty.body, json!({"user_metadata_schema": []}));

    let added = app
        .mgmt(
            Method::POST,
            "/user-metadata",
            Some(json!([
                {"friendly_name": "Favourite Colour", "type": "string", "profile": true, "registration": false},
                {"friendly_name": "Born", "type": "date", "profile": false, "registration": true, "field_name": "birthday"}
            ])),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text);
    let mut schema = added.body["user_metadata_schema"].clone();
    let colour_id = schema[0]["id"].as_str().unwrap().to_owned();
    redact_id(&mut schema[0], "id");
    redact_id(&mut schema[1], "id");
    assert_eq!(
        schema,
        json!([
            {"id": "<id>", "field_name": "favourite_colour", "friendly_name": "Favourite Colour",
             "type": "string", "profile": true, "registration": false},
            {"id": "<id>", "field_name": "birthday", "friendly_name": "Born",
             "type": "date", "profile": false, "registration": true}
        ])
    );
    // The app shows the same schema.
    let info = app.mgmt(Method::GET, "", None).await;
    assert_eq!(
        info.body["app"]["user_metadata_schema"],
        added.body["user_metadata_schema"]
    );

    let path = format!("/user-metadata/{colour_id}");
    let updated = app
        .mgmt(
            Method::PATCH,
            &path,
            Some(json!({"friendly_name": "Colour", "registration": true})),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    assert_eq!(
        updated.body,
        json!({"user_metadata_field": {"id": colour_id, "field_name": "favourite_colour",
               "friendly_name": "Colour", "type": "string", "profile": true, "registration": true}})
    );
    let fetched = app.mgmt(Method::GET, &path, None).await;
    assert_eq!(fetched.body, updated.body);

    // The schema now governs user metadata.
    let user = app
        .create_user(json!({"email": "ada@example.com", "user_metadata": {"favourite_colour": "teal", "birthday": "1815-12-10"}}))
        .await;
    assert_eq!(
        user["user_metadata"],
        json!({"favourite_colour": "teal", "birthday": "1815-12-10"})
    );

    let deleted = app.mgmt(Method::DELETE, &path, None).await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(deleted.text, "");
    let gone = app.mgmt(Method::GET, &path, None).await;
    assert_error(
        &gone,
        404,
        "metadata_field_not_found",
        "Metadata field not found.",
    );
    let refused = app
        .mgmt(
            Method::POST,
            "/users",
            Some(json!({"email": "b@example.com", "user_metadata": {"favourite_colour": "red"}})),
        )
        .await;
    assert_error(
        &refused,
        400,
        "invalid_request",
        "user_metadata.favourite_colour: unknown field (known fields: birthday)",
    );
}

#[tokio::test]
async fn bad_schema_requests_are_refused() {
    let app = spawn_app().await;
    let field =
        json!({"friendly_name": "Plan", "type": "string", "profile": true, "registration": true});
    let ok = app
        .mgmt(Method::POST, "/user-metadata", Some(json!([field.clone()])))
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let cases = [
        (json!([field.clone()]), "already exists"),
        (
            json!([{"friendly_name": "A", "type": "string", "profile": true, "registration": true},
                {"friendly_name": "a", "type": "string", "profile": true, "registration": true}]),
            "given twice",
        ),
        (
            json!([{"friendly_name": "X", "type": "colour", "profile": true, "registration": true}]),
            "[0].type: unknown variant `colour`",
        ),
        (
            json!([{"friendly_name": "!!", "type": "string", "profile": true, "registration": true}]),
            "[0].friendly_name",
        ),
        (
            json!({"friendly_name": "X"}),
            "The request body must be a JSON array.",
        ),
    ];
    for (body, message) in cases {
        let reply = app.mgmt(Method::POST, "/user-metadata", Some(body)).await;
        assert_error(&reply, 400, "invalid_request", message);
    }
    let reply = app
        .mgmt(
            Method::PATCH,
            "/user-metadata/noSuchField0000000000000",
            Some(json!({})),
        )
        .await;
    assert_error(
        &reply,
        404,
        "metadata_field_not_found",
        "Metadata field not found.",
    );
    let reply = app
        .mgmt(
            Method::DELETE,
            "/user-metadata/noSuchField0000000000000",
            None,
        )
        .await;
    assert_error(
        &reply,
        404,
        "metadata_field_not_found",
        "Metadata field not found.",
    );
}

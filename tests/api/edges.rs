//! Extreme numbers meet time and paging: every duration and page is bounded with a clear 400,
//! and nothing overflows into a wrong answer.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::helpers::*;

#[tokio::test]
async fn the_clock_moves_at_most_a_hundred_years() {
    let app = spawn_app().await;
    for body in [
        json!({"advance_seconds": i64::MIN}),
        json!({"advance_seconds": i64::MAX}),
        json!({"advance_seconds": 3_200_000_000_i64}),
        json!({"now": "9999-12-31T00:00:00Z"}),
        json!({"now": "1900-01-01T00:00:00Z"}),
    ] {
        let refused = app
            .send(Method::POST, "/_emulator/clock", None, Some(&body))
            .await;
        assert_error(&refused, 400, "invalid_request", "a hundred years");
    }
    let clock = app.send(Method::GET, "/_emulator/clock", None, None).await;
    assert_eq!(clock.body["offset_seconds"], 0);
    // Two legal moves that would add up past the bound: the second is refused.
    let far = json!({"advance_seconds": 3_000_000_000_i64});
    assert_eq!(
        app.send(Method::POST, "/_emulator/clock", None, Some(&far))
            .await
            .status,
        StatusCode::OK
    );
    let refused = app
        .send(Method::POST, "/_emulator/clock", None, Some(&far))
        .await;
    assert_error(&refused, 400, "invalid_request", "a hundred years");
    let back = json!({"advance_seconds": -3_000_000_000_i64});
    assert_eq!(
        app.send(Method::POST, "/_emulator/clock", None, Some(&back))
            .await
            .status,
        StatusCode::OK
    );
    app.stop().await;
}

#[tokio::test]
async fn durations_are_bounded_to_ten_years() {
    let app = spawn_app().await;
    for field in [
        json!({"session_timeout_length": i64::MAX}),
        json!({"refresh_absolute_lifetime": i64::MAX}),
        json!({"refresh_inactivity_lifetime": 400_000_000}),
        json!({"auth_fallback_method_ttl": i64::MAX}),
        json!({"auth_methods": {"otp": {"enabled": true, "ttl": i64::MAX, "ttl_display_unit": "s"}}}),
    ] {
        let refused = app.mgmt(Method::PATCH, "", Some(field.clone())).await;
        assert_error(
            &refused,
            400,
            "invalid_request",
            "at most 315360000 seconds",
        );
    }
    // A session still works afterwards: nothing was stored.
    app.create_user(json!({"email": "ada@example.com"})).await;
    let link = app
        .mgmt(
            Method::POST,
            "/magic-links",
            Some(json!({"email": "ada@example.com", "ttl": i64::MAX})),
        )
        .await;
    assert_error(&link, 400, "invalid_request", "ttl: must be at most");
    let link = app
        .mgmt(
            Method::POST,
            "/magic-links",
            Some(json!({"email": "ada@example.com", "ttl": 60})),
        )
        .await;
    assert_eq!(link.status, StatusCode::CREATED, "{}", link.text);
    app.stop().await;
}

#[tokio::test]
async fn huge_pages_are_refused_or_empty_never_page_one() {
    let app = spawn_app().await;
    app.create_user(json!({"email": "ada@example.com"})).await;
    let path = format!("/_emulator/inbox?page={}", i64::MAX);
    let refused = app.send(Method::GET, &path, None, None).await;
    assert_error(&refused, 400, "invalid_request", "page");
    let users = app
        .mgmt(Method::GET, &format!("/users?page={}", i64::MAX), None)
        .await;
    assert_eq!(users.status, StatusCode::OK, "{}", users.text);
    assert_eq!(users.body["users"], json!([]));
    assert_eq!(users.body["total_users"], 1);
    app.stop().await;
}

use bytes::Bytes;
use serde_json::json;

use super::*;
use crate::domain::timestamp::Timestamp;

fn entry(journal: &Journal, status: u16, path: &str, body: &[u8]) -> Entry {
    Entry {
        seq: journal.next_seq(),
        time: Timestamp(0),
        method: http::Method::POST,
        target: path.into(),
        status,
        code: None,
        duration_ms: 1.0,
        api: Api::Auth,
        user_agent: None,
        request_body: Body::new(Bytes::copy_from_slice(body)),
        response_body: Body::default(),
        fault: None,
    }
}

#[test]
fn the_ring_keeps_the_newest_within_its_count() {
    let journal = Journal::new(3, false);
    for n in 0..5 {
        journal.record(entry(&journal, 200, &format!("/auth/v1/{n}"), b"{}"));
    }
    let paths: Vec<String> = journal
        .list(&Filter::default())
        .iter()
        .map(|entry| entry.path().to_owned())
        .collect();
    assert_eq!(paths, ["/auth/v1/4", "/auth/v1/3", "/auth/v1/2"]);
    assert_eq!(journal.clear(), 3);
    assert!(journal.list(&Filter::default()).is_empty());
}

#[test]
fn bodies_are_cut_and_the_body_budget_evicts_the_oldest() {
    let journal = Journal::new(1_000, false);
    let big = vec![b'x'; BODY_LIMIT + 10];
    for _ in 0..(BODY_BUDGET / BODY_LIMIT + 5) {
        journal.record(entry(&journal, 200, "/auth/v1/big", &big));
    }
    let kept = journal.list(&Filter {
        limit: usize::MAX,
        ..Filter::default()
    });
    assert_eq!(kept.len(), BODY_BUDGET / BODY_LIMIT);
    assert!(kept[0].request_body.truncated());
    assert_eq!(kept[0].request_body.len(), BODY_LIMIT);
}

#[test]
fn filters_narrow_the_listing() {
    let journal = Journal::new(10, false);
    journal.record(entry(&journal, 201, "/auth/v1/apps/app/login/otp", b""));
    journal.record(entry(&journal, 401, "/auth/v1/apps/app/otp/activate", b""));
    let filter = |status: &str, path: Option<&str>| Filter {
        status: StatusFilter::parse(status),
        path: path.map(str::to_owned),
        ..Filter::default()
    };
    assert_eq!(journal.list(&filter("4xx", None)).len(), 1);
    assert_eq!(journal.list(&filter("201", None)).len(), 1);
    assert_eq!(journal.list(&filter("2xx", Some("activate"))).len(), 0);
    assert_eq!(StatusFilter::parse("6xx"), None);
    assert_eq!(StatusFilter::parse("99"), None);
}

#[test]
fn json_bodies_show_as_json_and_others_as_text() {
    assert_eq!(
        Body::new(Bytes::from_static(b"{\"a\":1}")).to_value(),
        json!({"a": 1})
    );
    assert_eq!(
        Body::new(Bytes::from_static(b"a=1")).to_value(),
        json!("a=1")
    );
    assert_eq!(Body::default().to_value(), serde_json::Value::Null);
}

#[test]
fn redaction_masks_secrets_but_not_error_codes() {
    let mut value = json!({
        "auth_result": {"auth_token": "t", "refresh_token": "r", "redirect_url": "/"},
        "otp": "123456",
        "items": [{"api_key": "k"}],
    });
    redact_json(&mut value);
    assert_eq!(
        value,
        json!({
            "auth_result": {"auth_token": "[redacted]", "refresh_token": "[redacted]", "redirect_url": "/"},
            "otp": "[redacted]",
            "items": [{"api_key": "[redacted]"}],
        })
    );
    let mut error = json!({"code": "invalid_request", "error": "no"});
    redact_json(&mut error);
    assert_eq!(error, json!({"code": "invalid_request", "error": "no"}));
}

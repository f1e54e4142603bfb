use serde_json::json;

use super::*;

fn fault(body: serde_json::Value) -> Result<Fault, String> {
    let new: NewFault = serde_json::from_value(body).map_err(|error| error.to_string())?;
    new.validate("f1".into())
}

#[test]
fn globs_match_one_or_many_segments() {
    let glob = Glob::parse("/auth/v1/apps/*/login/otp").unwrap();
    assert!(glob.matches("/auth/v1/apps/abc/login/otp"));
    assert!(!glob.matches("/auth/v1/apps/abc/def/login/otp"));
    assert!(!glob.matches("/auth/v1/apps/abc/login/otp/x"));
    let deep = Glob::parse("/api/v1/**").unwrap();
    assert!(deep.matches("/api/v1/apps/a/users/b"));
    assert!(deep.matches("/api/v1"));
    assert!(!deep.matches("/auth/v1/apps"));
    let middle = Glob::parse("/api/v1/**/devices").unwrap();
    assert!(middle.matches("/api/v1/apps/a/users/b/devices"));
    assert!(Glob::parse("/api/v1/use*").is_err());
}

#[test]
fn after_lets_calls_through_then_times_counts_and_ends_the_fault() {
    let faults = Faults::default();
    faults
        .add(fault(json!({"path": "/auth/v1/**", "status": 503, "times": 2, "after": 1})).unwrap())
        .unwrap();
    let take = || faults.take("POST", "/auth/v1/apps/a/login/otp", Some("a"));
    assert_eq!(take(), None);
    let injected = take().unwrap();
    assert_eq!(
        injected.action,
        Action::Answer {
            status: 503,
            body: None
        }
    );
    assert_eq!(faults.list()[0].remaining, Some(1));
    assert!(take().is_some());
    assert!(faults.list().is_empty(), "gone after its times");
    assert_eq!(take(), None);
}

#[test]
fn method_and_app_narrow_a_fault_and_null_times_never_ends() {
    let faults = Faults::default();
    faults
        .add(fault(json!({"method": "get", "path": "/api/v1/**", "app_id": "a", "times": null, "drop": true})).unwrap())
        .unwrap();
    assert_eq!(faults.take("POST", "/api/v1/apps/a/users", Some("a")), None);
    assert_eq!(faults.take("GET", "/api/v1/apps/b/users", Some("b")), None);
    for _ in 0..5 {
        assert_eq!(
            faults
                .take("GET", "/api/v1/apps/a/users", Some("a"))
                .unwrap()
                .action,
            Action::Drop
        );
    }
    assert_eq!(faults.list()[0].remaining, None);
}

#[test]
fn bad_faults_name_their_field() {
    for (body, field) in [
        (json!({"path": "/v1/apps"}), "path:"),
        (json!({"path": "/auth/v1/x", "status": 600}), "status:"),
        (
            json!({"path": "/auth/v1/x", "delay_ms": 60_001}),
            "delay_ms:",
        ),
        (json!({"path": "/auth/v1/x", "times": 0}), "times:"),
        (json!({"path": "/auth/v1/x", "body": {}}), "body:"),
        (
            json!({"path": "/auth/v1/x", "drop": true, "status": 500}),
            "drop:",
        ),
        (json!({"path": "/auth/v1/x", "method": "GE T"}), "method:"),
        (json!({"path": "/auth/v1/x", "colour": "red"}), "colour"),
        (json!({"path": "/auth/v1/x", "times": -1}), "-1"),
    ] {
        let error = fault(body.clone()).unwrap_err();
        assert!(error.contains(field), "{body}: {error}");
    }
}

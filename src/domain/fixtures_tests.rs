//! Unit tests of `domain::fixtures` (parsing, checks, error paths).

use super::*;

#[test]
fn default_fixture_parses() {
    let file = FixtureFile::parse("default.json", DEFAULT_FIXTURE).unwrap();
    assert_eq!(file.apps[0].id, "defaultapp00000000000001");
    assert_eq!(file.apps[0].api_keys[0].key, "emulator-api-key");
    assert_eq!(file.apps[0].settings.auth_origin, "http://localhost:3000");
}

#[test]
fn device_keys_must_be_cose_keys() {
    let device = |key: &str| {
        format!(
            r#"{{"apps":[{{"id":"a","users":[{{"id":"u","email":"u@x.io","devices":[{{"id":"d","cred_id":"AAEC","public_key":"{key}"}}]}}]}}]}}"#
        )
    };
    // A P-256 COSE_Key ({1: 2, 3: -7, -1: 1, -2: x, -3: y}).
    let ec2 = "pQECAyYgASFYILJQ11cUxFVRKlvcPDlYJa3qhS7NtvGXQhDwSeIc0FEHIlgg6OCuCKfxSdD9xei2nUBAonjbFw7u5U0dv-Moie0n2qw";
    FixtureFile::parse("f", &device(ec2)).unwrap();
    let error = FixtureFile::parse("f", &device("AAEC")).unwrap_err();
    assert!(matches!(error, FixtureError::Invalid { .. }), "{error:?}");
    let error = error.to_string();
    assert!(
        error.contains("devices[0].public_key: not a COSE_Key"),
        "{error}"
    );
    // {1: 4} is a symmetric key.
    let error = FixtureFile::parse("f", &device("oQEE"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("is not EC2, OKP or RSA"), "{error}");
}

#[test]
fn errors_name_the_path() {
    let error = FixtureFile::parse("f.json", r#"{"apps":[{"id":"a","settings":{"nmae":"x"}}]}"#)
        .unwrap_err();
    assert!(matches!(error, FixtureError::Syntax { .. }), "{error:?}");
    let error = error.to_string();
    assert!(error.starts_with("f.json: apps[0].settings"), "{error}");
    let error = FixtureFile::parse(
        "f.json",
        r#"{"apps":[{"id":"a","users":[{"id":"u","email":"nope"}]}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("apps[0].users[0].email"), "{error}");
}

//! The virtual authenticator against the relying party, in process: both halves of every
//! ceremony are real, so these fail if either side stops speaking WebAuthn.

use serde_json::json;

use super::{Algorithm, Spec, login, register};
use crate::domain::app::AppSettings;
use crate::webauthn::{
    Attachment, RelyingParty, StoredCredential, finish_login, finish_registration, parse_assertion,
    start_login, start_registration,
};

fn spec(algorithm: Algorithm) -> Spec {
    Spec {
        aaguid: [7; 16],
        algorithm,
        sign_count: true,
        private_key: None,
    }
}

async fn round_trip(algorithm: Algorithm) {
    let rp = RelyingParty::for_app(&AppSettings::default()).unwrap();
    let origin = "http://localhost:3000";
    let started =
        start_registration(&rp, "user1", "ada@example.com", &[], Attachment::Any).unwrap();
    let (response, mut credential) = register(
        &spec(algorithm),
        &[],
        origin,
        json!({"publicKey": started.public_key}),
    )
    .await
    .unwrap();
    let body = serde_json::to_vec(&response).unwrap();
    let created = finish_registration(&rp, &started.state, &body).unwrap();
    assert_eq!(created.cred_id, credential.cred_id);
    assert_eq!(created.aaguid, "07070707-0707-0707-0707-070707070707");

    for (round, allow) in [(1, Some(vec![created.cred_id.clone()])), (2, None)] {
        let started = start_login(&rp, allow.as_deref()).unwrap();
        let (response, updated) = login(
            &spec(algorithm),
            &[credential.clone()],
            origin,
            json!({"publicKey": started.public_key}),
        )
        .await
        .unwrap();
        let body = serde_json::to_vec(&response).unwrap();
        let assertion = parse_assertion(&body, allow.is_none()).unwrap();
        assert_eq!(assertion.cred_id(), created.cred_id.as_slice());
        let stored = StoredCredential {
            cred_id: &created.cred_id,
            user_id: "user1",
            public_key: &created.public_key,
            sign_count: round - 1,
            backup_eligible: created.backup_eligible,
            backup_state: created.backup_state,
        };
        let check = finish_login(&rp, &started.state, &assertion, &stored).unwrap();
        assert!(
            check.sign_count >= round,
            "counter {} in round {round}",
            check.sign_count
        );
        credential = updated.expect("a login moves the counter");
    }
}

#[tokio::test]
async fn es256_register_and_login() {
    round_trip(Algorithm::Es256).await;
}

#[tokio::test]
async fn eddsa_register_and_login() {
    round_trip(Algorithm::EdDsa).await;
}

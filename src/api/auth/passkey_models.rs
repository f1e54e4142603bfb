//! Passkey DTOs (Auth API), named after Passage's schemas: the WebAuthn handshake JSON that
//! `@passageidentity/webauthnutils` consumes, and the start/finish bodies around it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::models::User;

/// `CredentialCreation` / `ProtocolCredentialAssertion`: the options a browser passes to
/// `navigator.credentials.create/get`, in WebAuthn JSON (base64url byte fields).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HandshakeChallenge {
    #[serde(rename = "publicKey")]
    pub public_key: Value,
}

/// `CredentialCreationChallenge` / `CredentialAssertionChallenge`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Handshake {
    pub id: String,
    pub challenge: HandshakeChallenge,
}

/// `RegisterWebAuthnStartResponse`, `LoginWebAuthnStartResponse`, `AddDeviceStartResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebAuthnStartResponse {
    pub handshake: Handshake,
    pub user: Option<User>,
}

/// `RegisterWebAuthnStartRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RegisterWebAuthnStartRequest {
    pub identifier: String,
    #[serde(default)]
    pub authenticator_attachment: Option<String>,
}

/// `RegisterWebAuthnFinishRequest` and `AddDeviceFinishRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct WebAuthnFinishRequest {
    pub handshake_id: String,
    pub handshake_response: Value,
    #[serde(default)]
    pub user_id: Option<String>,
}

/// `LoginWebAuthnStartRequest`: no identifier means a discoverable (usernameless) login.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct LoginWebAuthnStartRequest {
    #[serde(default)]
    pub identifier: Option<String>,
}

/// `CurrentUserDevicesStartRequest` (the body is optional).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CurrentUserDevicesStartRequest {
    #[serde(default)]
    pub authenticator_attachment: Option<String>,
}

/// `RegisterWebAuthnStartWithTransactionRequest` and
/// `AuthenticateWebAuthnStartWithTransactionRequest` (no transaction: discoverable).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct TransactionStartRequest {
    #[serde(default)]
    pub transaction_id: Option<String>,
    #[serde(default)]
    pub authenticator_attachment: Option<String>,
}

/// `RegisterWebAuthnStartWithTransactionResponse` and
/// `AuthenticateWebAuthnStartWithTransactionResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TransactionStartResponse {
    pub handshake: Handshake,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
}

/// `RegisterWebAuthnFinishWithTransactionRequest` and
/// `AuthenticateWebAuthnFinishWithTransactionRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TransactionFinishRequest {
    pub handshake_id: String,
    pub handshake_response: Value,
    #[serde(default)]
    pub transaction_id: Option<String>,
}

/// `Nonce`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Nonce {
    pub nonce: String,
}

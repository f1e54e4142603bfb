//! Passkey Flex, shared by both APIs: the app's backend opens a transaction (Management), the
//! browser runs the ceremony for it (Auth) and gets a nonce, the backend redeems the nonce for
//! the user's external id (Management).

use time::Duration;

use crate::domain::ids::{hash_secret, random_alphanumeric};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::http::AppState;
use crate::store::Transaction;

/// How long a transaction waits for its ceremony, and a nonce for its redemption.
// Emulator: Passage's lifetimes are unknown; ten minutes covers a person at a prompt.
pub const TRANSACTION_TTL: Duration = Duration::minutes(10);
pub const NONCE_TTL: Duration = Duration::minutes(10);

const NONCE_LEN: usize = 32;

pub const REGISTER: &str = "register";
pub const AUTHENTICATE: &str = "authenticate";

/// A live transaction of this kind; 404 `transaction_not_found` otherwise.
pub async fn transaction(
    state: &AppState,
    app_id: &str,
    id: &str,
    kind: &str,
) -> ApiResult<Transaction> {
    let not_found = || {
        ApiError::not_found(
            ErrorCode::TransactionNotFound,
            format!("Transaction {id} not found (unknown, used or expired)."),
        )
    };
    let transaction = state
        .store
        .transaction(app_id, id)
        .await?
        .ok_or_else(not_found)?;
    if transaction.kind != kind || state.clock.timestamp().0 >= transaction.expires_at {
        return Err(not_found());
    }
    Ok(transaction)
}

/// A single-use nonce proving a finished ceremony of `user_id`.
pub async fn issue_nonce(state: &AppState, app_id: &str, user_id: &str) -> ApiResult<String> {
    let nonce = random_alphanumeric(NONCE_LEN);
    let now = state.clock.timestamp();
    state
        .store
        .insert_nonce(
            app_id,
            &hash_secret(&nonce),
            user_id,
            now,
            now.plus(NONCE_TTL),
        )
        .await?;
    Ok(nonce)
}

/// The user a nonce was issued for; it cannot be redeemed again.
pub async fn redeem_nonce(state: &AppState, app_id: &str, nonce: &str) -> ApiResult<String> {
    let now = state.clock.timestamp();
    state
        .store
        .take_nonce(app_id, &hash_secret(nonce), now)
        .await?
        .ok_or_else(|| {
            ApiError::unauthorized(
                ErrorCode::InvalidNonce,
                "Nonce is invalid, expired or already used.",
            )
        })
}

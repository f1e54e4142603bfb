//! The Management API (Passage `https://api.passage.id/v1`), served under `/api/v1`.
//! Every route needs `Authorization: Bearer <API key>` of the app in its path (the admin key
//! also works), except `GET /apps/{app_id}` where the key is optional and `POST /apps` which
//! takes the admin key.

mod api_keys;
mod apps;
mod devices;
mod flex;
mod list_users;
mod magic_links;
mod metadata_schema;
pub mod models;
mod users;

use axum::Router;
use axum::routing::{delete, get, patch, post};

use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/apps", post(apps::create_app))
        .route(
            "/apps/{app_id}/transactions/register",
            post(flex::create_register_transaction),
        )
        .route(
            "/apps/{app_id}/transactions/authenticate",
            post(flex::create_authenticate_transaction),
        )
        .route(
            "/apps/{app_id}/authenticate/verify",
            post(flex::verify_nonce),
        )
        .route(
            "/apps/{app_id}",
            get(apps::get_app)
                .patch(apps::update_app)
                .delete(apps::delete_app),
        )
        .route(
            "/apps/{app_id}/api-keys",
            get(api_keys::list_api_keys).post(api_keys::create_api_key),
        )
        .route(
            "/apps/{app_id}/api-keys/{api_key_id}",
            get(api_keys::get_api_key)
                .patch(api_keys::update_api_key)
                .delete(api_keys::delete_api_key),
        )
        .route(
            "/apps/{app_id}/user-metadata",
            get(metadata_schema::get_app_metadata_schema)
                .post(metadata_schema::add_app_metadata_schema),
        )
        .route(
            "/apps/{app_id}/user-metadata/{metadata_field_id}",
            get(metadata_schema::get_metadata_field)
                .patch(metadata_schema::update_metadata_field)
                .delete(metadata_schema::delete_metadata_field),
        )
        .route(
            "/apps/{app_id}/magic-links",
            post(magic_links::create_magic_link),
        )
        .route(
            "/apps/{app_id}/users",
            get(list_users::list_paginated_users).post(users::create_user),
        )
        .route(
            "/apps/{app_id}/users/{user_id}",
            get(users::get_user)
                .patch(users::update_user)
                .delete(users::delete_user),
        )
        .route(
            "/apps/{app_id}/users/{user_id}/activate",
            patch(users::activate_user),
        )
        .route(
            "/apps/{app_id}/users/{user_id}/deactivate",
            patch(users::deactivate_user),
        )
        .route(
            "/apps/{app_id}/users/{user_id}/devices",
            get(devices::list_user_devices),
        )
        .route(
            "/apps/{app_id}/users/{user_id}/devices/{device_id}",
            delete(devices::delete_user_device),
        )
        .route(
            "/apps/{app_id}/users/{user_id}/tokens",
            delete(users::revoke_user_refresh_tokens),
        )
}

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

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(apps::create_app))
        .routes(routes!(flex::create_register_transaction))
        .routes(routes!(flex::create_authenticate_transaction))
        .routes(routes!(flex::verify_nonce))
        .routes(routes!(apps::get_app, apps::update_app, apps::delete_app))
        .routes(routes!(api_keys::list_api_keys, api_keys::create_api_key))
        .routes(routes!(
            api_keys::get_api_key,
            api_keys::update_api_key,
            api_keys::delete_api_key
        ))
        .routes(routes!(
            metadata_schema::get_app_metadata_schema,
            metadata_schema::add_app_metadata_schema
        ))
        .routes(routes!(
            metadata_schema::get_metadata_field,
            metadata_schema::update_metadata_field,
            metadata_schema::delete_metadata_field
        ))
        .routes(routes!(magic_links::create_magic_link))
        .routes(routes!(
            list_users::list_paginated_users,
            users::create_user
        ))
        .routes(routes!(
            users::get_user,
            users::update_user,
            users::delete_user
        ))
        .routes(routes!(users::activate_user))
        .routes(routes!(users::deactivate_user))
        .routes(routes!(devices::list_user_devices))
        .routes(routes!(devices::delete_user_device))
        .routes(routes!(users::revoke_user_refresh_tokens))
}

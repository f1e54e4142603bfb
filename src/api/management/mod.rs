//! The Management API (Passage `https://api.passage.id/v1`), served under `/api/v1`.
//! Every route needs `Authorization: Bearer <API key>` of the app in its path (the admin key
//! also works), except `GET /apps/{app_id}` where the key is optional and `POST /apps` which
//! takes the admin key.

mod api_keys;
mod app_console;
mod apps;
mod devices;
mod email_provider;
mod email_templates;
mod events;
mod flex;
mod list_users;
mod magic_links;
mod metadata_schema;
pub mod models;
mod paging;
mod user_import;
mod users;

face! {
    apps::create_app;
    flex::create_register_transaction;
    flex::create_authenticate_transaction;
    flex::verify_nonce;
    apps::get_app, apps::update_app, apps::delete_app;
    app_console::get_app_stats;
    app_console::update_app_layouts;
    app_console::claim_app;
    email_templates::list_email_templates, email_templates::create_email_template;
    email_templates::get_email_template,
    email_templates::update_email_template,
    email_templates::delete_email_template;
    email_provider::get_email_provider, email_provider::create_email_provider,
    email_provider::update_email_provider;
    email_provider::send_test_email;
    user_import::import_users;
    api_keys::list_api_keys, api_keys::create_api_key;
    api_keys::get_api_key, api_keys::update_api_key, api_keys::delete_api_key;
    metadata_schema::get_app_metadata_schema, metadata_schema::add_app_metadata_schema;
    metadata_schema::get_metadata_field,
    metadata_schema::update_metadata_field,
    metadata_schema::delete_metadata_field;
    magic_links::create_magic_link;
    list_users::list_paginated_users, users::create_user;
    events::list_paginated_events;
    events::get_event;
    users::get_user, users::update_user, users::delete_user;
    users::activate_user;
    users::deactivate_user;
    devices::list_user_devices;
    devices::delete_user_device;
    users::revoke_user_refresh_tokens;
}

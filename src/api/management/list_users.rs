//! Passage: `list-paginated-users` (`GET /apps/{app_id}/users`).
//!
//! Query parameters: `page` (from 1), `limit` (1 to 500), `created_before` (Unix seconds; the
//! anchor is echoed back so that later pages see the same users), `order_by`
//! (`field:ASC|DESC,...`), and filters that take a value or an operator-prefixed value
//! (`ne:`, `gt:`, `lt:`, `like:`, `not_like:`).

use axum::Extension;
use axum::Json;
use axum::extract::{RawQuery, State};

use super::models::{ListPaginatedUsersItem, ListPaginatedUsersResponse};
use super::paging::{ListRequest, integer, operator, parse_order};
use crate::domain::identifiers::normalize_phone;
use crate::domain::timestamp::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::ManagementAuth;
use crate::http::query::query_pairs;
use crate::http::{AppState, PublicPrefix};
use crate::store::{Comparison, Filter, FilterField, FilterValue, Order, SortField, UserListQuery};

const FILTERS: [(&str, FilterField); 7] = [
    ("identifier", FilterField::Identifier),
    ("id", FilterField::Id),
    ("login_count", FilterField::LoginCount),
    ("status", FilterField::Status),
    ("created_at", FilterField::CreatedAt),
    ("updated_at", FilterField::UpdatedAt),
    ("last_login_at", FilterField::LastLoginAt),
];

fn parse_filter(name: &str, field: FilterField, raw: &str) -> ApiResult<Filter> {
    let (comparison, value) = operator(raw);
    let is_like = matches!(comparison, Comparison::Like | Comparison::NotLike);
    let value = match field {
        FilterField::Identifier | FilterField::Id => FilterValue::Text(value.to_owned()),
        FilterField::Status => {
            if !is_like && !["active", "inactive", "pending"].contains(&value) {
                return Err(ApiError::invalid_request(format!(
                    "status: `{value}` is not one of active, inactive, pending"
                )));
            }
            FilterValue::Text(value.to_owned())
        }
        FilterField::LoginCount if !is_like => FilterValue::Integer(integer(name, value)?),
        FilterField::CreatedAt | FilterField::UpdatedAt | FilterField::LastLoginAt if !is_like => {
            FilterValue::Time(Timestamp::parse_rfc3339(value).ok_or_else(|| {
                ApiError::invalid_request(format!(
                    "{name}: `{value}` is not a timestamp like 2006-01-02T15:04:05.000000Z"
                ))
            })?)
        }
        _ => {
            return Err(ApiError::invalid_request(format!(
                "{name}: the like: and not_like: operators apply only to text fields"
            )));
        }
    };
    let phone = match field {
        FilterField::Identifier => normalize_phone(value_text(&value)).ok(),
        _ => None,
    };
    Ok(Filter {
        field,
        comparison,
        value,
        phone,
    })
}

fn value_text(value: &FilterValue) -> &str {
    match value {
        FilterValue::Text(text) => text,
        _ => "",
    }
}

fn parse_users_order(value: &str) -> ApiResult<Vec<Order>> {
    let fields = "id, email, phone, external_id, login_count, status, created_at, updated_at, \
                  last_login_at";
    Ok(parse_order(value, SortField::parse, fields)?
        .into_iter()
        .map(|(field, descending)| Order { field, descending })
        .collect())
}

/// The query `list_paginated_users` reads, as the OpenAPI document states it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListUsersParams {
    /// 1 or more.
    #[param(minimum = 1)]
    page: Option<i64>,
    /// Between 1 and 500.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
    /// Unix seconds: the anchor the pages are counted from.
    created_before: Option<i64>,
    /// `field:ASC` or `field:DESC`, comma-separated.
    order_by: Option<String>,
    /// An email, phone or external id; `like:` for a substring.
    identifier: Option<String>,
    id: Option<String>,
    login_count: Option<String>,
    /// `active`, `inactive` or `pending`.
    status: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
    last_login_at: Option<String>,
}

/// Passage: `list-paginated-users`.
#[utoipa::path(
    get,
    path = "/apps/{app_id}/users",
    tag = "management",
    params(ListUsersParams),
    responses(
        (status = 200, description = "One page of users.", body = ListPaginatedUsersResponse),
    ),
)]
pub async fn list_paginated_users(
    State(state): State<AppState>,
    auth: ManagementAuth,
    prefix: Option<Extension<PublicPrefix>>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<ListPaginatedUsersResponse>> {
    let pairs = query_pairs(raw.as_deref());
    let mut request = ListRequest::read(
        &pairs,
        state.clock.timestamp().unix_seconds(),
        parse_users_order,
        |name, value| {
            let (_, field) = FILTERS.iter().find(|(known, _)| *known == name)?;
            Some(parse_filter(name, *field, value))
        },
    )?;
    let mut order = std::mem::take(&mut request.order);
    if order.is_empty() {
        // Emulator: newest first when no order is asked for.
        order.push(Order {
            field: SortField::CreatedAt,
            descending: true,
        });
    }
    let query = UserListQuery {
        filters: std::mem::take(&mut request.filters),
        order,
        created_before: Timestamp::from_unix_seconds(request.created_before),
        page: request.page,
        limit: request.limit,
    };
    let result = state.store.list_users(&auth.app_id, &query).await?;
    let prefix = prefix.map_or("/api/v1", |Extension(PublicPrefix(prefix))| prefix);
    let links = request.links(
        &format!("{prefix}/apps/{}/users", auth.app_id),
        result.total,
    );
    Ok(Json(ListPaginatedUsersResponse {
        links,
        created_before: request.created_before,
        limit: request.limit,
        page: request.page,
        total_users: result.total,
        users: result
            .users
            .into_iter()
            .map(ListPaginatedUsersItem::from)
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_are_parsed() {
        let filter = parse_filter("login_count", FilterField::LoginCount, "gt:3").unwrap();
        assert_eq!(filter.comparison, Comparison::Gt);
        assert_eq!(filter.value, FilterValue::Integer(3));
        assert!(parse_filter("login_count", FilterField::LoginCount, "like:3").is_err());
        assert!(parse_filter("created_at", FilterField::CreatedAt, "lt:yesterday").is_err());
        assert!(parse_filter("status", FilterField::Status, "ne:gone").is_err());
    }
}

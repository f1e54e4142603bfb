//! What Passage's paged lists (users, events) share: `page`, `limit` and `created_before`,
//! operator-prefixed filter values, and the `_links` of the other pages.

use super::models::{Link, PaginatedLinks};
use crate::error::{ApiError, ApiResult};
use crate::store::Comparison;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 500;

pub fn integer(name: &str, value: &str) -> ApiResult<i64> {
    value
        .parse()
        .map_err(|_| ApiError::invalid_request(format!("{name}: `{value}` is not an integer")))
}

/// A filter value's operator (`ne:`, `gt:`, `lt:`, `like:`, `not_like:`, else equality) and
/// the value after it.
pub fn operator(raw: &str) -> (Comparison, &str) {
    [
        ("ne:", Comparison::Ne),
        ("gt:", Comparison::Gt),
        ("lt:", Comparison::Lt),
        ("like:", Comparison::Like),
        ("not_like:", Comparison::NotLike),
    ]
    .into_iter()
    .find_map(|(prefix, comparison)| raw.strip_prefix(prefix).map(|rest| (comparison, rest)))
    .unwrap_or((Comparison::Eq, raw))
}

/// `order_by`: `field:ASC|DESC`, comma-separated (ASC when no direction); `fields` names what
/// `lookup` knows, for the error.
pub fn parse_order<F>(
    value: &str,
    lookup: impl Fn(&str) -> Option<F>,
    fields: &str,
) -> ApiResult<Vec<(F, bool)>> {
    value
        .split(',')
        .filter(|part| !part.trim().is_empty())
        .map(|part| {
            let (name, direction) = part.trim().split_once(':').unwrap_or((part.trim(), "ASC"));
            let field = lookup(name).ok_or_else(|| {
                ApiError::invalid_request(format!("order_by: cannot order by `{name}` ({fields})"))
            })?;
            match direction.to_ascii_uppercase().as_str() {
                "ASC" => Ok((field, false)),
                "DESC" => Ok((field, true)),
                _ => Err(ApiError::invalid_request(format!(
                    "order_by: direction `{direction}` must be ASC or DESC"
                ))),
            }
        })
        .collect()
}

/// `page` from 1, `limit` from 1 to 500.
pub fn check_page(page: i64, limit: i64) -> ApiResult<()> {
    if page < 1 {
        return Err(ApiError::invalid_request("page: must be 1 or more"));
    }
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid_request(format!(
            "limit: must be between 1 and {MAX_LIMIT}"
        )));
    }
    Ok(())
}

/// A page's place in the list, for its links.
pub struct Paged<'a> {
    /// `{prefix}/apps/{app_id}/users`, without a query.
    pub path: String,
    pub page: i64,
    pub limit: i64,
    pub created_before: i64,
    pub total: i64,
    /// The order and filters asked for, repeated in every link.
    pub echoed: &'a [(&'a str, &'a str)],
}

impl Paged<'_> {
    // Emulator: a page that does not exist (no next after the last) has an empty href.
    pub fn links(&self) -> PaginatedLinks {
        let last = ((self.total + self.limit - 1) / self.limit).max(1);
        let page = self.page;
        PaginatedLinks {
            first: self.href(Some(1)),
            last: self.href(Some(last)),
            next: self.href(page.checked_add(1).filter(|next| *next <= last)),
            previous: self.href((page > 1).then_some((page - 1).min(last))),
            this: self.href(Some(page)),
        }
    }

    fn href(&self, target: Option<i64>) -> Link {
        Link {
            href: target.map_or_else(String::new, |target| {
                let mut query = form_urlencoded::Serializer::new(String::new());
                query
                    .append_pair("page", &target.to_string())
                    .append_pair("limit", &self.limit.to_string())
                    .append_pair("created_before", &self.created_before.to_string());
                for (name, value) in self.echoed {
                    query.append_pair(name, value);
                }
                format!("{}?{}", self.path, query.finish())
            }),
        }
    }
}

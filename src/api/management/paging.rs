//! What Passage's paged lists (users, events) share: `page`, `limit` and `created_before`,
//! operator-prefixed filter values, and the `_links` of the other pages.

use super::models::{Link, PaginatedLinks};
use crate::error::{ApiError, ApiResult};
use crate::store::Comparison;

const DEFAULT_LIMIT: i64 = 20;
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
fn check_page(page: i64, limit: i64) -> ApiResult<()> {
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

/// What a paged list's query asks for: `page`, `limit`, `created_before`, `order_by` and the
/// list's filters (each parsed by the list's own functions), and what its links repeat.
pub struct ListRequest<'a, O, F> {
    pub page: i64,
    pub limit: i64,
    /// Unix seconds: only what was created before it is listed.
    pub created_before: i64,
    pub order: Vec<O>,
    pub filters: Vec<F>,
    /// The order and filters asked for, repeated in every link.
    echoed: Vec<(&'a str, &'a str)>,
}

impl<'a, O, F> ListRequest<'a, O, F> {
    /// Reads `pairs`; `filter` answers `None` for a name that is not one of the list's
    /// filters (ignored, as are filters given empty).
    pub fn read(
        pairs: &'a [(String, String)],
        now_seconds: i64,
        order: impl Fn(&str) -> ApiResult<Vec<O>>,
        filter: impl Fn(&str, &str) -> Option<ApiResult<F>>,
    ) -> ApiResult<Self> {
        let mut request = Self {
            page: 1,
            limit: DEFAULT_LIMIT,
            // Emulator: the default anchor is the next whole second, so what was created this
            // second is listed and the echoed anchor selects the same rows on every page.
            created_before: now_seconds + 1,
            order: Vec::new(),
            filters: Vec::new(),
            echoed: Vec::new(),
        };
        for (name, value) in pairs {
            match name.as_str() {
                "page" => request.page = integer(name, value)?,
                "limit" => request.limit = integer(name, value)?,
                "created_before" => request.created_before = integer(name, value)?,
                "order_by" => {
                    request.order = order(value)?;
                    request.echoed.push((name.as_str(), value.as_str()));
                }
                _ if value.is_empty() => {}
                _ => {
                    if let Some(parsed) = filter(name, value) {
                        request.filters.push(parsed?);
                        request.echoed.push((name.as_str(), value.as_str()));
                    }
                }
            }
        }
        check_page(request.page, request.limit)?;
        Ok(request)
    }

    /// The `_links` of this page of a list at `path` (`{prefix}/apps/{app_id}/users`, no
    /// query) selecting `total` rows.
    // Emulator: a page that does not exist (no next after the last) has an empty href.
    pub fn links(&self, path: &str, total: i64) -> PaginatedLinks {
        let last = ((total + self.limit - 1) / self.limit).max(1);
        let page = self.page;
        PaginatedLinks {
            first: self.href(path, Some(1)),
            last: self.href(path, Some(last)),
            next: self.href(path, page.checked_add(1).filter(|next| *next <= last)),
            previous: self.href(path, (page > 1).then_some((page - 1).min(last))),
            this: self.href(path, Some(page)),
        }
    }

    fn href(&self, path: &str, target: Option<i64>) -> Link {
        Link {
            href: target.map_or_else(String::new, |target| {
                let mut query = form_urlencoded::Serializer::new(String::new());
                query
                    .append_pair("page", &target.to_string())
                    .append_pair("limit", &self.limit.to_string())
                    .append_pair("created_before", &self.created_before.to_string());
                for (name, value) in &self.echoed {
                    query.append_pair(name, value);
                }
                format!("{path}?{}", query.finish())
            }),
        }
    }
}

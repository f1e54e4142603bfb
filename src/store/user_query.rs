//! What the Management list asks for: filters with Passage's operators, the order, the time
//! anchor and the page; and the page it gets. store::user_list turns it into SQL.

use crate::domain::timestamp::Timestamp;
use crate::domain::user::User;

/// Fields the list can filter on (Passage's query parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    /// Email, phone or external id.
    Identifier,
    Id,
    LoginCount,
    Status,
    CreatedAt,
    UpdatedAt,
    LastLoginAt,
}

impl FilterField {
    /// The column compared; `None` for `identifier`, which is three.
    pub(super) fn column(self) -> Option<&'static str> {
        Some(match self {
            Self::Identifier => return None,
            Self::Id => "id",
            Self::LoginCount => "login_count",
            Self::Status => "status",
            Self::CreatedAt => "created_at",
            Self::UpdatedAt => "updated_at",
            Self::LastLoginAt => "last_login_at",
        })
    }

    /// The index whose entries are ordered by this field (then created_at, id).
    pub(super) fn index(self) -> Option<&'static str> {
        Some(match self {
            Self::Identifier | Self::Id => return None,
            Self::LoginCount => "users_by_login_count",
            Self::Status => "users_by_status",
            Self::CreatedAt => "users_by_created_at",
            Self::UpdatedAt => "users_by_updated_at",
            Self::LastLoginAt => "users_by_last_login_at",
        })
    }
}

/// Passage's prefix operators: `<val>`, `ne:`, `gt:`, `lt:`, `like:`, `not_like:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Eq,
    Ne,
    Gt,
    Lt,
    Like,
    NotLike,
}

impl Comparison {
    /// The SQL operator, spaced.
    pub(super) fn operator(self) -> &'static str {
        match self {
            Self::Eq => " = ",
            Self::Ne => " <> ",
            Self::Gt => " > ",
            Self::Lt => " < ",
            Self::Like => " LIKE ",
            Self::NotLike => " NOT LIKE ",
        }
    }

    pub fn is_like(self) -> bool {
        matches!(self, Self::Like | Self::NotLike)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    Text(String),
    Integer(i64),
    Time(Timestamp),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub field: FilterField,
    pub comparison: Comparison,
    pub value: FilterValue,
    /// For `identifier`: the value as a normalised phone number, when it is one.
    pub phone: Option<String>,
}

/// Fields the list can be ordered by (`identifier` cannot, as in Passage).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    Id,
    Email,
    Phone,
    ExternalId,
    LoginCount,
    Status,
    CreatedAt,
    UpdatedAt,
    LastLoginAt,
}

impl SortField {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "id" => Self::Id,
            "email" => Self::Email,
            "phone" => Self::Phone,
            "external_id" => Self::ExternalId,
            "login_count" => Self::LoginCount,
            "status" => Self::Status,
            "created_at" => Self::CreatedAt,
            "updated_at" => Self::UpdatedAt,
            "last_login_at" => Self::LastLoginAt,
            _ => return None,
        })
    }

    /// The index read in this field's order (migrations/0008_user_order.sql).
    pub(super) fn index(self) -> &'static str {
        match self {
            Self::Id => "users_by_id",
            Self::Email => "users_by_email_order",
            Self::Phone => "users_by_phone_order",
            Self::ExternalId => "users_by_external_id_order",
            Self::LoginCount => "users_by_login_count",
            Self::Status => "users_by_status",
            Self::CreatedAt => "users_by_created_at",
            Self::UpdatedAt => "users_by_updated_at",
            Self::LastLoginAt => "users_by_last_login_at",
        }
    }

    pub(super) fn column(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::ExternalId => "external_id",
            Self::LoginCount => "login_count",
            Self::Status => "status",
            Self::CreatedAt => "created_at",
            Self::UpdatedAt => "updated_at",
            Self::LastLoginAt => "last_login_at",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub field: SortField,
    pub descending: bool,
}

#[derive(Debug, Clone)]
pub struct UserListQuery {
    pub filters: Vec<Filter>,
    pub order: Vec<Order>,
    /// Only users created strictly before this instant.
    pub created_before: Timestamp,
    pub page: i64,
    pub limit: i64,
}

#[derive(Debug)]
pub struct UserPage {
    pub users: Vec<User>,
    /// Users matching the filters and the anchor, on all pages.
    pub total: i64,
}

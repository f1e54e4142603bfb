//! User metadata and its per-app schema.
//!
//! Passage: an app declares `user_metadata_schema` fields (console "User Metadata"); user
//! metadata may only hold those fields, each of its declared type. Any violation rejects the
//! whole update.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use super::identifiers::{normalize_email, normalize_phone};

/// Passage: `UserMetadataField`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserMetadataField {
    pub id: String,
    pub field_name: String,
    pub friendly_name: String,
    #[serde(rename = "type")]
    pub field_type: UserMetadataFieldType,
    pub profile: bool,
    pub registration: bool,
}

/// Passage: `UserMetadataFieldType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UserMetadataFieldType {
    String,
    Boolean,
    Integer,
    Date,
    Phone,
    Email,
}

impl UserMetadataFieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Boolean => "boolean",
            Self::Integer => "integer",
            Self::Date => "date",
            Self::Phone => "phone",
            Self::Email => "email",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        serde_json::from_value(Value::String(text.to_owned())).ok()
    }
}

/// The `field_name` Passage derived from a friendly name: lower-case, words joined by `_`.
///
/// Emulator: Passage's exact rule is unknown; "Favourite Colour" becomes `favourite_colour`.
pub fn field_name_from_friendly(friendly_name: &str) -> String {
    let mut name = String::new();
    for word in friendly_name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        if !name.is_empty() {
            name.push('_');
        }
        name.push_str(&word.to_ascii_lowercase());
    }
    name
}

/// Checks `metadata` against `schema`; returns it with phones and emails normalised.
/// `null` values are allowed: they clear the field.
pub fn validate(
    schema: &[UserMetadataField],
    metadata: Map<String, Value>,
) -> Result<Map<String, Value>, String> {
    let mut checked = Map::new();
    for (name, value) in metadata {
        let Some(field) = schema.iter().find(|field| field.field_name == name) else {
            return Err(unknown_field(schema, &name));
        };
        let value = check_value(field, value)
            .map_err(|problem| format!("user_metadata.{name}: {problem}"))?;
        checked.insert(name, value);
    }
    Ok(checked)
}

fn unknown_field(schema: &[UserMetadataField], name: &str) -> String {
    let known: Vec<&str> = schema.iter().map(|f| f.field_name.as_str()).collect();
    let known = if known.is_empty() {
        "this app defines no user metadata fields".to_owned()
    } else {
        format!("known fields: {}", known.join(", "))
    };
    format!("user_metadata.{name}: unknown field ({known})")
}

fn check_value(field: &UserMetadataField, value: Value) -> Result<Value, String> {
    let expected = field.field_type.as_str();
    let mismatch = || format!("expected a value of type {expected}");
    match (field.field_type, value) {
        (_, Value::Null) => Ok(Value::Null),
        (UserMetadataFieldType::String, value @ Value::String(_)) => Ok(value),
        (UserMetadataFieldType::Boolean, value @ Value::Bool(_)) => Ok(value),
        (UserMetadataFieldType::Integer, Value::Number(number)) if number.is_i64() => {
            Ok(Value::Number(number))
        }
        (UserMetadataFieldType::Date, Value::String(text)) if is_date(&text) => {
            Ok(Value::String(text))
        }
        (UserMetadataFieldType::Phone, Value::String(text)) => {
            normalize_phone(&text).map(Value::String)
        }
        (UserMetadataFieldType::Email, Value::String(text)) => {
            normalize_email(&text).map(Value::String)
        }
        _ => Err(mismatch()),
    }
}

/// Emulator: a `date` field accepts a full date (`2024-05-26`) or an RFC 3339 date-time.
fn is_date(text: &str) -> bool {
    let day = format_description!("[year]-[month]-[day]");
    time::Date::parse(text, day).is_ok() || time::OffsetDateTime::parse(text, &Rfc3339).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Vec<UserMetadataField> {
        [
            ("plan", UserMetadataFieldType::String),
            ("age", UserMetadataFieldType::Integer),
            ("born", UserMetadataFieldType::Date),
            ("mobile", UserMetadataFieldType::Phone),
        ]
        .into_iter()
        .map(|(name, field_type)| UserMetadataField {
            id: name.into(),
            field_name: name.into(),
            friendly_name: name.into(),
            field_type,
            profile: true,
            registration: true,
        })
        .collect()
    }

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn accepts_declared_fields() {
        let checked = validate(
            &schema(),
            object(
                json!({"plan": "pro", "age": 3, "born": "2020-02-29", "mobile": "+1 415 555 2671"}),
            ),
        )
        .unwrap();
        assert_eq!(
            Value::Object(checked),
            json!({"plan": "pro", "age": 3, "born": "2020-02-29", "mobile": "+14155552671"})
        );
    }

    #[test]
    fn rejects_unknown_and_mistyped_fields() {
        let error = validate(&schema(), object(json!({"colour": "red"}))).unwrap_err();
        assert!(
            error.contains("user_metadata.colour: unknown field"),
            "{error}"
        );
        let error = validate(&schema(), object(json!({"age": "three"}))).unwrap_err();
        assert_eq!(error, "user_metadata.age: expected a value of type integer");
        assert!(validate(&schema(), object(json!({"age": 1.5}))).is_err());
        assert!(validate(&schema(), object(json!({"born": "yesterday"}))).is_err());
    }

    #[test]
    fn friendly_names_become_field_names() {
        assert_eq!(
            field_name_from_friendly("Favourite Colour!"),
            "favourite_colour"
        );
    }
}

//! `POST /apps/{app_id}/import/users`: users from a CSV file as Passage's console exported
//! them. Columns (a header row names them, in any order; all optional but one identifier):
//! `id`, `email`, `email_verified`, `phone`, `phone_verified`, `status`, `created_at`,
//! `user_metadata` (a JSON object), and the emulator's `external_id`. Each row is checked on
//! its own: a bad row is reported by its line, the good rows are imported.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::fixtures::FixtureUser;
use super::identifiers::{normalize_email, normalize_phone};
use super::ids::is_plausible_id;
use super::metadata::{self, UserMetadataField};
use super::timestamp::Timestamp;
use super::user::UserStatus;

/// Passage: "no more than 30k users".
pub const MAX_ROWS: usize = 30_000;

const COLUMNS: [&str; 9] = [
    "id",
    "email",
    "email_verified",
    "phone",
    "phone_verified",
    "status",
    "created_at",
    "user_metadata",
    "external_id",
];

/// A row that could not be imported: its identifier (as written) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub identifier: String,
    pub errors: Vec<String>,
}

/// The file, read: the users to import (each with its line) and the rows refused.
#[derive(Debug, Default)]
pub struct ParsedImport {
    pub received: usize,
    pub users: Vec<(usize, FixtureUser)>,
    pub errors: Vec<RowError>,
}

/// Reads the CSV. A file that is not CSV, has no header of known columns or more than
/// [`MAX_ROWS`] rows is an error for the whole file (nothing is imported).
pub fn parse(text: &str, schema: &[UserMetadataField]) -> Result<ParsedImport, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|error| format!("the header row: {error}"))?
        .clone();
    let mut columns: HashMap<&'static str, usize> = HashMap::new();
    for (index, name) in headers.iter().enumerate() {
        let name = name.to_ascii_lowercase();
        let Some(known) = COLUMNS.iter().find(|column| **column == name) else {
            return Err(format!(
                "column `{name}` is not one the import reads ({})",
                COLUMNS.join(", ")
            ));
        };
        if columns.insert(known, index).is_some() {
            return Err(format!("column `{name}` appears twice"));
        }
    }
    if !["email", "phone", "external_id"]
        .iter()
        .any(|c| columns.contains_key(*c))
    {
        return Err("the header row names no email, phone or external_id column".into());
    }
    let mut parsed = ParsedImport::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|error| format!("not CSV: {error}"))?;
        parsed.received += 1;
        if parsed.received > MAX_ROWS {
            return Err(format!("more than {MAX_ROWS} users in one file"));
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = Fields(
            columns
                .iter()
                .map(|(name, index)| (*name, record.get(*index).unwrap_or("").to_owned()))
                .collect(),
        );
        match row(&field, schema) {
            Ok(user) => {
                let keys = [&user.id, &user.email, &user.phone, &user.external_id];
                let duplicate = keys
                    .iter()
                    .filter(|key| !key.is_empty())
                    .find_map(|key| seen.get(key.as_str()).copied());
                if let Some(first) = duplicate {
                    parsed.errors.push(RowError {
                        identifier: field.identifier(),
                        errors: vec![format!("line {line}: the same user as line {first}")],
                    });
                    continue;
                }
                for key in keys.into_iter().filter(|key| !key.is_empty()) {
                    seen.insert(key.clone(), line);
                }
                parsed.users.push((line, user));
            }
            Err(errors) => parsed.errors.push(RowError {
                identifier: field.identifier(),
                errors: errors
                    .into_iter()
                    .map(|error| format!("line {line}: {error}"))
                    .collect(),
            }),
        }
    }
    Ok(parsed)
}

/// A row's values by column.
struct Fields(HashMap<&'static str, String>);

impl Fields {
    fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    /// How the row names its user in the answer: its email, else phone, external id or id.
    fn identifier(&self) -> String {
        ["email", "phone", "external_id", "id"]
            .iter()
            .map(|name| self.get(name))
            .find(|value| !value.is_empty())
            .unwrap_or("")
            .to_owned()
    }
}

/// The value, or `None` with its error kept: a row reports every error it has.
fn keep<T>(errors: &mut Vec<String>, result: Result<T, String>) -> Option<T> {
    result.map_err(|error| errors.push(error)).ok()
}

fn flag(value: &str, name: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "" | "false" | "0" | "no" => Ok(false),
        "true" | "1" | "yes" => Ok(true),
        other => Err(format!("{name}: `{other}` is not true or false")),
    }
}

/// One row as a user to insert, or every error it has.
fn row(field: &Fields, schema: &[UserMetadataField]) -> Result<FixtureUser, Vec<String>> {
    let mut errors = Vec::new();
    let id = field.get("id");
    let id = if id.is_empty() {
        super::ids::new_id()
    } else {
        keep(
            &mut errors,
            if is_plausible_id(id) {
                Ok(())
            } else {
                Err(format!("id: `{id}` is not a valid id"))
            },
        );
        id.to_owned()
    };
    let email = match field.get("email") {
        "" => Some(String::new()),
        email => keep(
            &mut errors,
            normalize_email(email).map_err(|e| format!("email: {e}")),
        ),
    };
    let phone = match field.get("phone") {
        "" => Some(String::new()),
        phone => keep(
            &mut errors,
            normalize_phone(phone).map_err(|e| format!("phone: {e}")),
        ),
    };
    let external_id = field.get("external_id").to_owned();
    let status = match field.get("status") {
        "" => Some(UserStatus::Active),
        status => keep(
            &mut errors,
            UserStatus::parse(&status.to_ascii_lowercase())
                .ok_or_else(|| format!("status: `{status}` is not active, inactive or pending")),
        ),
    };
    let email_verified = keep(
        &mut errors,
        flag(field.get("email_verified"), "email_verified"),
    );
    let phone_verified = keep(
        &mut errors,
        flag(field.get("phone_verified"), "phone_verified"),
    );
    let created_at = match field.get("created_at") {
        "" => Some(None),
        at => keep(
            &mut errors,
            Timestamp::parse_rfc3339(at)
                .map(Some)
                .ok_or_else(|| format!("created_at: `{at}` is not an RFC 3339 time")),
        ),
    };
    let user_metadata = match field.get("user_metadata") {
        "" => Some(None),
        text => keep(
            &mut errors,
            serde_json::from_str::<Map<String, Value>>(text)
                .map_err(|error| format!("user_metadata: not a JSON object: {error}"))
                .and_then(|map| {
                    metadata::validate(schema, map)
                        .map_err(|error| format!("user_metadata: {error}"))
                })
                .map(Some),
        ),
    };
    if email.as_deref() == Some("") && phone.as_deref() == Some("") && external_id.is_empty() {
        errors.push("a user needs an email, a phone or an external_id".into());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(FixtureUser {
        id,
        email: email.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        external_id,
        status: status.unwrap_or(UserStatus::Active),
        email_verified: email_verified.unwrap_or_default(),
        phone_verified: phone_verified.unwrap_or_default(),
        user_metadata: user_metadata.flatten(),
        login_count: 0,
        created_at: created_at.flatten(),
        last_login_at: None,
        updated_at: None,
        devices: Vec::new(),
        social_connections: Vec::new(),
    })
}

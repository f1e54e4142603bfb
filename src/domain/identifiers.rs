//! Email and phone identifiers: validated, then normalised so that lookups are exact.
//!
//! Passage lower-cased email identifiers (its SDKs lower-case before searching) and stored
//! phones in E.164.

use email_address::EmailAddress;

/// A valid email address, lower-cased; `Err` carries a message for the caller.
pub fn normalize_email(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim();
    if EmailAddress::is_valid(trimmed) {
        Ok(trimmed.to_lowercase())
    } else {
        Err(format!("`{trimmed}` is not a valid email address"))
    }
}

/// A valid phone number in E.164 (`+14155552671`); a leading `+` and country code are required.
pub fn normalize_phone(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim();
    let invalid =
        || format!("`{trimmed}` is not a valid phone number in E.164 format (e.g. +14155552671)");
    if !trimmed.starts_with('+') {
        return Err(invalid());
    }
    let number = phonenumber::parse(None, trimmed).map_err(|_| invalid())?;
    if !phonenumber::is_valid(&number) {
        return Err(invalid());
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}

/// Which kind of identifier a free-form string is, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identifier {
    Email(String),
    Phone(String),
}

impl Identifier {
    /// Emails contain `@`; everything else is tried as a phone number.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.contains('@') {
            normalize_email(raw).map(Self::Email)
        } else {
            normalize_phone(raw).map(Self::Phone)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased() {
        assert_eq!(
            normalize_email(" Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        assert!(normalize_email("not-an-email").is_err());
    }

    #[test]
    fn phones_become_e164() {
        assert_eq!(normalize_phone("+1 415 555 2671").unwrap(), "+14155552671");
        assert_eq!(
            normalize_phone("+44 20 7946 0958").unwrap(),
            "+442079460958"
        );
        assert!(normalize_phone("4155552671").is_err());
        assert!(normalize_phone("+1").is_err());
        assert!(normalize_phone("+abc").is_err());
    }
}

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
    if !plausible(&number) {
        return Err(invalid());
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}

/// Emulator: a number is accepted when its country calling code exists and its national number
/// has a length that country's numbers have (libphonenumber's "possible number"), not only
/// when its range is assigned: test suites use fictional numbers such as +1 555-555-0123,
/// which full validation refuses.
fn plausible(number: &phonenumber::PhoneNumber) -> bool {
    let national = number.national().to_string();
    let Ok(length) = u16::try_from(national.len()) else {
        return false;
    };
    phonenumber::metadata::DATABASE
        .by_code(&number.code().value())
        .and_then(|regions| regions.into_iter().next())
        .is_some_and(|main| {
            // The metadata keeps possible lengths per kind of number, not in `general`.
            let kinds = main.descriptors();
            [
                kinds.fixed_line(),
                kinds.mobile(),
                kinds.toll_free(),
                kinds.premium_rate(),
                kinds.shared_cost(),
                kinds.personal_number(),
                kinds.voip(),
                kinds.pager(),
                kinds.uan(),
                kinds.voicemail(),
            ]
            .into_iter()
            .flatten()
            .any(|kind| kind.possible_length().contains(&length))
        })
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

    /// Fictional test numbers are plausible; numbers of the wrong length or with no country
    /// are not.
    #[test]
    fn fictional_numbers_pass_and_implausible_ones_do_not() {
        for (raw, e164) in [
            ("+15555550123", "+15555550123"),
            ("+1 555-555-0199", "+15555550199"),
            ("+44 7700 900123", "+447700900123"),
            ("+61 491 570 006", "+61491570006"),
            ("+39 06 6982 0000", "+390669820000"),
        ] {
            assert_eq!(normalize_phone(raw).as_deref(), Ok(e164), "{raw}");
        }
        for raw in ["+1555555", "+155555501234567", "+999 1234 5678", "+44 12"] {
            assert!(normalize_phone(raw).is_err(), "{raw}");
        }
    }
}

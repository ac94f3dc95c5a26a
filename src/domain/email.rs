//! E-mail addresses, normalised for comparison (trimmed, lowercase).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not a valid e-mail address")]
pub struct InvalidEmail(pub String);

impl Email {
    /// Accepts what a sign-in form would: `local@domain.tld`, at most 254 characters. The
    /// syntax check is the `email_address` crate's; we also require a dot in the domain,
    /// since a company address without one is always a typo.
    pub fn parse(input: &str) -> Result<Email, InvalidEmail> {
        let value = input.trim().to_lowercase();
        let ok = value.len() <= 254
            && email_address::EmailAddress::parse_with_options(
                &value,
                email_address::Options::default().without_display_text(),
            )
            .is_ok()
            && value.rsplit_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if ok {
            Ok(Email(value))
        } else {
            Err(InvalidEmail(input.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(
            Email::parse("  Ana.Kim@Example.COM ").unwrap().as_str(),
            "ana.kim@example.com"
        );
        assert!(Email::parse("first+tag@sub.example.co.kr").is_ok());
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "ana@@example.com",
            "Ana <ana@example.com>",
            "ana@.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(250))).is_err());
    }
}

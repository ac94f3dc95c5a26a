//! The rules for people: roles and display names.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Employee,
    Admin,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not a role (use \"employee\" or \"admin\")")]
pub struct UnknownRole(pub String);

impl Role {
    pub fn parse(value: &str) -> Result<Role, UnknownRole> {
        match value {
            "employee" => Ok(Role::Employee),
            "admin" => Ok(Role::Admin),
            other => Err(UnknownRole(other.to_string())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Employee => "employee",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A trimmed, non-empty label of bounded length (person, team, campaign names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InvalidLabel {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must not contain control characters")]
    Control,
}

impl Label {
    pub const MAX: usize = 200;

    pub fn parse(value: &str) -> Result<Label, InvalidLabel> {
        let value = value.trim();
        if value.is_empty() {
            Err(InvalidLabel::Empty)
        } else if value.chars().count() > Self::MAX {
            Err(InvalidLabel::TooLong(Self::MAX))
        } else if value.chars().any(char::is_control) {
            Err(InvalidLabel::Control)
        } else {
            Ok(Label(value.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for role in [Role::Employee, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert!(Role::parse("Admin").is_err());
        assert!(Role::parse("owner").is_err());
    }

    #[test]
    fn labels_are_trimmed_and_bounded() {
        assert_eq!(Label::parse("  김민지 ").unwrap().as_str(), "김민지");
        assert_eq!(Label::parse("   "), Err(InvalidLabel::Empty));
        assert_eq!(
            Label::parse(&"가".repeat(201)),
            Err(InvalidLabel::TooLong(200))
        );
        assert!(Label::parse(&"가".repeat(200)).is_ok());
        assert_eq!(Label::parse("a\u{0007}b"), Err(InvalidLabel::Control));
    }
}

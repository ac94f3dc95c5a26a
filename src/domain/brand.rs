//! Brands (DESIGN.md §2): the own brand and its competitors, each with keywords that find
//! its mentions; the own brand also has *intended attributes*, the words marketing wants
//! people to associate with it (the KPI "brand attribute recognition").
//!
//! Rules: a name is a [`Label`]; a brand has 1 to [`MAX_KEYWORDS`] keywords; intended
//! attributes belong to the own brand only (on a competitor they would feed no KPI, so
//! they are refused rather than silently kept). There is at most one own brand — the store
//! enforces that, with a unique index behind it.

use thiserror::Error;

use crate::domain::person::{InvalidLabel, Label};

/// The most keywords (and, separately, intended attributes) one brand keeps.
pub const MAX_KEYWORDS: usize = 50;
/// The longest keyword or attribute, in characters.
pub const MAX_KEYWORD_LEN: usize = 100;

/// A keyword or attribute: trimmed, non-empty, at most [`MAX_KEYWORD_LEN`] characters,
/// no control characters. Its spelling is kept; matching ignores case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyword(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InvalidKeyword {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {MAX_KEYWORD_LEN} characters")]
    TooLong,
    #[error("must not contain control characters")]
    Control,
}

impl Keyword {
    /// # Errors
    /// [`InvalidKeyword`] for a blank, too long or control-character keyword.
    pub fn parse(value: &str) -> Result<Keyword, InvalidKeyword> {
        let value = value.trim();
        if value.is_empty() {
            Err(InvalidKeyword::Empty)
        } else if value.chars().count() > MAX_KEYWORD_LEN {
            Err(InvalidKeyword::TooLong)
        } else if value.chars().any(char::is_control) {
            Err(InvalidKeyword::Control)
        } else {
            Ok(Keyword(value.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form keywords are compared in: Unicode lowercase.
    pub fn folded(&self) -> String {
        self.0.to_lowercase()
    }
}

/// Which list of a brand a keyword belongs to (`brand_keywords.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeywordKind {
    /// Finds the brand's mentions.
    Keyword,
    /// An intended attribute of the own brand.
    Attribute,
}

impl KeywordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            KeywordKind::Keyword => "keyword",
            KeywordKind::Attribute => "attribute",
        }
    }

    pub fn parse(value: &str) -> Option<KeywordKind> {
        match value {
            "keyword" => Some(KeywordKind::Keyword),
            "attribute" => Some(KeywordKind::Attribute),
            _ => None,
        }
    }

    /// The JSON field this list is sent in.
    pub fn field(self) -> &'static str {
        match self {
            KeywordKind::Keyword => "keywords",
            KeywordKind::Attribute => "intended_attributes",
        }
    }
}

/// A brand to create, every rule checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBrand {
    pub name: Label,
    pub own: bool,
    pub keywords: Vec<Keyword>,
    pub intended_attributes: Vec<Keyword>,
}

/// Why a brand was refused; `field` names the input field (`name`, `keywords`,
/// `intended_attributes`) so an API can prefix it and a form can show it beside it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {message}")]
pub struct InvalidBrand {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl InvalidBrand {
    fn new(field: &'static str, code: &'static str, message: impl Into<String>) -> InvalidBrand {
        InvalidBrand {
            field,
            code,
            message: message.into(),
        }
    }
}

/// Parses a brand's name.
///
/// # Errors
/// [`InvalidLabel`] for a blank, too long or control-character name.
pub fn parse_name(value: &str) -> Result<Label, InvalidLabel> {
    Label::parse(value)
}

/// Parses one list of keywords or attributes: each entry a [`Keyword`]; repeats (ignoring
/// case) are dropped, keeping the first spelling; at most [`MAX_KEYWORDS`].
///
/// # Errors
/// [`InvalidBrand`] naming the entry (`keywords[2]: must not be empty`) or the list.
pub fn parse_keywords(values: &[String], kind: KeywordKind) -> Result<Vec<Keyword>, InvalidBrand> {
    let field = kind.field();
    let code = match kind {
        KeywordKind::Keyword => "invalid_keyword",
        KeywordKind::Attribute => "invalid_attribute",
    };
    let mut out: Vec<Keyword> = Vec::with_capacity(values.len());
    for (i, value) in values.iter().enumerate() {
        let keyword = Keyword::parse(value)
            .map_err(|e| InvalidBrand::new(field, code, format!("entry {} {e}", i + 1)))?;
        if !out.iter().any(|k| k.folded() == keyword.folded()) {
            out.push(keyword);
        }
    }
    if out.len() > MAX_KEYWORDS {
        return Err(InvalidBrand::new(
            field,
            code,
            format!("at most {MAX_KEYWORDS} entries (got {})", out.len()),
        ));
    }
    Ok(out)
}

/// Splits what a person typed in a form (commas or new lines between entries) into
/// entries; blank entries between separators are dropped.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', '\n', '\r', '，', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Checks a whole brand: name, at least one keyword, attributes only on the own brand.
///
/// # Errors
/// [`InvalidBrand`] for the first rule broken, in field order.
pub fn validate(
    name: &str,
    own: bool,
    keywords: &[String],
    intended_attributes: &[String],
) -> Result<NewBrand, InvalidBrand> {
    let name =
        parse_name(name).map_err(|e| InvalidBrand::new("name", "invalid_name", e.to_string()))?;
    let keywords = parse_keywords(keywords, KeywordKind::Keyword)?;
    if keywords.is_empty() {
        return Err(InvalidBrand::new(
            "keywords",
            "missing_keywords",
            "give at least one keyword (the brand's name, usually)",
        ));
    }
    let intended_attributes = parse_keywords(intended_attributes, KeywordKind::Attribute)?;
    if !own && !intended_attributes.is_empty() {
        return Err(InvalidBrand::new(
            "intended_attributes",
            "attributes_on_competitor",
            "only the own brand has intended attributes",
        ));
    }
    Ok(NewBrand {
        name,
        own,
        keywords,
        intended_attributes,
    })
}

/// Whether two brand names are the same brand: names compare ignoring case, so mentions
/// may spell `acme` for `ACME`.
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn a_valid_own_brand() {
        let b = validate(
            " Acme ",
            true,
            &s(&["acme", "ACME", " 아크미 "]),
            &s(&["reliable"]),
        )
        .unwrap();
        assert_eq!(b.name.as_str(), "Acme");
        assert_eq!(
            b.keywords.iter().map(Keyword::as_str).collect::<Vec<_>>(),
            ["acme", "아크미"],
            "repeats ignoring case dropped, entries trimmed"
        );
        assert_eq!(b.intended_attributes[0].as_str(), "reliable");
    }

    #[test]
    fn rules() {
        let err = |name: &str, own: bool, k: &[&str], a: &[&str]| {
            validate(name, own, &s(k), &s(a)).unwrap_err()
        };
        assert_eq!(err(" ", true, &["a"], &[]).field, "name");
        assert_eq!(err("A", true, &[], &[]).code, "missing_keywords");
        let blank = err("A", true, &["a", "  "], &[]);
        assert_eq!(
            (blank.field, blank.message.as_str()),
            ("keywords", "entry 2 must not be empty")
        );
        assert_eq!(
            err("A", true, &[&"k".repeat(101)], &[]).code,
            "invalid_keyword"
        );
        assert_eq!(
            err("A", false, &["a"], &["fast"]).code,
            "attributes_on_competitor"
        );
        assert_eq!(err("A", true, &["a"], &[""]).field, "intended_attributes");
        let many: Vec<String> = (0..51).map(|i| format!("k{i}")).collect();
        assert!(validate("A", true, &many, &[]).is_err());
        assert!(validate("A", false, &many[..50], &[]).is_ok());
    }

    #[test]
    fn form_lists() {
        assert_eq!(
            split_list("acme, Acme Corp\n아크미,, \r\n"),
            ["acme", "Acme Corp", "아크미"]
        );
        assert!(split_list(" , \n").is_empty());
    }

    #[test]
    fn names_compare_ignoring_case() {
        assert!(same_name("ACME", " acme"));
        assert!(!same_name("Acme", "Acme Corp"));
    }
}

//! Campaign rules: the `utm_campaign` value derived from a campaign's name
//! ([`utm_value`]), explicit UTM values ([`UtmValue`]) and the campaign's dates.
//!
//! Derived values are lowercase, ASCII where the name can be folded to ASCII (`Café
//! Überraschung` → `cafe-uberraschung`), with every run of other characters turned into a
//! single `-`. Letters and digits of scripts that have no ASCII spelling, Hangul first of
//! all, are kept as they are (`봄 캠페인 2026` → `봄-캠페인-2026`): a romanisation would be a
//! guess that marketing could not recognise in GA4, whereas the kept value is
//! *percent-safe* — it holds only letters, digits and `-`, so once [`crate::domain::utm::compose`]
//! percent-encodes it as UTF-8 in the link, GA4 decodes exactly the same string back and
//! no character of it can change the structure of the query.

use std::fmt;

use chrono::NaiveDate;
use thiserror::Error;

/// The longest UTM value accepted (and the length a derived value is cut to), in
/// characters. GA4 keeps up to 100 characters of a campaign name.
pub const UTM_MAX_LEN: usize = 100;

/// The `utm_campaign` value for a campaign called `name`: lowercase, ASCII-folded where
/// possible, non-alphanumerics collapsed into single `-`, no leading or trailing `-`, at
/// most [`UTM_MAX_LEN`] characters. Apostrophes vanish (`Ana's` → `anas`) and combining
/// accents are dropped with them; letters without an ASCII folding (Hangul, Cyrillic, …)
/// are kept, lower-cased. The result is empty when the name has no letter or digit.
pub fn utm_value(name: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    let mut pending_dash = false;
    let mut push = |c: char, out: &mut String, pending_dash: &mut bool| {
        if len >= UTM_MAX_LEN {
            return;
        }
        if *pending_dash && !out.is_empty() {
            if len + 1 >= UTM_MAX_LEN {
                // A dash followed by nothing would be cut off anyway.
                len = UTM_MAX_LEN;
                return;
            }
            out.push('-');
            len += 1;
        }
        *pending_dash = false;
        out.push(c);
        len += 1;
    };
    for c in name.chars() {
        if is_dropped(c) {
            continue;
        }
        if let Some(ascii) = fold(c) {
            for a in ascii.chars() {
                push(a, &mut out, &mut pending_dash);
            }
        } else if c.is_alphanumeric() {
            for lower in c.to_lowercase().filter(|l| l.is_alphanumeric()) {
                push(lower, &mut out, &mut pending_dash);
            }
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Characters that disappear without leaving a separator: apostrophes (so `Ana's Launch`
/// reads `anas-launch`, not `ana-s-launch`) and combining marks of decomposed input.
fn is_dropped(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}' | '\u{0300}'..='\u{036F}')
}

/// The lowercase ASCII spelling of a Latin letter with diacritics (Latin-1 Supplement and
/// Latin Extended-A), of ASCII letters and digits themselves, and of full-width ASCII
/// letters and digits (as typed with a Korean or Japanese IME).
fn fold(c: char) -> Option<&'static str> {
    const LOWER: [&str; 26] = [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
        "s", "t", "u", "v", "w", "x", "y", "z",
    ];
    const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    let ascii = match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(c as u32 - 0xFEE0)?
        }
        _ => c,
    };
    if ascii.is_ascii_alphabetic() {
        return Some(LOWER[(ascii.to_ascii_lowercase() as u8 - b'a') as usize]);
    }
    if ascii.is_ascii_digit() {
        return Some(DIGITS[(ascii as u8 - b'0') as usize]);
    }
    Some(match c {
        'À'..='Å' | 'à'..='å' | 'Ā'..='ą' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' | 'Ć'..='č' => "c",
        'Ð' | 'ð' | 'Ď'..='đ' => "d",
        'È'..='Ë' | 'è'..='ë' | 'Ē'..='ě' => "e",
        'Ĝ'..='ģ' => "g",
        'Ĥ'..='ħ' => "h",
        'Ì'..='Ï' | 'ì'..='ï' | 'Ĩ'..='ı' => "i",
        'Ĳ' | 'ĳ' => "ij",
        'Ĵ' | 'ĵ' => "j",
        'Ķ'..='ĸ' => "k",
        'Ĺ'..='ł' => "l",
        'Ñ' | 'ñ' | 'Ń'..='ŋ' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'Ō'..='ő' => "o",
        'Œ' | 'œ' => "oe",
        'Ŕ'..='ř' => "r",
        'Ś'..='š' | 'ſ' => "s",
        'ß' => "ss",
        'Ţ'..='ŧ' => "t",
        'Þ' | 'þ' => "th",
        'Ù'..='Ü' | 'ù'..='ü' | 'Ũ'..='ų' => "u",
        'Ŵ' | 'ŵ' => "w",
        'Ý' | 'ý' | 'ÿ' | 'Ŷ'..='Ÿ' => "y",
        'Ź'..='ž' => "z",
        _ => return None,
    })
}

/// A UTM value given explicitly (`utm_campaign`, `utm_source`, `utm_medium` of a
/// campaign): trimmed, non-empty, at most [`UTM_MAX_LEN`] characters, no control
/// characters. Case and spelling are kept: GA4 reports values as they are sent, and an
/// existing campaign value must be reproducible exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtmValue(String);

/// Why a string is not a [`UtmValue`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InvalidUtmValue {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {UTM_MAX_LEN} characters")]
    TooLong,
    #[error("must not contain control characters")]
    Control,
    #[error(
        "the name has no letters or digits to make a utm_campaign value from; give utm_campaign"
    )]
    NothingToDerive,
}

impl UtmValue {
    /// Parses an explicitly given value.
    ///
    /// # Errors
    /// [`InvalidUtmValue::Empty`] for blank input, [`InvalidUtmValue::TooLong`] past
    /// [`UTM_MAX_LEN`] characters, [`InvalidUtmValue::Control`] for control characters.
    pub fn parse(value: &str) -> Result<UtmValue, InvalidUtmValue> {
        let value = value.trim();
        if value.is_empty() {
            Err(InvalidUtmValue::Empty)
        } else if value.chars().count() > UTM_MAX_LEN {
            Err(InvalidUtmValue::TooLong)
        } else if value.chars().any(char::is_control) {
            Err(InvalidUtmValue::Control)
        } else {
            Ok(UtmValue(value.to_owned()))
        }
    }

    /// The default `utm_campaign` of a campaign called `name` ([`utm_value`]).
    ///
    /// # Errors
    /// [`InvalidUtmValue::NothingToDerive`] when the name has no letter or digit.
    pub fn from_name(name: &str) -> Result<UtmValue, InvalidUtmValue> {
        let value = utm_value(name);
        if value.is_empty() {
            Err(InvalidUtmValue::NothingToDerive)
        } else {
            Ok(UtmValue(value))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for UtmValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A campaign date that is not `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not a date; use YYYY-MM-DD")]
pub struct InvalidDate(pub String);

/// Parses a campaign date, `YYYY-MM-DD` (a calendar day, no time zone involved).
///
/// # Errors
/// [`InvalidDate`] for anything else, including impossible days such as `2026-02-30`.
pub fn parse_date(value: &str) -> Result<NaiveDate, InvalidDate> {
    let trimmed = value.trim();
    // `%Y` alone would also take five-digit or signed years.
    let well_formed = trimmed.len() == 10 && trimmed.as_bytes()[4] == b'-';
    NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
        .ok()
        .filter(|_| well_formed)
        .ok_or_else(|| InvalidDate(value.to_owned()))
}

/// A campaign that ends before it starts.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("ends_on ({ends}) is before starts_on ({starts})")]
pub struct EndsBeforeStarts {
    pub starts: NaiveDate,
    pub ends: NaiveDate,
}

/// Checks a campaign's dates: either may be open; when both are set the campaign may last
/// a single day (`ends_on == starts_on`) but may not end before it starts.
///
/// # Errors
/// [`EndsBeforeStarts`] when `ends < starts`.
pub fn check_dates(
    starts: Option<NaiveDate>,
    ends: Option<NaiveDate>,
) -> Result<(), EndsBeforeStarts> {
    match (starts, ends) {
        (Some(starts), Some(ends)) if ends < starts => Err(EndsBeforeStarts { starts, ends }),
        _ => Ok(()),
    }
}

/// An optional UTM override as typed: blank or absent means "use the default" (`None`).
///
/// # Errors
/// As [`UtmValue::parse`] for anything else.
pub fn optional_utm(value: Option<&str>) -> Result<Option<UtmValue>, InvalidUtmValue> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => UtmValue::parse(v).map(Some),
    }
}

/// The `utm_campaign` of a campaign: the value given, or (blank) the one derived from its
/// name ([`UtmValue::from_name`]).
///
/// # Errors
/// As [`UtmValue::parse`] or [`UtmValue::from_name`].
pub fn utm_campaign_or_derived(
    value: Option<&str>,
    name: &str,
) -> Result<UtmValue, InvalidUtmValue> {
    match value.map(str::trim) {
        None | Some("") => UtmValue::from_name(name),
        Some(v) => UtmValue::parse(v),
    }
}

/// An optional campaign date as typed: blank or absent is no date.
///
/// # Errors
/// As [`parse_date`].
pub fn optional_date(value: Option<&str>) -> Result<Option<NaiveDate>, InvalidDate> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => parse_date(v).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::utm::{compose, DestinationUrl, UtmTags};
    use percent_encoding::percent_decode_str;

    #[test]
    fn ascii_names_become_lowercase_dashed() {
        assert_eq!(utm_value("Spring Launch 2026"), "spring-launch-2026");
        assert_eq!(utm_value("  Q3 -- Launch!! "), "q3-launch");
        assert_eq!(
            utm_value("Black Friday / Cyber Monday"),
            "black-friday-cyber-monday"
        );
        assert_eq!(utm_value("already-a-slug"), "already-a-slug");
        assert_eq!(utm_value("snake_case_name"), "snake-case-name");
        assert_eq!(utm_value("A&B"), "a-b");
        assert_eq!(utm_value("100% Pure"), "100-pure");
    }

    #[test]
    fn apostrophes_vanish() {
        assert_eq!(utm_value("Ana's Launch"), "anas-launch");
        assert_eq!(utm_value("Ana’s Launch"), "anas-launch");
    }

    #[test]
    fn latin_letters_are_ascii_folded() {
        assert_eq!(utm_value("Café Überraschung"), "cafe-uberraschung");
        assert_eq!(utm_value("Straße"), "strasse");
        assert_eq!(utm_value("Łódź Ærø"), "lodz-aero");
        assert_eq!(utm_value("Ça va, Señor Œuvre"), "ca-va-senor-oeuvre");
        assert_eq!(utm_value("İstanbul"), "istanbul");
        assert_eq!(utm_value("Þórsmörk"), "thorsmork");
        // Decomposed input: the combining accent is dropped, not turned into '-'.
        assert_eq!(utm_value("Cafe\u{0301} Noir"), "cafe-noir");
    }

    #[test]
    fn full_width_ascii_is_folded() {
        assert_eq!(utm_value("ＳＡＬＥ　２０２６"), "sale-2026");
    }

    #[test]
    fn korean_is_kept() {
        assert_eq!(utm_value("봄 캠페인 2026"), "봄-캠페인-2026");
        assert_eq!(utm_value("[신제품] 출시 이벤트!"), "신제품-출시-이벤트");
        assert_eq!(utm_value("Galaxy 신제품"), "galaxy-신제품");
        // Other scripts without ASCII folding are kept and lower-cased.
        assert_eq!(utm_value("Весна"), "весна");
    }

    #[test]
    fn korean_values_are_percent_safe_in_links() {
        let value = utm_value("봄 캠페인 & 할인 #1");
        assert_eq!(value, "봄-캠페인-할인-1");
        let url = DestinationUrl::parse("https://example.com/p?a=1#top").unwrap();
        let tags = UtmTags {
            campaign: Some(value.clone()),
            ..UtmTags::new("linkedin", "social")
        };
        let link = compose(&url, &tags, false);
        assert!(link.is_ascii(), "{link}");
        assert!(link.ends_with("#top"), "{link}");
        let encoded = link
            .split(['?', '#'])
            .nth(1)
            .unwrap()
            .split('&')
            .find_map(|p| p.strip_prefix("utm_campaign="))
            .unwrap();
        assert_eq!(
            encoded,
            "%EB%B4%84-%EC%BA%A0%ED%8E%98%EC%9D%B8-%ED%95%A0%EC%9D%B8-1"
        );
        assert_eq!(percent_decode_str(encoded).decode_utf8().unwrap(), value);
    }

    #[test]
    fn nothing_to_derive() {
        assert_eq!(utm_value(""), "");
        assert_eq!(utm_value(" !!! --- "), "");
        assert_eq!(
            UtmValue::from_name("???"),
            Err(InvalidUtmValue::NothingToDerive)
        );
        assert_eq!(UtmValue::from_name("Go!").unwrap().as_str(), "go");
    }

    #[test]
    fn derived_values_are_bounded_and_never_end_with_a_dash() {
        let long = "word ".repeat(60);
        let value = utm_value(&long);
        assert!(value.chars().count() <= UTM_MAX_LEN, "{value}");
        assert!(!value.ends_with('-'), "{value}");
        assert!(value.starts_with("word-word"));
        let hangul = "가".repeat(150);
        assert_eq!(utm_value(&hangul).chars().count(), UTM_MAX_LEN);
        // A separator falling exactly on the limit is not written.
        let edge = format!("{} b", "a".repeat(UTM_MAX_LEN - 1));
        assert_eq!(utm_value(&edge), "a".repeat(UTM_MAX_LEN - 1));
    }

    #[test]
    fn derived_values_only_hold_letters_digits_and_single_dashes() {
        for name in [
            "Hello, World!",
            "a--b__c",
            "  x  ",
            "Ünïcödé & more",
            "테스트_캠페인",
            "tab\tand\nnewline",
        ] {
            let value = utm_value(name);
            assert!(!value.starts_with('-') && !value.ends_with('-'), "{value}");
            assert!(!value.contains("--"), "{value}");
            assert!(
                value.chars().all(|c| c == '-' || c.is_alphanumeric()),
                "{value}"
            );
            assert_eq!(value, value.to_lowercase());
            // Derivation is idempotent: a derived value derives to itself.
            assert_eq!(utm_value(&value), value);
        }
    }

    #[test]
    fn explicit_values_are_trimmed_and_kept() {
        assert_eq!(
            UtmValue::parse("  Q3_Launch ").unwrap().as_str(),
            "Q3_Launch"
        );
        assert_eq!(UtmValue::parse("봄 캠페인").unwrap().as_str(), "봄 캠페인");
        assert_eq!(UtmValue::parse("   "), Err(InvalidUtmValue::Empty));
        assert_eq!(
            UtmValue::parse(&"a".repeat(UTM_MAX_LEN + 1)),
            Err(InvalidUtmValue::TooLong)
        );
        assert!(UtmValue::parse(&"가".repeat(UTM_MAX_LEN)).is_ok());
        assert_eq!(UtmValue::parse("a\nb"), Err(InvalidUtmValue::Control));
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2026-03-01").unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        );
        for bad in [
            "2026-02-30",
            "2026-3-1",
            "01.03.2026",
            "2026-03-01T00:00:00Z",
            "",
            "+2026-03-01",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        let d = |s| Some(parse_date(s).unwrap());
        assert!(check_dates(d("2026-03-01"), d("2026-03-31")).is_ok());
        assert!(check_dates(d("2026-03-01"), d("2026-03-01")).is_ok());
        assert!(check_dates(None, d("2026-03-01")).is_ok());
        assert!(check_dates(d("2026-03-01"), None).is_ok());
        let err = check_dates(d("2026-03-02"), d("2026-03-01")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ends_on (2026-03-01) is before starts_on (2026-03-02)"
        );
    }
    #[test]
    fn optional_values_treat_blank_as_absent() {
        assert_eq!(optional_utm(None), Ok(None));
        assert_eq!(optional_utm(Some("  ")), Ok(None));
        assert_eq!(
            optional_utm(Some(" newsletter "))
                .unwrap()
                .unwrap()
                .as_str(),
            "newsletter"
        );
        assert_eq!(optional_utm(Some("a\tb")), Err(InvalidUtmValue::Control));
        assert_eq!(optional_date(Some("")), Ok(None));
        assert!(optional_date(Some("2026-02-30")).is_err());
        assert_eq!(
            utm_campaign_or_derived(Some(" "), "Spring Launch")
                .unwrap()
                .as_str(),
            "spring-launch"
        );
        assert_eq!(
            utm_campaign_or_derived(Some("Q3"), "Spring Launch")
                .unwrap()
                .as_str(),
            "Q3"
        );
        assert_eq!(
            utm_campaign_or_derived(None, "!!!"),
            Err(InvalidUtmValue::NothingToDerive)
        );
    }
}

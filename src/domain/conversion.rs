//! What a reported conversion is made of, parsed (DESIGN.md §4, API.md "Conversions"):
//! its [`Kind`], its [`Currency`] (ISO 4217), a non-negative value in minor units, the
//! click ids it carries ([`ClickRef`], [`touch_sequence`]) and optional free-text ids.
//! Money is shown with [`format_money`].

use std::collections::HashSet;
use std::fmt;

use thiserror::Error;

/// The longest custom kind, in characters.
pub const MAX_KIND_LEN: usize = 64;
/// The longest `external_id` / `customer_id`, in characters.
pub const MAX_ID_LEN: usize = 256;
/// The longest string accepted as a click id. Chorus's own are 16 characters; anything
/// this long cannot be one, so it is refused as malformed rather than stored as unknown.
pub const MAX_CLICK_REF_LEN: usize = 128;
/// How many click ids one conversion keeps (the last click included), and how many
/// `touchpoints` a report may list ([`check_touchpoint_count`]).
pub const MAX_TOUCHPOINTS: usize = 100;

/// A conversion's kind: `lead`, `signup`, `sale`, or a custom name `[a-z0-9_-]{1,64}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Kind(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("kind must be lead, signup, sale or a name of 1 to {MAX_KIND_LEN} characters a-z, 0-9, '_' or '-' (got {0:?})")]
pub struct InvalidKind(pub String);

impl Kind {
    pub const LEAD: &'static str = "lead";
    pub const SIGNUP: &'static str = "signup";
    pub const SALE: &'static str = "sale";

    /// # Errors
    /// [`InvalidKind`] for an empty, too long or otherwise spelled name (kinds are
    /// lowercase: `Sale` is refused rather than guessed).
    pub fn parse(value: &str) -> Result<Kind, InvalidKind> {
        let ok = !value.is_empty()
            && value.len() <= MAX_KIND_LEN
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if ok {
            Ok(Kind(value.to_owned()))
        } else {
            Err(InvalidKind(value.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Sales carry revenue (DESIGN.md §5 "revenue").
    pub fn is_sale(&self) -> bool {
        self.0 == Kind::SALE
    }

    /// Leads and signups are the KPI "leads".
    pub fn is_lead(&self) -> bool {
        self.0 == Kind::LEAD || self.0 == Kind::SIGNUP
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An ISO 4217 currency code from the `iso_currency` crate's list (maintained from the
/// ISO 4217 amendments; superseded codes such as `HRK` stay valid for old sales).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(iso_currency::Currency);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not an ISO 4217 currency code such as EUR or USD")]
pub struct InvalidCurrency(pub String);

impl Currency {
    /// Accepts a code in any letter case (`eur` → `EUR`).
    ///
    /// # Errors
    /// [`InvalidCurrency`] for anything not on the ISO 4217 list.
    pub fn parse(value: &str) -> Result<Currency, InvalidCurrency> {
        let upper = value.to_ascii_uppercase();
        iso_currency::Currency::from_code(&upper)
            .map(Currency)
            .ok_or_else(|| InvalidCurrency(value.to_owned()))
    }

    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point of the minor unit (2 for EUR, 0 for JPY, 3 for
    /// BHD); `None` for units without one (gold, special drawing rights).
    pub fn exponent(self) -> Option<u16> {
        self.0.exponent()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A value in minor units: never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueCents(i64);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("value_cents must be a non-negative integer (got {0})")]
pub struct InvalidValue(pub i64);

impl ValueCents {
    /// # Errors
    /// [`InvalidValue`] for a negative amount (refunds are not conversions).
    pub fn new(cents: i64) -> Result<ValueCents, InvalidValue> {
        if cents < 0 {
            Err(InvalidValue(cents))
        } else {
            Ok(ValueCents(cents))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// An amount for people: `1,234.56 EUR`, `1,200 JPY`; digits grouped by thousands. A
/// code unknown to ISO 4217 is shown with two decimals.
pub fn format_money(cents: i64, currency: &str) -> String {
    let exponent = Currency::parse(currency)
        .ok()
        .map_or(2, |c| c.exponent().unwrap_or(0));
    let negative = cents < 0;
    let magnitude = cents.unsigned_abs();
    let divisor = 10u64.pow(u32::from(exponent));
    let (whole, fraction) = (magnitude / divisor, magnitude % divisor);
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if negative { "-" } else { "" };
    if exponent == 0 {
        format!("{sign}{grouped} {currency}")
    } else {
        format!(
            "{sign}{grouped}.{fraction:0width$} {currency}",
            width = usize::from(exponent)
        )
    }
}

/// A click id as a client reported it. It need not name a stored click (unknown ids are
/// kept, unattributed); it only has to look like an id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClickRef(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("a click id is at most {MAX_CLICK_REF_LEN} printable characters")]
pub struct InvalidClickRef;

impl ClickRef {
    /// Surrounding whitespace is dropped; an empty id means no id (`Ok(None)`), as a
    /// script with an empty cookie would send.
    ///
    /// # Errors
    /// [`InvalidClickRef`] for ids too long or containing control characters.
    pub fn parse(value: &str) -> Result<Option<ClickRef>, InvalidClickRef> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if trimmed.chars().count() > MAX_CLICK_REF_LEN || trimmed.chars().any(char::is_control) {
            return Err(InvalidClickRef);
        }
        Ok(Some(ClickRef(trimmed.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A report listing more `touchpoints` than [`MAX_TOUCHPOINTS`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("at most {MAX_TOUCHPOINTS} touchpoints per conversion (got {0})")]
pub struct TooManyTouchpoints(pub usize);

/// Checks how many `touchpoints` a report lists, duplicates included, before any of them
/// is parsed: the publishable key that sends them is public, so the work a report may
/// cause has to be bounded by its size, not by what it contains. `chorus.js` sends at
/// most 19.
///
/// # Errors
/// [`TooManyTouchpoints`] beyond [`MAX_TOUCHPOINTS`].
pub fn check_touchpoint_count(count: usize) -> Result<(), TooManyTouchpoints> {
    if count > MAX_TOUCHPOINTS {
        Err(TooManyTouchpoints(count))
    } else {
        Ok(())
    }
}

/// The click ids of a conversion in the order they are stored, oldest first, with the
/// *last click* at the end: `click_id` when given (moved to the end if the touchpoints
/// also list it), otherwise the newest touchpoint. A click listed twice keeps its first
/// place. Beyond [`MAX_TOUCHPOINTS`] (the touchpoints and a distinct `click_id`), the
/// oldest click and the newest ones are kept, so first-click and last-click credit
/// survive. Linear in the number of touchpoints.
pub fn touch_sequence(click_id: Option<ClickRef>, touchpoints: Vec<ClickRef>) -> Vec<ClickRef> {
    let keep: Vec<bool> = {
        let mut seen: HashSet<&str> = HashSet::with_capacity(touchpoints.len());
        touchpoints
            .iter()
            .map(|touch| click_id.as_ref() != Some(touch) && seen.insert(touch.as_str()))
            .collect()
    };
    let mut sequence: Vec<ClickRef> = Vec::with_capacity(touchpoints.len() + 1);
    sequence.extend(
        touchpoints
            .into_iter()
            .zip(keep)
            .filter_map(|(touch, keep)| keep.then_some(touch)),
    );
    sequence.extend(click_id);
    if sequence.len() > MAX_TOUCHPOINTS {
        let drop = sequence.len() - MAX_TOUCHPOINTS;
        sequence.drain(1..=drop);
    }
    sequence
}

/// An optional free-text id (`external_id`, `customer_id`): empty means absent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("at most {MAX_ID_LEN} characters")]
pub struct IdTooLong;

/// # Errors
/// [`IdTooLong`] beyond [`MAX_ID_LEN`] characters.
pub fn optional_id(value: Option<String>) -> Result<Option<String>, IdTooLong> {
    match value {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) if v.chars().count() > MAX_ID_LEN => Err(IdTooLong),
        Some(v) => Ok(Some(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(id: &str) -> ClickRef {
        ClickRef::parse(id).unwrap().unwrap()
    }

    #[test]
    fn kinds() {
        for ok in ["lead", "signup", "sale", "demo_request", "trial-14d", "x"] {
            assert_eq!(Kind::parse(ok).unwrap().as_str(), ok);
        }
        let long = "a".repeat(65);
        for bad in ["", "Sale", "demo request", "café", &long, "a.b"] {
            assert!(Kind::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Kind::parse(&"a".repeat(64)).is_ok());
        assert!(Kind::parse("sale").unwrap().is_sale());
        assert!(Kind::parse("signup").unwrap().is_lead());
        assert!(!Kind::parse("demo").unwrap().is_lead());
    }

    #[test]
    fn currencies_come_from_the_iso_list() {
        assert_eq!(Currency::parse("EUR").unwrap().code(), "EUR");
        assert_eq!(Currency::parse("krw").unwrap().code(), "KRW");
        assert_eq!(Currency::parse("JPY").unwrap().exponent(), Some(0));
        assert_eq!(Currency::parse("BHD").unwrap().exponent(), Some(3));
        for bad in ["", "EU", "EURO", "ABC", "XYZ", "€"] {
            assert!(Currency::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn values_are_never_negative() {
        assert_eq!(ValueCents::new(0).unwrap().get(), 0);
        assert_eq!(ValueCents::new(12_500).unwrap().get(), 12_500);
        assert_eq!(ValueCents::new(-1), Err(InvalidValue(-1)));
    }

    #[test]
    fn money_is_formatted_per_minor_unit() {
        assert_eq!(format_money(123_456, "EUR"), "1,234.56 EUR");
        assert_eq!(format_money(5, "USD"), "0.05 USD");
        assert_eq!(format_money(0, "USD"), "0.00 USD");
        assert_eq!(format_money(1_200, "JPY"), "1,200 JPY");
        assert_eq!(format_money(1_234_567, "BHD"), "1,234.567 BHD");
        assert_eq!(format_money(100_000_000, "KRW"), "100,000,000 KRW");
        assert_eq!(format_money(-250, "EUR"), "-2.50 EUR");
        assert_eq!(format_money(250, "XYZ"), "2.50 XYZ");
    }

    #[test]
    fn click_refs() {
        assert_eq!(ClickRef::parse("").unwrap(), None);
        assert_eq!(ClickRef::parse("  ").unwrap(), None);
        assert_eq!(r(" abc ").as_str(), "abc");
        assert!(ClickRef::parse(&"a".repeat(129)).is_err());
        assert!(ClickRef::parse("a\nb").is_err());
        assert!(ClickRef::parse(&"a".repeat(128)).is_ok());
    }

    #[test]
    fn the_last_click_ends_the_sequence() {
        let seq = |c: Option<&str>, t: &[&str]| -> Vec<String> {
            touch_sequence(c.map(r), t.iter().map(|s| r(s)).collect())
                .into_iter()
                .map(|c| c.0)
                .collect()
        };
        assert!(seq(None, &[]).is_empty());
        assert_eq!(seq(Some("c"), &[]), ["c"]);
        assert_eq!(seq(Some("c"), &["a", "b"]), ["a", "b", "c"]);
        assert_eq!(seq(None, &["a", "b"]), ["a", "b"], "newest touchpoint last");
        assert_eq!(seq(Some("b"), &["a", "b"]), ["a", "b"], "not listed twice");
        assert_eq!(seq(Some("a"), &["a", "b"]), ["b", "a"], "click_id is last");
        assert_eq!(seq(Some("c"), &["a", "b", "a"]), ["a", "b", "c"]);
    }

    #[test]
    fn long_sequences_keep_the_first_and_the_newest() {
        let touches: Vec<ClickRef> = (0..150).map(|i| r(&format!("t{i}"))).collect();
        let seq = touch_sequence(Some(r("last")), touches);
        assert_eq!(seq.len(), MAX_TOUCHPOINTS);
        assert_eq!(seq[0].as_str(), "t0");
        assert_eq!(seq[1].as_str(), "t52");
        assert_eq!(seq[98].as_str(), "t149");
        assert_eq!(seq[99].as_str(), "last");
    }

    #[test]
    fn touchpoint_lists_are_counted_duplicates_included() {
        assert_eq!(check_touchpoint_count(0), Ok(()));
        assert_eq!(check_touchpoint_count(MAX_TOUCHPOINTS), Ok(()));
        assert_eq!(
            check_touchpoint_count(MAX_TOUCHPOINTS + 1),
            Err(TooManyTouchpoints(MAX_TOUCHPOINTS + 1))
        );
        assert_eq!(
            TooManyTouchpoints(101).to_string(),
            "at most 100 touchpoints per conversion (got 101)"
        );
    }

    #[test]
    fn many_repeated_touchpoints_are_deduplicated_in_linear_time() {
        // 100 000 ids (50 000 distinct): a scan per id took seconds here, a set takes
        // milliseconds; the limit is checked before, so this shows only the set's result.
        let touches: Vec<ClickRef> = (0..100_000)
            .map(|i| r(&format!("t{}", i % 50_000)))
            .collect();
        let seq = touch_sequence(Some(r("t7")), touches);
        assert_eq!(seq.len(), MAX_TOUCHPOINTS);
        assert_eq!(seq[0].as_str(), "t0");
        assert_eq!(seq[98].as_str(), "t49999");
        assert_eq!(seq[99].as_str(), "t7");
    }

    #[test]
    fn optional_ids() {
        assert_eq!(optional_id(None), Ok(None));
        assert_eq!(optional_id(Some(String::new())), Ok(None));
        assert_eq!(optional_id(Some("ord-1".into())), Ok(Some("ord-1".into())));
        assert_eq!(optional_id(Some("x".repeat(257))), Err(IdTooLong));
    }
}

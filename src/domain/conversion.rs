//! What a reported conversion is made of, parsed (DESIGN.md §4, API.md "Conversions"):
//! its [`Kind`], its [`Currency`] (ISO 4217), a non-negative value in minor units, the
//! click ids it carries ([`ClickRef`], [`touch_sequence`]) and optional free-text ids.
//! Money is shown with [`format_money`] and read from text with [`parse_amount`].
//!
//! [`validate`] is the one check of a reported conversion: `POST /conversions` and the CSV
//! import of conversions both call it, so a row is refused exactly when the same fields
//! sent to the API would be.

use std::collections::HashSet;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use thiserror::Error;

use super::record::{Errors, Invalid};
use super::share::parse_time;

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
    /// The US dollar, the configuration's default currency.
    pub const USD: Currency = Currency(iso_currency::Currency::USD);

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

/// The largest value one conversion may carry: 10¹² minor units (ten billion in a
/// two-decimal currency), the same ceiling as counts. Far above any real sale, and far
/// enough below `i64::MAX` (9.2 × 10¹⁸) that millions of them cannot overflow a sum.
pub const MAX_VALUE_CENTS: i64 = 1_000_000_000_000;

/// A value in minor units: never negative, at most [`MAX_VALUE_CENTS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueCents(i64);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InvalidValue {
    #[error("must not be negative (got {0})")]
    Negative(i64),
    #[error("must be at most {MAX_VALUE_CENTS} minor units (got {0})")]
    TooLarge(i64),
}

impl ValueCents {
    /// # Errors
    /// [`InvalidValue`] for a negative amount (refunds are not conversions) or one above
    /// [`MAX_VALUE_CENTS`].
    pub fn new(cents: i64) -> Result<ValueCents, InvalidValue> {
        if cents < 0 {
            Err(InvalidValue::Negative(cents))
        } else if cents > MAX_VALUE_CENTS {
            Err(InvalidValue::TooLarge(cents))
        } else {
            Ok(ValueCents(cents))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// Why an amount written as text was refused ([`parse_amount`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InvalidAmount {
    #[error("must not be negative (got {0})")]
    Negative(String),
    #[error("{0:?} is not an amount; write digits with a point before the decimals, such as 1250.00 or 1,250.00")]
    NotAnAmount(String),
    #[error("{text:?} has more decimals than {currency} has ({digits})")]
    TooPrecise {
        text: String,
        currency: &'static str,
        digits: u16,
    },
    #[error("{0:?} is too large (at most {MAX_VALUE_CENTS} minor units)")]
    TooLarge(String),
}

/// Reads an amount in `currency`'s main unit, as CRM exports and spreadsheets write it,
/// into minor units: `1250`, `1250.5`, `1,250.00` (commas only between groups of three
/// digits) are 125 000 cents in EUR; `1,200` is 1 200 in JPY. Decimals beyond the
/// currency's own are refused unless they are zeros (`1200.00` JPY is 1 200). A comma
/// before the decimals (`12,50`) is refused rather than guessed.
///
/// # Errors
/// [`InvalidAmount`]: blank or other text, a negative amount, too many decimals, more
/// than [`MAX_VALUE_CENTS`] minor units.
pub fn parse_amount(text: &str, currency: Currency) -> Result<ValueCents, InvalidAmount> {
    let trimmed = text.trim();
    let not_an_amount = || InvalidAmount::NotAnAmount(trimmed.to_owned());
    if trimmed.starts_with('-') {
        return Err(InvalidAmount::Negative(trimmed.to_owned()));
    }
    let unsigned = trimmed.strip_prefix('+').unwrap_or(trimmed);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, f),
        None => (unsigned, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let groups: Vec<&str> = whole.split(',').collect();
    // Commas only between thousands: `1,250` and `12,500,000`, never `12,50`.
    let grouped_well = match groups.as_slice() {
        [_] => true,
        [first, rest @ ..] => (1..=3).contains(&first.len()) && rest.iter().all(|g| g.len() == 3),
        [] => false,
    };
    if (whole.is_empty() && fraction.is_empty())
        || !grouped_well
        || !groups.iter().all(|g| digits(g))
        || !digits(fraction)
    {
        return Err(not_an_amount());
    }
    let exponent = usize::from(currency.exponent().unwrap_or(0));
    let (kept, dropped) = fraction.split_at(fraction.len().min(exponent));
    if dropped.bytes().any(|b| b != b'0') {
        return Err(InvalidAmount::TooPrecise {
            text: trimmed.to_owned(),
            currency: currency.code(),
            digits: currency.exponent().unwrap_or(0),
        });
    }
    let mut minor: String = groups.concat();
    minor.push_str(kept);
    minor.extend(std::iter::repeat_n('0', exponent - kept.len()));
    let cents: i64 = if minor.bytes().all(|b| b == b'0') {
        0
    } else {
        minor
            .trim_start_matches('0')
            .parse()
            .map_err(|_| InvalidAmount::TooLarge(trimmed.to_owned()))?
    };
    ValueCents::new(cents).map_err(|_| InvalidAmount::TooLarge(trimmed.to_owned()))
}

/// Revenue as reports count it: the values of the sales among `conversions` (`(kind,
/// value_cents, currency)`), summed per currency, a sale stored without a currency under
/// `default_currency`. Other kinds and sales without a value add nothing; sums saturate
/// (values stored before the cap may be near `i64::MAX`).
pub fn sales_by_currency<'a>(
    conversions: impl IntoIterator<Item = (&'a str, Option<i64>, Option<&'a str>)>,
    default_currency: &str,
) -> std::collections::BTreeMap<String, i64> {
    let mut sums = std::collections::BTreeMap::new();
    for (kind, value, currency) in conversions {
        if let (Kind::SALE, Some(value)) = (kind, value) {
            let sum: &mut i64 = sums
                .entry(currency.unwrap_or(default_currency).to_owned())
                .or_default();
            *sum = sum.saturating_add(value);
        }
    }
    sums
}

/// An amount for people: `1,234.56 EUR`, `1,200 JPY`; digits grouped by thousands. A
/// code unknown to ISO 4217 is shown with two decimals.
pub fn format_money(cents: i64, currency: &str) -> String {
    format!("{} {currency}", format_amount(cents, currency))
}

/// [`format_money`] without the currency code (`1,234.56`), for a column that names its
/// currency once in the heading.
pub fn format_amount(cents: i64, currency: &str) -> String {
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
        format!("{sign}{grouped}")
    } else {
        format!(
            "{sign}{grouped}.{fraction:0width$}",
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

/// A conversion's value as it arrived: minor units from the API's `value_cents`, or an
/// amount in the currency's main unit from an import's `value` ([`parse_amount`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amount<'a> {
    Cents(i64),
    Text(&'a str),
}

/// A conversion as reported, before any check: the API's body or an import's row. Text
/// fields are as sent: a blank `currency` or `occurred_at` is refused (an import passes
/// `None` for a blank optional cell), `None` takes the default.
#[derive(Debug, Clone, Default)]
pub struct ConversionInput<'a> {
    pub kind: &'a str,
    pub value: Option<Amount<'a>>,
    /// `None`: the configured default currency.
    pub currency: Option<&'a str>,
    pub click_id: Option<&'a str>,
    /// Earlier click ids, oldest first.
    pub touchpoints: &'a [String],
    pub external_id: Option<String>,
    pub customer_id: Option<String>,
    /// `None`: now.
    pub occurred_at: Option<&'a str>,
}

/// A conversion that passed [`validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidConversion {
    pub kind: Kind,
    pub value_cents: Option<ValueCents>,
    pub currency: Currency,
    pub external_id: Option<String>,
    pub customer_id: Option<String>,
    /// UTC.
    pub occurred_at: NaiveDateTime,
    /// The instant its clicks are judged against ([`judged_at`]): `occurred_at`, or the
    /// end of the day for a conversion known only by its date.
    pub judged_at: NaiveDateTime,
    /// Every click id, oldest first, the last click last ([`touch_sequence`]).
    pub touches: Vec<ClickRef>,
}

/// When a conversion's clicks are judged: at `occurred_at`, except for a time given as a
/// bare date (`2026-03-14`, a CRM's close date), which is stored as the local midnight
/// starting that day but happened *some time* that day, so a click of the same day
/// precedes it: such a conversion is judged at the next local midnight.
pub fn judged_at(text: &str, occurred_at: NaiveDateTime, tz: chrono_tz::Tz) -> NaiveDateTime {
    let trimmed = text.trim();
    let next_day = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
        .ok()
        .filter(|_| trimmed.len() == 10)
        .and_then(|day| day.succ_opt());
    match next_day.and_then(|d| parse_time(&d.format("%Y-%m-%d").to_string(), tz).ok()) {
        // Never before the conversion itself (whatever a time zone's rules do).
        Some(end) if end > occurred_at => end,
        _ => occurred_at,
    }
}

/// Checks a reported conversion: the rules of `POST /conversions` (API.md), for the API
/// and the CSV import alike. Fields are checked in the API's order, so the first error
/// (whose code the API answers with) is the same whatever else is wrong:
///
/// | field | code | rule |
/// |---|---|---|
/// | `kind` | `invalid_kind` | [`Kind::parse`] |
/// | `value_cents` / `value` | `invalid_value` | not negative; text through [`parse_amount`] |
/// | `currency` | `invalid_currency` | ISO 4217; absent: `default_currency` |
/// | `click_id` | `invalid_click_id` | [`ClickRef::parse`]; blank means none |
/// | `touchpoints` | `too_many_touchpoints`, `invalid_click_id` | at most [`MAX_TOUCHPOINTS`], counted before any is read |
/// | `external_id`, `customer_id` | `invalid_external_id`, `invalid_customer_id` | [`optional_id`] |
/// | `occurred_at` | `invalid_occurred_at` | RFC 3339 or a bare date in `tz`; absent: `now` |
///
/// # Errors
/// [`Invalid`] listing every broken field.
pub fn validate(
    input: &ConversionInput<'_>,
    default_currency: Currency,
    now: NaiveDateTime,
    tz: chrono_tz::Tz,
) -> Result<ValidConversion, Invalid> {
    let mut errors = Errors::default();
    let kind = errors.check(
        "kind",
        "invalid_kind",
        Kind::parse(input.kind).map_err(|e| {
            format!(
                "must be lead, signup, sale or a name of 1 to {MAX_KIND_LEN} characters \
                 a-z, 0-9, '_' or '-' (got {:?})",
                e.0
            )
        }),
    );
    // The value is read in its currency's units; its error still comes first.
    let parsed_currency = input.currency.map(Currency::parse);
    let known_currency = match &parsed_currency {
        None => Some(default_currency),
        Some(parsed) => parsed.as_ref().ok().copied(),
    };
    let value_cents = match (input.value, known_currency) {
        (None, _) => Some(None),
        (Some(Amount::Cents(cents)), _) => errors
            .check(
                "value_cents",
                "invalid_value",
                ValueCents::new(cents).map_err(|e| e.to_string()),
            )
            .map(Some),
        (Some(Amount::Text(text)), Some(currency)) => errors
            .check("value", "invalid_value", parse_amount(text, currency))
            .map(Some),
        // Unreadable without a currency; the currency's error says why.
        (Some(Amount::Text(_)), None) => None,
    };
    let currency = match parsed_currency {
        None => Some(default_currency),
        Some(parsed) => errors.check("currency", "invalid_currency", parsed),
    };
    let click_id = match input.click_id {
        None => Some(None),
        Some(id) => errors.check("click_id", "invalid_click_id", ClickRef::parse(id)),
    };
    let touchpoints = match check_touchpoint_count(input.touchpoints.len()) {
        Err(e) => {
            errors.add("touchpoints", "too_many_touchpoints", e.to_string());
            None
        }
        Ok(()) => {
            let mut refs = Vec::with_capacity(input.touchpoints.len());
            let mut ok = true;
            for t in input.touchpoints {
                match ClickRef::parse(t) {
                    Ok(r) => refs.extend(r),
                    Err(e) => {
                        errors.add("touchpoints", "invalid_click_id", e.to_string());
                        ok = false;
                        break;
                    }
                }
            }
            ok.then_some(refs)
        }
    };
    let external_id = errors.check(
        "external_id",
        "invalid_external_id",
        optional_id(input.external_id.clone()),
    );
    let customer_id = errors.check(
        "customer_id",
        "invalid_customer_id",
        optional_id(input.customer_id.clone()),
    );
    let occurred_at = match input.occurred_at {
        None => Some((now, now)),
        Some(text) if text.trim().is_empty() => {
            errors.add(
                "occurred_at",
                "invalid_occurred_at",
                "is blank; give the time of the conversion (RFC 3339, or a date such as 2026-03-01)",
            );
            None
        }
        Some(text) => errors
            .check("occurred_at", "invalid_occurred_at", parse_time(text, tz))
            .map(|at| (at, judged_at(text, at, tz))),
    };
    errors.finish(|| {
        let (occurred_at, judged_at) = occurred_at?;
        Some(ValidConversion {
            kind: kind?,
            value_cents: value_cents?,
            currency: currency?,
            external_id: external_id?,
            customer_id: customer_id?,
            occurred_at,
            judged_at,
            touches: touch_sequence(click_id?, touchpoints?),
        })
    })
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
        assert_eq!(ValueCents::new(-1), Err(InvalidValue::Negative(-1)));
        assert_eq!(
            ValueCents::new(MAX_VALUE_CENTS).unwrap().get(),
            MAX_VALUE_CENTS
        );
        assert_eq!(
            ValueCents::new(MAX_VALUE_CENTS + 1),
            Err(InvalidValue::TooLarge(MAX_VALUE_CENTS + 1))
        );
        assert_eq!(
            ValueCents::new(i64::MAX),
            Err(InvalidValue::TooLarge(i64::MAX))
        );
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

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    #[test]
    fn amounts_are_read_in_the_currencys_units() {
        let cents = |text: &str, code: &str| {
            parse_amount(text, Currency::parse(code).unwrap()).map(ValueCents::get)
        };
        assert_eq!(cents("1250", "EUR"), Ok(125_000));
        assert_eq!(cents(" 1250.5 ", "EUR"), Ok(125_050));
        assert_eq!(cents("1,250.00", "EUR"), Ok(125_000));
        assert_eq!(cents("12,500,000", "USD"), Ok(1_250_000_000));
        assert_eq!(cents("0.05", "USD"), Ok(5));
        assert_eq!(cents("0", "USD"), Ok(0));
        assert_eq!(cents("+7", "USD"), Ok(700));
        assert_eq!(cents("1,200", "JPY"), Ok(1_200));
        assert_eq!(cents("1200.00", "JPY"), Ok(1_200), "zeros beyond the unit");
        assert_eq!(cents("1.234", "BHD"), Ok(1_234));
        assert!(matches!(
            cents("12.345", "EUR"),
            Err(InvalidAmount::TooPrecise { digits: 2, .. })
        ));
        assert!(matches!(
            cents("12.5", "JPY"),
            Err(InvalidAmount::TooPrecise { .. })
        ));
        assert!(matches!(
            cents("-5", "EUR"),
            Err(InvalidAmount::Negative(_))
        ));
        for bad in [
            "", ".", "12,50", "1.234,56", "€12", "12 EUR", "1,2345", ",123", "1e3", "1..2",
        ] {
            assert!(
                matches!(cents(bad, "EUR"), Err(InvalidAmount::NotAnAmount(_))),
                "{bad:?}: {:?}",
                cents(bad, "EUR")
            );
        }
        assert!(matches!(
            cents("99999999999999999999", "EUR"),
            Err(InvalidAmount::TooLarge(_))
        ));
        // The cap applies to text amounts too (CSV imports): 10¹² minor units at most.
        assert_eq!(cents("10,000,000,000.00", "USD"), Ok(MAX_VALUE_CENTS));
        assert_eq!(cents("1,000,000,000,000", "JPY"), Ok(MAX_VALUE_CENTS));
        for over in ["10,000,000,000.01", "92233720368547758.07"] {
            assert!(
                matches!(cents(over, "USD"), Err(InvalidAmount::TooLarge(_))),
                "{over}"
            );
        }
        assert!(matches!(
            cents("1,000,000,000,001", "JPY"),
            Err(InvalidAmount::TooLarge(_))
        ));
        assert_eq!(
            cents("12,50", "EUR").unwrap_err().to_string(),
            "\"12,50\" is not an amount; write digits with a point before the decimals, such as 1250.00 or 1,250.00"
        );
    }

    fn at(s: &str) -> NaiveDateTime {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().naive_utc()
    }

    const NOW: &str = "2026-03-10T12:00:00Z";

    fn check(input: &ConversionInput<'_>) -> Result<ValidConversion, Invalid> {
        validate(input, eur(), at(NOW), chrono_tz::Asia::Seoul)
    }

    fn codes(input: &ConversionInput<'_>) -> Vec<(&'static str, &'static str)> {
        check(input)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_valid_conversion_has_defaults_for_what_is_absent() {
        let v = check(&ConversionInput {
            kind: "lead",
            ..ConversionInput::default()
        })
        .unwrap();
        assert_eq!(v.currency, eur(), "the configured default");
        assert_eq!(v.occurred_at, at(NOW), "now");
        assert_eq!(v.judged_at, v.occurred_at);
        assert!(v.touches.is_empty() && v.value_cents.is_none());

        let touchpoints = vec!["t1".to_owned(), " ".to_owned()];
        let v = check(&ConversionInput {
            kind: "sale",
            value: Some(Amount::Text("1,250.50")),
            currency: Some("usd"),
            click_id: Some(" c9 "),
            touchpoints: &touchpoints,
            external_id: Some("o-1".into()),
            customer_id: Some(" ".into()),
            occurred_at: Some("2026-03-01T09:30:00+09:00"),
        })
        .unwrap();
        assert_eq!(v.value_cents.map(ValueCents::get), Some(125_050));
        assert_eq!(v.currency.code(), "USD");
        assert_eq!(
            v.touches.iter().map(ClickRef::as_str).collect::<Vec<_>>(),
            ["t1", "c9"]
        );
        assert_eq!(v.customer_id, None, "blank is none");
        assert_eq!(v.occurred_at, at("2026-03-01T00:30:00Z"));
        assert_eq!(v.judged_at, v.occurred_at, "a time is judged as it is");
    }

    #[test]
    fn a_bare_date_is_judged_at_the_end_of_its_day() {
        let v = check(&ConversionInput {
            kind: "sale",
            occurred_at: Some("2026-03-01"),
            ..ConversionInput::default()
        })
        .unwrap();
        assert_eq!(v.occurred_at, at("2026-02-28T15:00:00Z"), "local midnight");
        assert_eq!(v.judged_at, at("2026-03-01T15:00:00Z"), "the next one");
        assert_eq!(
            judged_at(
                "2026-03-01T10:00:00Z",
                at("2026-03-01T10:00:00Z"),
                chrono_tz::UTC
            ),
            at("2026-03-01T10:00:00Z")
        );
    }

    #[test]
    fn every_broken_field_is_listed_in_the_apis_order() {
        let many: Vec<String> = (0..=MAX_TOUCHPOINTS).map(|i| format!("t{i}")).collect();
        let long = "x".repeat(MAX_ID_LEN + 1);
        assert_eq!(
            codes(&ConversionInput {
                kind: "Sale",
                value: Some(Amount::Cents(-1)),
                currency: Some("EURO"),
                click_id: Some(&"c".repeat(MAX_CLICK_REF_LEN + 1)),
                touchpoints: &many,
                external_id: Some(long.clone()),
                customer_id: Some(long),
                occurred_at: Some("yesterday"),
            }),
            [
                ("kind", "invalid_kind"),
                ("value_cents", "invalid_value"),
                ("currency", "invalid_currency"),
                ("click_id", "invalid_click_id"),
                ("touchpoints", "too_many_touchpoints"),
                ("external_id", "invalid_external_id"),
                ("customer_id", "invalid_customer_id"),
                ("occurred_at", "invalid_occurred_at"),
            ]
        );
        assert_eq!(
            codes(&ConversionInput {
                kind: "lead",
                value: Some(Amount::Text("12,50")),
                currency: Some(""),
                occurred_at: Some(" "),
                ..ConversionInput::default()
            }),
            [
                ("currency", "invalid_currency"),
                ("occurred_at", "invalid_occurred_at")
            ],
            "a text amount waits for a valid currency; blank text is not absent"
        );
        assert_eq!(
            codes(&ConversionInput {
                kind: "sale",
                value: Some(Amount::Text("12.345")),
                ..ConversionInput::default()
            }),
            [("value", "invalid_value")]
        );
        let message = check(&ConversionInput {
            kind: "Sale",
            ..ConversionInput::default()
        })
        .unwrap_err()
        .to_string();
        assert!(
            message.starts_with("kind: must be lead, signup, sale or a name")
                && message.ends_with("(got \"Sale\")"),
            "{message}"
        );
    }

    #[test]
    fn optional_ids() {
        assert_eq!(optional_id(None), Ok(None));
        assert_eq!(optional_id(Some(String::new())), Ok(None));
        assert_eq!(optional_id(Some("ord-1".into())), Ok(Some("ord-1".into())));
        assert_eq!(optional_id(Some("x".repeat(257))), Err(IdTooLong));
    }

    #[test]
    fn sales_are_summed_per_currency_and_other_kinds_ignored() {
        let rows = [
            ("sale", Some(4_900), Some("USD")),
            ("sale", Some(100), None),
            ("lead", Some(5_000), Some("USD")),
            ("sale", None, Some("EUR")),
            ("sale", Some(i64::MAX), Some("EUR")),
            ("sale", Some(1), Some("EUR")),
        ];
        let sums = sales_by_currency(rows, "USD");
        assert_eq!(sums.len(), 2);
        assert_eq!(sums["USD"], 5_000);
        assert_eq!(sums["EUR"], i64::MAX, "saturates");
    }
}

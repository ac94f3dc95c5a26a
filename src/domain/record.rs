//! What every record sent by integrators, imports or forms shares: errors that name
//! their field ([`FieldError`], [`Invalid`]), non-negative counts ([`Count`]), where a
//! record came from ([`Source`]) and observation times that may not lie in the future
//! ([`observed_at`]).
//!
//! Validation reports *every* broken field at once, so a form can show each error beside
//! its field and an import can list a row's problems in one line; the API answers with
//! the first.

use std::fmt;

use chrono::{NaiveDateTime, TimeDelta};

use super::share::parse_time;

/// The largest count accepted (a trillion). No post has more likes or impressions, and
/// the bound keeps sums of several counts far from `i64` overflow.
pub const MAX_COUNT: i64 = 1_000_000_000_000;

/// How far in the future an observation time may be: clocks of reporting systems drift,
/// but a time minutes ahead is a mistake (a wrong zone, a typo) that would mask every
/// later real snapshot as "older".
pub const MAX_FUTURE_SKEW: TimeDelta = TimeDelta::minutes(5);

/// One broken field: its name as the client sent it, a stable snake_case code and a
/// phrase that reads after the field name ("followers: must not be negative").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// A refused record: at least one [`FieldError`], in field order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(field: &'static str, code: &'static str, message: impl Into<String>) -> Invalid {
        Invalid(vec![FieldError {
            field,
            code,
            message: message.into(),
        }])
    }

    /// The first broken field (there always is one).
    pub fn first(&self) -> Option<&FieldError> {
        self.0.first()
    }

    /// The error of `field`, if it is broken.
    pub fn of(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }
}

/// Collects field errors while a record is validated.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    /// Keeps the value, or records the error under `field` and `code`.
    pub fn check<T, E: fmt::Display>(
        &mut self,
        field: &'static str,
        code: &'static str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.add(field, code, e.to_string());
                None
            }
        }
    }

    pub fn add(&mut self, field: &'static str, code: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field,
            code,
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was recorded, the errors otherwise.
    pub fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, Invalid> {
        if self.0.is_empty() {
            // Every field parsed, so `value` has all it needs; `None` would be a bug in
            // the caller, reported rather than panicking on input.
            value().ok_or_else(|| Invalid::one("record", "invalid", "could not be read"))
        } else {
            Err(Invalid(self.0))
        }
    }
}

/// A number as it arrived: typed in JSON, text in a form or a CSV cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawNumber<'a> {
    Number(i64),
    Text(&'a str),
}

impl RawNumber<'_> {
    /// Blank text, which optional fields read as "not given".
    pub fn is_blank(&self) -> bool {
        matches!(self, RawNumber::Text(t) if t.trim().is_empty())
    }
}

/// A count (followers, likes, impressions, …): a whole number from 0 to [`MAX_COUNT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Count(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountError {
    #[error("is required")]
    Missing,
    #[error("must be a whole number (got {0:?})")]
    NotANumber(String),
    #[error("must not be negative (got {0})")]
    Negative(i64),
    #[error("must be at most {MAX_COUNT}")]
    TooLarge,
}

impl Count {
    /// # Errors
    /// [`CountError::Negative`] below 0, [`CountError::TooLarge`] above [`MAX_COUNT`].
    pub fn new(value: i64) -> Result<Count, CountError> {
        if value < 0 {
            Err(CountError::Negative(value))
        } else if value > MAX_COUNT {
            Err(CountError::TooLarge)
        } else {
            Ok(Count(value))
        }
    }

    /// Reads text as people type it: surrounding spaces and thousands separators (`,`,
    /// `_`, spaces) are dropped, so `1,234` is 1234. A decimal point is refused rather
    /// than guessed: `1.234` is a thousand in German and one in English.
    ///
    /// # Errors
    /// [`CountError::Missing`] for blank text, [`CountError::NotANumber`] for anything
    /// but digits (with an optional leading `-`), and the errors of [`Count::new`].
    pub fn parse(text: &str) -> Result<Count, CountError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(CountError::Missing);
        }
        let digits: String = trimmed
            .chars()
            .filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}' | '\u{202f}'))
            .collect();
        let (negative, magnitude) = match digits.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, digits.as_str()),
        };
        if magnitude.is_empty() || !magnitude.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CountError::NotANumber(trimmed.to_owned()));
        }
        match magnitude.parse::<i64>() {
            Ok(n) if negative => Count::new(-n),
            Ok(n) => Count::new(n),
            // Only digits, yet no i64: far too large, or too negative.
            Err(_) if negative => Err(CountError::Negative(i64::MIN)),
            Err(_) => Err(CountError::TooLarge),
        }
    }

    /// [`Count::new`] or [`Count::parse`], whichever the input needs.
    ///
    /// # Errors
    /// As those two.
    pub fn from_raw(raw: RawNumber<'_>) -> Result<Count, CountError> {
        match raw {
            RawNumber::Number(n) => Count::new(n),
            RawNumber::Text(t) => Count::parse(t),
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A required count field.
pub fn count(errors: &mut Errors, field: &'static str, raw: RawNumber<'_>) -> Option<Count> {
    errors.check(field, "invalid_count", Count::from_raw(raw))
}

/// An optional count field: absent or blank is `Some(None)`.
pub fn optional_count(
    errors: &mut Errors,
    field: &'static str,
    raw: Option<RawNumber<'_>>,
) -> Option<Option<Count>> {
    match raw {
        None => Some(None),
        Some(r) if r.is_blank() => Some(None),
        Some(r) => count(errors, field, r).map(Some),
    }
}

/// Where a snapshot came from: an integrator through the API, a CSV import, or the
/// employee typing it in (which reports can leave out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Api,
    Import,
    SelfReported,
}

impl Source {
    pub const ALL: [Source; 3] = [Source::Api, Source::Import, Source::SelfReported];

    /// The stored and shown name: `api`, `import`, `self_reported`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Api => "api",
            Source::Import => "import",
            Source::SelfReported => "self_reported",
        }
    }

    pub fn parse(value: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an observation time was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("is required")]
    Missing,
    #[error("{0:?} is not a time; use RFC 3339 (2026-03-01T12:00:00Z) or a date (2026-03-01)")]
    NotATime(String),
    #[error("lies in the future; send times that have happened (clocks may differ by {} minutes at most)", MAX_FUTURE_SKEW.num_minutes())]
    Future,
}

/// A time that must already have happened: RFC 3339 or a bare date (midnight in `tz`),
/// at most [`MAX_FUTURE_SKEW`] after `now`. Returns UTC, truncated to microseconds.
///
/// # Errors
/// [`TimeError::Missing`] for blank text, [`TimeError::NotATime`], [`TimeError::Future`].
pub fn past_time(
    value: &str,
    now: NaiveDateTime,
    tz: chrono_tz::Tz,
) -> Result<NaiveDateTime, TimeError> {
    if value.trim().is_empty() {
        return Err(TimeError::Missing);
    }
    let at = parse_time(value, tz).map_err(|_| TimeError::NotATime(value.to_owned()))?;
    if at > now + MAX_FUTURE_SKEW {
        return Err(TimeError::Future);
    }
    Ok(at)
}

/// When a snapshot was observed: the given time (see [`past_time`]), or `now` when none
/// is given (absent or blank).
///
/// # Errors
/// As [`past_time`], except that blank means now.
pub fn observed_at(
    value: Option<&str>,
    now: NaiveDateTime,
    tz: chrono_tz::Tz,
) -> Result<NaiveDateTime, TimeError> {
    match value {
        Some(v) if !v.trim().is_empty() => past_time(v, now, tz),
        _ => Ok(now),
    }
}

/// What a browser's `datetime-local` input sends (`2026-03-01T14:30`, seconds optional),
/// or a spreadsheet writes in a CSV file (`2026-03-01 14:30`), read as a time in `tz` and
/// rewritten as RFC 3339 for [`past_time`]; any other text is returned as it is, so
/// validation can refuse it with the usual message.
pub fn local_input(value: &str, tz: chrono_tz::Tz) -> String {
    use chrono::TimeZone;
    let trimmed = value.trim();
    let local = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(trimmed, format).ok())
    .ok_or(());
    match local {
        // A time skipped by a DST change is read as the instant the clocks jumped to.
        Ok(local) => tz
            .from_local_datetime(&local)
            .earliest()
            .or_else(|| {
                tz.from_local_datetime(&(local + TimeDelta::hours(1)))
                    .earliest()
            })
            .map(|t| t.to_rfc3339())
            .unwrap_or_else(|| value.to_owned()),
        Err(_) => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> NaiveDateTime {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().naive_utc()
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        assert_eq!(Count::new(0).unwrap().get(), 0);
        assert_eq!(Count::new(MAX_COUNT).unwrap().get(), MAX_COUNT);
        assert_eq!(Count::new(-1), Err(CountError::Negative(-1)));
        assert_eq!(Count::new(MAX_COUNT + 1), Err(CountError::TooLarge));
        assert_eq!(Count::new(i64::MAX), Err(CountError::TooLarge));
    }

    #[test]
    fn counts_parse_as_people_type_them() {
        for (text, n) in [
            ("0", 0),
            (" 42 ", 42),
            ("1,234", 1234),
            ("1 234 567", 1_234_567),
            ("1_000", 1000),
            ("007", 7),
        ] {
            assert_eq!(Count::parse(text).unwrap().get(), n, "{text:?}");
        }
        assert_eq!(Count::parse(""), Err(CountError::Missing));
        assert_eq!(Count::parse("  "), Err(CountError::Missing));
        assert_eq!(Count::parse("-3"), Err(CountError::Negative(-3)));
        for bad in ["abc", "1.5", "1e3", "+", "-", "12a", "٣"] {
            assert!(
                matches!(Count::parse(bad), Err(CountError::NotANumber(_))),
                "{bad:?}"
            );
        }
        assert_eq!(
            Count::parse("99999999999999999999999"),
            Err(CountError::TooLarge)
        );
        assert!(matches!(
            Count::parse("-99999999999999999999999"),
            Err(CountError::Negative(_))
        ));
        assert_eq!(
            Count::from_raw(RawNumber::Number(5)).unwrap(),
            Count::parse("5").unwrap()
        );
    }

    #[test]
    fn optional_counts_read_blank_as_absent() {
        let mut errors = Errors::default();
        assert_eq!(optional_count(&mut errors, "impressions", None), Some(None));
        assert_eq!(
            optional_count(&mut errors, "impressions", Some(RawNumber::Text(" "))),
            Some(None)
        );
        assert_eq!(
            optional_count(&mut errors, "impressions", Some(RawNumber::Number(3))),
            Some(Some(Count(3)))
        );
        assert!(errors.is_empty());
        assert_eq!(
            optional_count(&mut errors, "impressions", Some(RawNumber::Number(-3))),
            None
        );
        let invalid = errors.finish(|| Some(())).unwrap_err();
        assert_eq!(
            invalid.to_string(),
            "impressions: must not be negative (got -3)"
        );
        assert_eq!(invalid.of("impressions").unwrap().code, "invalid_count");
    }

    #[test]
    fn sources_round_trip() {
        for s in Source::ALL {
            assert_eq!(Source::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
        assert_eq!(Source::SelfReported.as_str(), "self_reported");
        assert_eq!(Source::parse("self-reported"), None);
    }

    #[test]
    fn local_inputs_become_rfc3339() {
        let tz = chrono_tz::Asia::Seoul;
        let now = utc("2026-03-10T12:00:00Z");
        let read = |v: &str| past_time(&local_input(v, tz), now, tz);
        assert_eq!(read("2026-03-01T09:30"), Ok(utc("2026-03-01T00:30:00Z")));
        assert_eq!(read("2026-03-01T09:30:15"), Ok(utc("2026-03-01T00:30:15Z")));
        assert_eq!(read("2026-03-01 09:30"), Ok(utc("2026-03-01T00:30:00Z")));
        assert_eq!(read("2026-03-01 09:30:15"), Ok(utc("2026-03-01T00:30:15Z")));
        assert_eq!(
            read("2026-03-01T09:30:15Z"),
            Ok(utc("2026-03-01T09:30:15Z"))
        );
        assert_eq!(read("2026-03-01"), Ok(utc("2026-02-28T15:00:00Z")));
        assert_eq!(local_input("soon", tz), "soon");
        assert_eq!(local_input("", tz), "");
    }

    #[test]
    fn observation_times() {
        let now = utc("2026-03-10T12:00:00Z");
        let tz = chrono_tz::Asia::Seoul;
        assert_eq!(observed_at(None, now, tz), Ok(now));
        assert_eq!(observed_at(Some(""), now, tz), Ok(now));
        assert_eq!(
            observed_at(Some("2026-03-01"), now, tz),
            Ok(utc("2026-02-28T15:00:00Z"))
        );
        assert_eq!(
            observed_at(Some("2026-03-10T12:04:59Z"), now, tz),
            Ok(utc("2026-03-10T12:04:59Z")),
            "within the skew"
        );
        assert_eq!(
            observed_at(Some("2026-03-10T12:05:01Z"), now, tz),
            Err(TimeError::Future)
        );
        assert_eq!(
            observed_at(Some("yesterday"), now, tz),
            Err(TimeError::NotATime("yesterday".into()))
        );
        assert_eq!(past_time(" ", now, tz), Err(TimeError::Missing));
    }
}

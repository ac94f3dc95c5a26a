//! Timestamps and dates read from SQLite text without a strftime pass.
//!
//! SQLite stores them as text, and diesel reads each through chrono's `parse_from_str`,
//! which interprets its format string on every value: ≈ 12 % of a year's KPI report,
//! which reads some 500 000 of them. These wrappers read the forms diesel writes
//! (`%F %T%.f` with 0, 3, 6 or 9 decimals; `%F`) directly and hand anything else to
//! diesel, so every value reads as before. PostgreSQL's binary values go to diesel
//! unchanged.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::Pg;
use diesel::sql_types;
use diesel::sqlite::Sqlite;

use super::{MultiBackend, MultiRawValue};

/// A `TIMESTAMP` value as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, FromSqlRow)]
pub struct ReadTimestamp(pub NaiveDateTime);

/// A `DATE` value as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, FromSqlRow)]
pub struct ReadDate(pub NaiveDate);

impl FromSql<sql_types::Timestamp, MultiBackend> for ReadTimestamp {
    fn from_sql(value: MultiRawValue<'_>) -> deserialize::Result<Self> {
        match value {
            MultiRawValue::Sqlite(mut value) => {
                if let Some(at) = parse_timestamp(value.read_text()) {
                    return Ok(ReadTimestamp(at));
                }
                <NaiveDateTime as FromSql<sql_types::Timestamp, Sqlite>>::from_sql(value)
                    .map(ReadTimestamp)
            }
            MultiRawValue::Postgres(value) => {
                <NaiveDateTime as FromSql<sql_types::Timestamp, Pg>>::from_sql(value)
                    .map(ReadTimestamp)
            }
        }
    }
}

impl FromSql<sql_types::Date, MultiBackend> for ReadDate {
    fn from_sql(value: MultiRawValue<'_>) -> deserialize::Result<Self> {
        match value {
            MultiRawValue::Sqlite(mut value) => {
                if let Some(day) = parse_date(value.read_text().as_bytes()) {
                    return Ok(ReadDate(day));
                }
                <NaiveDate as FromSql<sql_types::Date, Sqlite>>::from_sql(value).map(ReadDate)
            }
            MultiRawValue::Postgres(value) => {
                <NaiveDate as FromSql<sql_types::Date, Pg>>::from_sql(value).map(ReadDate)
            }
        }
    }
}

/// The decimal value of ASCII digits (`None` for anything else).
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

/// `YYYY-MM-DD`, a valid day; `None` for any other text.
fn parse_date(text: &[u8]) -> Option<NaiveDate> {
    if text.len() != 10 || text[4] != b'-' || text[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(&text[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(&text[5..7])?, digits(&text[8..10])?)
}

/// `YYYY-MM-DD HH:MM:SS` with no decimals or with 3, 6 or 9 of them, a valid instant (no
/// leap second); `None` for any other text.
fn parse_timestamp(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() < 19 || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let day = parse_date(&b[0..10])?;
    let (hour, minute, second) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', fraction @ ..] if matches!(fraction.len(), 3 | 6 | 9) => {
            digits(fraction)? * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    if second > 59 {
        return None;
    }
    Some(day.and_time(NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What diesel's SQLite reader makes of the text (its first format, or none).
    fn chrono(text: &str) -> Option<NaiveDateTime> {
        NaiveDateTime::parse_from_str(text, "%F %T%.f").ok()
    }

    #[test]
    fn timestamps_read_as_chrono_reads_them() {
        for text in [
            "2026-12-07 23:24:29",
            "2026-12-07 23:24:29.544804",
            "2026-12-07 23:24:29.544",
            "2026-12-07 23:24:29.544804123",
            "2024-02-29 00:00:00",
            "0001-01-01 00:00:00.000001",
        ] {
            assert_eq!(parse_timestamp(text), chrono(text), "{text}");
            assert!(parse_timestamp(text).is_some(), "{text}");
        }
    }

    #[test]
    fn anything_else_is_left_to_diesel() {
        for text in [
            "2026-12-07T23:24:29",
            "2026-12-07 23:24",
            "2026-12-07 23:24:29.5",
            "2026-12-07 23:24:29Z",
            "2026-12-07 23:24:60",
            "2026-02-30 00:00:00",
            "2026-12-07 24:00:00",
            "+2026-12-07 23:24:29",
            "2461000.5",
            "",
        ] {
            assert_eq!(parse_timestamp(text), None, "{text}");
        }
    }

    #[test]
    fn dates_read_as_chrono_reads_them() {
        assert_eq!(
            parse_date(b"2026-12-07"),
            NaiveDate::from_ymd_opt(2026, 12, 7)
        );
        assert_eq!(parse_date(b"2026-02-29"), None);
        assert_eq!(parse_date(b"2026-1-07"), None);
        assert_eq!(parse_date(b"2026-12-07 "), None);
    }
}

//! Timestamps and dates bound as SQLite text without a strftime pass.
//!
//! diesel writes a `NaiveDateTime` for SQLite through chrono's `format("%F %T%.f")`, which
//! interprets the format string on every value; on the click writer's path that was a few
//! per cent of its time. These wrappers write the same text directly (and fall back to
//! chrono for what it alone spells: years outside 0..=9999, leap seconds). PostgreSQL gets
//! diesel's binary encoding unchanged.

use std::fmt::Write;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types;
use diesel::sqlite::Sqlite;
use diesel::AsExpression;

/// A `TIMESTAMP` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression)]
#[diesel(sql_type = sql_types::Timestamp)]
pub struct TimestampText(pub NaiveDateTime);

/// A `DATE` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, AsExpression)]
#[diesel(sql_type = sql_types::Date)]
pub struct DateText(pub NaiveDate);

/// `YYYY-MM-DD HH:MM:SS[.fff|.ffffff|.fffffffff]`, exactly as chrono's `%F %T%.f`.
pub fn timestamp_text(at: &NaiveDateTime) -> String {
    let nanos = at.nanosecond();
    if !(0..=9999).contains(&at.year()) || nanos >= 1_000_000_000 {
        return at.format("%F %T%.f").to_string();
    }
    let mut text = String::with_capacity(29);
    push_date(&mut text, &at.date());
    let _ = write!(
        text,
        " {:02}:{:02}:{:02}",
        at.hour(),
        at.minute(),
        at.second()
    );
    let _ = match nanos {
        0 => Ok(()),
        n if n % 1_000_000 == 0 => write!(text, ".{:03}", n / 1_000_000),
        n if n % 1_000 == 0 => write!(text, ".{:06}", n / 1_000),
        n => write!(text, ".{n:09}"),
    };
    text
}

/// `YYYY-MM-DD`, exactly as chrono's `%F`.
pub fn date_text(day: &NaiveDate) -> String {
    if !(0..=9999).contains(&day.year()) {
        return day.format("%F").to_string();
    }
    let mut text = String::with_capacity(10);
    push_date(&mut text, day);
    text
}

fn push_date(text: &mut String, day: &NaiveDate) {
    let _ = write!(
        text,
        "{:04}-{:02}-{:02}",
        day.year(),
        day.month(),
        day.day()
    );
}

impl ToSql<sql_types::Timestamp, Sqlite> for TimestampText {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(timestamp_text(&self.0));
        Ok(IsNull::No)
    }
}

impl ToSql<sql_types::Timestamp, Pg> for TimestampText {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        ToSql::<sql_types::Timestamp, Pg>::to_sql(&self.0, out)
    }
}

impl ToSql<sql_types::Date, Sqlite> for DateText {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(date_text(&self.0));
        Ok(IsNull::No)
    }
}

impl ToSql<sql_types::Date, Pg> for DateText {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        ToSql::<sql_types::Date, Pg>::to_sql(&self.0, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_nano_opt(h, mi, s, nanos)
            .unwrap()
    }

    #[test]
    fn timestamps_read_as_chrono_writes_them() {
        let fractions = [
            0,
            1,
            999,
            1_000,
            26_490_000,
            123_000,
            123_456_000,
            123_456_789,
            999_999_999,
            500_000_000,
            1_500_000_000, // leap second
        ];
        let days = [
            (2026, 11, 23),
            (1, 1, 1),
            (999, 12, 31),
            (9999, 12, 31),
            (10_000, 1, 1),
            (-1, 6, 15),
        ];
        for (y, mo, d) in days {
            for nanos in fractions {
                let (h, mi, s) = if nanos >= 1_000_000_000 {
                    (23, 59, 59)
                } else {
                    (7, 5, 9)
                };
                let t = at(y, mo, d, h, mi, s, nanos);
                assert_eq!(
                    timestamp_text(&t),
                    t.format("%F %T%.f").to_string(),
                    "{t:?}"
                );
            }
            let day = NaiveDate::from_ymd_opt(y, mo, d).unwrap();
            assert_eq!(date_text(&day), day.format("%F").to_string());
        }
    }

    #[test]
    fn fractions_take_as_many_digits_as_they_need() {
        let t = at(2026, 11, 23, 4, 13, 9, 26_000_000);
        assert_eq!(timestamp_text(&t), "2026-11-23 04:13:09.026");
        let t = at(2026, 11, 23, 4, 13, 9, 26_491_000);
        assert_eq!(timestamp_text(&t), "2026-11-23 04:13:09.026491");
    }
}

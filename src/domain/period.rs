//! Report periods: `[from, to)` from the API's `from`/`to` (RFC 3339 or bare dates in the
//! configured time zone), the local days they cover, and the buckets of a series.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::share::parse_time;

/// The default period when none is given: the last 30 days up to now.
const DEFAULT_DAYS: i64 = 30;
/// Longer periods are refused: a report over decades is a mistake, not a question.
const MAX_DAYS: i64 = 3660;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// Inclusive, UTC.
    pub from: NaiveDateTime,
    /// Exclusive, UTC.
    pub to: NaiveDateTime,
    /// The local day of `from` (inclusive) and of the last instant before `to` (inclusive):
    /// what day-based rollups are filtered by.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PeriodError {
    #[error("{field}: {value:?} is not a time (use RFC 3339 or YYYY-MM-DD)")]
    BadTime { field: &'static str, value: String },
    #[error("`from` must be before `to`")]
    Empty,
    #[error("the period may span at most {MAX_DAYS} days")]
    TooLong,
}

fn local_day(at: NaiveDateTime, tz: chrono_tz::Tz) -> NaiveDate {
    Utc.from_utc_datetime(&at).with_timezone(&tz).date_naive()
}

impl Period {
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        tz: chrono_tz::Tz,
        now: DateTime<Utc>,
    ) -> Result<Period, PeriodError> {
        let parse = |field: &'static str, value: &str| {
            parse_time(value, tz).map_err(|_| PeriodError::BadTime {
                field,
                value: value.to_string(),
            })
        };
        let to = match to {
            Some(v) => parse("to", v)?,
            None => now.naive_utc(),
        };
        let from = match from {
            Some(v) => parse("from", v)?,
            None => to - Duration::days(DEFAULT_DAYS),
        };
        Period::new(from, to, tz)
    }

    pub fn new(
        from: NaiveDateTime,
        to: NaiveDateTime,
        tz: chrono_tz::Tz,
    ) -> Result<Period, PeriodError> {
        if from >= to {
            return Err(PeriodError::Empty);
        }
        if to - from > Duration::days(MAX_DAYS) {
            return Err(PeriodError::TooLong);
        }
        let last_instant = to - Duration::microseconds(1);
        Ok(Period {
            from,
            to,
            first_day: local_day(from, tz),
            last_day: local_day(last_instant, tz),
        })
    }

    pub fn from_utc(&self) -> DateTime<Utc> {
        Utc.from_utc_datetime(&self.from)
    }

    pub fn to_utc(&self) -> DateTime<Utc> {
        Utc.from_utc_datetime(&self.to)
    }
}

/// The bucket size of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Day,
    Week,
    Month,
}

impl Interval {
    pub fn parse(value: &str) -> Option<Interval> {
        match value {
            "day" => Some(Interval::Day),
            "week" => Some(Interval::Week),
            "month" => Some(Interval::Month),
            _ => None,
        }
    }

    /// The first day of the bucket that holds `day` (weeks start on Monday, ISO 8601).
    pub fn bucket(self, day: NaiveDate) -> NaiveDate {
        match self {
            Interval::Day => day,
            Interval::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
            Interval::Month => day.with_day(1).unwrap_or(day),
        }
    }

    /// Every bucket start from the one holding `first` to the one holding `last`.
    pub fn buckets(self, first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut day = self.bucket(first);
        while day <= last {
            out.push(day);
            day = match self {
                Interval::Day => day + Duration::days(1),
                Interval::Week => day + Duration::days(7),
                Interval::Month => {
                    let (y, m) = if day.month() == 12 {
                        (day.year() + 1, 1)
                    } else {
                        (day.year(), day.month() + 1)
                    };
                    match NaiveDate::from_ymd_opt(y, m, 1) {
                        Some(next) => next,
                        None => break,
                    }
                }
            };
        }
        out
    }
}

/// The first day of the month holding `day`: the key of monthly rollups.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The first day of the month after the one holding `day` (`None` past the calendar's end).
fn next_month_start(day: NaiveDate) -> Option<NaiveDate> {
    let (y, m) = if day.month() == 12 {
        (day.year() + 1, 1)
    } else {
        (day.year(), day.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
}

/// Local days `[first, last]` split for hierarchical rollups: the whole calendar months
/// inside it (read from monthly rows) and the days of the partial months at its edges (read
/// from daily rows). Together they cover every day of `[first, last]` exactly once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthSplit {
    /// First days of the first and last whole month, when there is one.
    pub months: Option<(NaiveDate, NaiveDate)>,
    /// At most two inclusive ranges of days outside those months.
    pub days: Vec<(NaiveDate, NaiveDate)>,
}

impl MonthSplit {
    pub fn of(first: NaiveDate, last: NaiveDate) -> MonthSplit {
        if first > last {
            return MonthSplit {
                months: None,
                days: Vec::new(),
            };
        }
        // The first whole month starts on `first` or on the next month's first day; the
        // last one ends on `last` or on the day before `last`'s month starts.
        let whole_from = if first.day() == 1 {
            Some(first)
        } else {
            next_month_start(first)
        };
        let whole_to = match next_month_start(last) {
            Some(next) if next - Duration::days(1) == last => Some(last),
            _ => month_start(last).pred_opt(),
        };
        match (whole_from, whole_to) {
            (Some(from), Some(to)) if from <= to => {
                let mut days = Vec::new();
                if first < from {
                    days.push((first, from - Duration::days(1)));
                }
                if to < last {
                    days.push((to + Duration::days(1), last));
                }
                MonthSplit {
                    months: Some((from, month_start(to))),
                    days,
                }
            }
            _ => MonthSplit {
                months: None,
                days: vec![(first, last)],
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Every day the split covers, in order, months expanded.
    fn covered(split: &MonthSplit) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        for (a, b) in &split.days {
            let mut day = *a;
            while day <= *b {
                out.push(day);
                day = day.succ_opt().unwrap();
            }
        }
        if let Some((a, b)) = split.months {
            let mut day = a;
            while month_start(day) <= b {
                out.push(day);
                day = day.succ_opt().unwrap();
            }
        }
        out.sort();
        out
    }

    #[test]
    fn a_split_covers_every_day_once_across_month_and_year_ends() {
        let start = d("2023-12-20");
        for from in 0..80 {
            for len in [0, 1, 9, 27, 28, 30, 31, 45, 59, 60, 61, 200, 366, 400] {
                let first = start + Duration::days(from);
                let last = first + Duration::days(len);
                let split = MonthSplit::of(first, last);
                let expected: Vec<NaiveDate> =
                    (0..=len).map(|i| first + Duration::days(i)).collect();
                assert_eq!(covered(&split), expected, "{first}..={last}: {split:?}");
                if let Some((a, b)) = split.months {
                    assert_eq!((a.day(), b.day()), (1, 1));
                }
                assert!(split.days.len() <= 2);
                for (a, b) in &split.days {
                    // Edge days never hold a whole month.
                    assert!(
                        !(a.day() == 1 && next_month_start(*a).unwrap() <= *b + Duration::days(1))
                    );
                }
            }
        }
    }

    #[test]
    fn a_split_uses_whole_months_only() {
        assert_eq!(
            MonthSplit::of(d("2026-11-08"), d("2026-12-07")),
            MonthSplit {
                months: None,
                days: vec![(d("2026-11-08"), d("2026-12-07"))]
            }
        );
        assert_eq!(
            MonthSplit::of(d("2025-12-08"), d("2026-12-07")),
            MonthSplit {
                months: Some((d("2026-01-01"), d("2026-11-01"))),
                days: vec![
                    (d("2025-12-08"), d("2025-12-31")),
                    (d("2026-12-01"), d("2026-12-07"))
                ]
            }
        );
        assert_eq!(
            MonthSplit::of(d("2024-02-01"), d("2024-02-29")),
            MonthSplit {
                months: Some((d("2024-02-01"), d("2024-02-01"))),
                days: vec![]
            }
        );
        assert_eq!(
            MonthSplit::of(d("2024-03-02"), d("2024-03-01")),
            MonthSplit {
                months: None,
                days: vec![]
            }
        );
    }

    fn now() -> DateTime<Utc> {
        "2026-05-20T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn bare_dates_are_local_midnights_and_to_is_exclusive() {
        let p = Period::parse(
            Some("2026-05-01"),
            Some("2026-05-08"),
            chrono_tz::Asia::Seoul,
            now(),
        )
        .unwrap();
        assert_eq!(p.from.to_string(), "2026-04-30 15:00:00");
        assert_eq!(p.to.to_string(), "2026-05-07 15:00:00");
        assert_eq!(
            (p.first_day.to_string(), p.last_day.to_string()),
            ("2026-05-01".into(), "2026-05-07".into())
        );
    }

    #[test]
    fn defaults_to_the_last_thirty_days() {
        let p = Period::parse(None, None, chrono_tz::UTC, now()).unwrap();
        assert_eq!(p.to_utc(), now());
        assert_eq!(p.to - p.from, Duration::days(30));
    }

    #[test]
    fn refuses_bad_input() {
        let tz = chrono_tz::UTC;
        assert!(matches!(
            Period::parse(Some("yesterday"), None, tz, now()),
            Err(PeriodError::BadTime { field: "from", .. })
        ));
        assert_eq!(
            Period::parse(Some("2026-05-08"), Some("2026-05-01"), tz, now()),
            Err(PeriodError::Empty)
        );
        assert_eq!(
            Period::parse(Some("2026-05-01"), Some("2026-05-01"), tz, now()),
            Err(PeriodError::Empty)
        );
        assert_eq!(
            Period::parse(Some("2000-01-01"), Some("2026-01-01"), tz, now()),
            Err(PeriodError::TooLong)
        );
    }

    #[test]
    fn buckets_cover_the_period() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            Interval::Day.buckets(d("2026-05-30"), d("2026-06-01")),
            [d("2026-05-30"), d("2026-05-31"), d("2026-06-01")]
        );
        assert_eq!(
            Interval::Week.buckets(d("2026-05-20"), d("2026-05-31")),
            [d("2026-05-18"), d("2026-05-25")]
        );
        assert_eq!(
            Interval::Month.buckets(d("2026-11-15"), d("2027-01-02")),
            [d("2026-11-01"), d("2026-12-01"), d("2027-01-01")]
        );
        assert_eq!(Interval::parse("week"), Some(Interval::Week));
        assert_eq!(Interval::parse("year"), None);
    }
}

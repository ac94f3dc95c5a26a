//! Demo and benchmark data: `chorus demo` fills an empty database with a small, realistic
//! company (five teams, 40 employees, 60 days of clicks); `chorus seed` builds the same
//! shape at any size (10 000 employees, 100 000 shares, 10 000 000 clicks) for benchmarks.
//!
//! Generation is pure and deterministic — a seed, the shape and a [`Timeline`] give the
//! same data every time — and kept apart from storing:
//! - [`tables`]: names (English and Korean), teams, campaigns, content, brands, mention
//!   texts, places, user agents, referrers;
//! - [`plan`]: the catalogue (teams, employees and their follower counts, campaigns,
//!   content, shares, metrics snapshots, brands, mentions, support cases, unattributed
//!   conversions), held in memory: its size follows employees and shares, not clicks;
//! - [`stream`]: the clicks, an iterator in time order that holds one time slice at a
//!   time (a few thousand visits), with the conversions some of them lead to;
//! - [`load`]: stores all of it through the store functions the API uses, and the clicks
//!   through the click writer the redirect uses (see there for how and why).

pub mod load;
pub mod plan;
pub mod stream;
pub mod tables;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use rand::Rng;

pub use load::{run, DemoError, Options, Summary};

/// The seed both commands use unless told otherwise.
pub const DEFAULT_SEED: u64 = 20_260_301;

/// How many of everything to make.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub employees: usize,
    pub teams: usize,
    pub content: usize,
    pub shares: usize,
    pub clicks: u64,
    /// Days of data, ending with `today`.
    pub days: u32,
    pub mentions: usize,
    pub support_cases: usize,
    /// Chance that a verified human click leads to a conversion.
    pub conversion_rate: f64,
    /// Conversions reported without a click id, or with one that names no click.
    pub unattributed: usize,
    /// Scanner bursts (an e-mail security scanner opening several links at once).
    pub bursts: usize,
}

/// Why a seed shape is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    #[error("--shares needs at least one employee (--employees)")]
    SharesWithoutEmployees,
    #[error("--clicks needs at least one share (--shares)")]
    ClicksWithoutShares,
    #[error("--days must be from 1 to {MAX_DAYS}")]
    Days,
    #[error("at most {MAX_SEED_EMPLOYEES} employees and {MAX_SEED_SHARES} shares")]
    TooLarge,
}

pub const MAX_DAYS: u32 = 3_650;
const MAX_SEED_EMPLOYEES: usize = 1_000_000;
const MAX_SEED_SHARES: usize = 10_000_000;

impl Shape {
    /// `chorus demo`: every board and KPI has something to show, and it loads in seconds.
    pub fn demo() -> Shape {
        Shape {
            employees: 40,
            teams: 5,
            content: tables::CONTENT.len(),
            shares: 300,
            clicks: 12_000,
            days: 60,
            mentions: 320,
            support_cases: 40,
            conversion_rate: 0.02,
            unattributed: 12,
            bursts: 1,
        }
    }

    /// `chorus seed`: the demo's shape at the given size. Content grows with shares per
    /// employee (so every share can be a distinct employee, content and network), mentions
    /// and support cases with clicks.
    ///
    /// # Errors
    /// [`ShapeError`] for shares without employees, clicks without shares, or sizes out of
    /// range.
    pub fn seed(
        employees: usize,
        shares: usize,
        clicks: u64,
        days: u32,
    ) -> Result<Shape, ShapeError> {
        if shares > 0 && employees == 0 {
            return Err(ShapeError::SharesWithoutEmployees);
        }
        if clicks > 0 && shares == 0 {
            return Err(ShapeError::ClicksWithoutShares);
        }
        if days == 0 || days > MAX_DAYS {
            return Err(ShapeError::Days);
        }
        if employees > MAX_SEED_EMPLOYEES || shares > MAX_SEED_SHARES {
            return Err(ShapeError::TooLarge);
        }
        // An employee posts to about three networks: room for twice the shares asked.
        let content = tables::CONTENT
            .len()
            .max(shares.div_ceil(employees.max(1) * 3 / 2 + 1));
        let mentions = usize::try_from(clicks / 50)
            .unwrap_or(usize::MAX)
            .clamp(60, 200_000);
        Ok(Shape {
            employees,
            teams: (employees / 400).clamp(5, 60).min(employees),
            content,
            shares,
            clicks,
            days,
            mentions,
            support_cases: (mentions / 8).clamp(10, 25_000),
            conversion_rate: 0.004,
            unattributed: usize::try_from(clicks / 5_000)
                .unwrap_or(usize::MAX)
                .clamp(3, 20_000),
            bursts: if clicks >= 50 {
                usize::try_from(clicks / 200_000).unwrap_or(1).max(1)
            } else {
                0
            },
        })
    }
}

/// The period the data covers: the `days` local days ending with `today`, in the
/// configured time zone. It ends at the end of `today`, or at the moment the command runs
/// when that is earlier (so nothing lies in the future: with `today` in the past the data
/// is the same at every run; on the current day, the clicks of the hours still to come
/// are left out, and the counts are spread over the hours that have passed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeline {
    pub tz: chrono_tz::Tz,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// UTC: local midnight of `first_day`.
    pub start: NaiveDateTime,
    /// UTC: local midnight after `last_day`, or now.
    pub end: NaiveDateTime,
}

/// Why a timeline is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimelineError {
    #[error("--today {0} is after the current date ({1}); demo data cannot lie in the future")]
    Future(NaiveDate, NaiveDate),
    #[error("--days must be from 1 to {MAX_DAYS}")]
    Days,
    #[error("the period has not begun yet; try again in a minute")]
    Empty,
}

/// UTC of local midnight starting `day` (on a day that skips midnight, the first local
/// time that exists).
pub fn local_midnight(day: NaiveDate, tz: chrono_tz::Tz) -> NaiveDateTime {
    let mut local = day.and_time(chrono::NaiveTime::MIN);
    for _ in 0..4 {
        if let Some(at) = tz.from_local_datetime(&local).earliest() {
            return at.naive_utc();
        }
        local += TimeDelta::hours(1);
    }
    local
}

impl Timeline {
    /// `days` local days ending with `today`, cut at `now` (UTC).
    ///
    /// # Errors
    /// [`TimelineError::Future`] when `today` is after the current local date,
    /// [`TimelineError::Days`] for 0 or too many days, [`TimelineError::Empty`] when
    /// nothing of the period has passed yet.
    pub fn new(
        today: NaiveDate,
        days: u32,
        tz: chrono_tz::Tz,
        now: NaiveDateTime,
    ) -> Result<Timeline, TimelineError> {
        if days == 0 || days > MAX_DAYS {
            return Err(TimelineError::Days);
        }
        let current = Utc.from_utc_datetime(&now).with_timezone(&tz).date_naive();
        if today > current {
            return Err(TimelineError::Future(today, current));
        }
        let first_day = today - chrono::Days::new(u64::from(days) - 1);
        let start = local_midnight(first_day, tz);
        let end = local_midnight(today + chrono::Days::new(1), tz).min(now);
        if end - start < TimeDelta::minutes(1) {
            return Err(TimelineError::Empty);
        }
        Ok(Timeline {
            tz,
            first_day,
            last_day: today,
            start,
            end,
        })
    }

    /// The current local date in `tz`.
    pub fn today(tz: chrono_tz::Tz, now: NaiveDateTime) -> NaiveDate {
        Utc.from_utc_datetime(&now).with_timezone(&tz).date_naive()
    }

    pub fn span(&self) -> TimeDelta {
        self.end - self.start
    }

    /// The instant a fraction `f` (0 to 1) into the period, to the second.
    pub fn at_fraction(&self, f: f64) -> NaiveDateTime {
        let secs = (self.span().num_seconds() as f64 * f.clamp(0.0, 1.0)) as i64;
        (self.start + TimeDelta::seconds(secs)).min(self.end - TimeDelta::seconds(1))
    }

    /// A random instant in `[from, to)` (clamped into the period), to the second, more
    /// often on working days and in working hours.
    pub fn random_time(
        &self,
        rng: &mut impl Rng,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> NaiveDateTime {
        let from = from.max(self.start);
        let to = to.min(self.end);
        let span = (to - from).num_seconds();
        if span <= 1 {
            return from;
        }
        let mut best = from;
        for _ in 0..4 {
            let at = from + TimeDelta::seconds(rng.random_range(0..span));
            best = at;
            if rng.random::<f64>() < self.activity(at) / 1.6 {
                break;
            }
        }
        best
    }

    /// How busy people are at `at` (UTC): about 1 in working hours on working days, less at
    /// night and at weekends (at most 1.6).
    pub fn activity(&self, at: NaiveDateTime) -> f64 {
        let local = Utc.from_utc_datetime(&at).with_timezone(&self.tz);
        let day = match local.weekday() {
            chrono::Weekday::Sat => 0.45,
            chrono::Weekday::Sun => 0.4,
            chrono::Weekday::Mon => 1.1,
            _ => 1.0,
        };
        day * hour_weight(chrono::Timelike::hour(&local))
    }

    /// The local day of `at` (UTC).
    pub fn local_day(&self, at: NaiveDateTime) -> NaiveDate {
        Utc.from_utc_datetime(&at)
            .with_timezone(&self.tz)
            .date_naive()
    }

    /// `at` (UTC) as RFC 3339, as an integrator would send it.
    pub fn rfc3339(at: NaiveDateTime) -> String {
        DateTime::<Utc>::from_naive_utc_and_offset(at, Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }
}

/// Relative traffic by local hour: quiet nights, a morning peak, a lunch dip, evenings.
fn hour_weight(hour: u32) -> f64 {
    match hour {
        0..=5 => 0.12,
        6 => 0.3,
        7 => 0.6,
        8 => 1.1,
        9..=10 => 1.6,
        11 => 1.4,
        12 => 1.1,
        13..=16 => 1.25,
        17 => 1.0,
        18 => 0.8,
        19..=21 => 0.9,
        22 => 0.5,
        _ => 0.25,
    }
}

/// A number around `median`, log-normally spread (`sigma` of the logarithm).
pub(crate) fn lognormal(rng: &mut impl Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// A standard normal number (Box–Muller).
pub(crate) fn normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// An index picked with the given integer weights (all zero: the first).
pub(crate) fn weighted<T>(rng: &mut impl Rng, items: &[(T, u32)]) -> usize {
    let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
    if total == 0 {
        return 0;
    }
    let mut pick = rng.random_range(0..total);
    for (i, (_, w)) in items.iter().enumerate() {
        let w = u64::from(*w);
        if pick < w {
            return i;
        }
        pick -= w;
    }
    items.len() - 1
}

/// One element of a non-empty slice, uniformly.
pub(crate) fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// One string of a non-empty list, uniformly.
pub(crate) fn pick_str<'a>(rng: &mut impl Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> NaiveDateTime {
        DateTime::parse_from_rfc3339(s).unwrap().naive_utc()
    }

    #[test]
    fn the_timeline_covers_local_days_and_never_the_future() {
        let seoul = chrono_tz::Asia::Seoul;
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let t = Timeline::new(today, 60, seoul, utc("2026-03-10T00:00:00Z")).unwrap();
        assert_eq!(t.first_day, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!(t.start, utc("2025-12-31T15:00:00Z"), "midnight in Seoul");
        assert_eq!(t.end, utc("2026-03-01T15:00:00Z"));
        // On the current day the period stops now.
        let now = utc("2026-03-01T03:30:00Z");
        let t = Timeline::new(today, 60, seoul, now).unwrap();
        assert_eq!(t.end, now);
        assert!(matches!(
            Timeline::new(today, 60, seoul, utc("2026-02-27T00:00:00Z")),
            Err(TimelineError::Future(..))
        ));
        assert_eq!(
            Timeline::new(today, 0, seoul, now),
            Err(TimelineError::Days)
        );
    }

    #[test]
    fn seed_shapes_are_checked_and_scale() {
        assert_eq!(
            Shape::seed(0, 5, 0, 60),
            Err(ShapeError::SharesWithoutEmployees)
        );
        assert_eq!(
            Shape::seed(5, 0, 10, 60),
            Err(ShapeError::ClicksWithoutShares)
        );
        assert_eq!(Shape::seed(5, 5, 10, 0), Err(ShapeError::Days));
        let big = Shape::seed(10_000, 100_000, 10_000_000, 60).unwrap();
        assert_eq!(
            (big.employees, big.shares, big.clicks),
            (10_000, 100_000, 10_000_000)
        );
        assert_eq!(big.teams, 25);
        // One employee sharing a lot needs more content to share.
        let narrow = Shape::seed(1, 1_000, 0, 60).unwrap();
        assert!(narrow.content * 3 >= 1_000, "{}", narrow.content);
    }
}

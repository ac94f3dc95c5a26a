//! Breakdowns of verified human clicks: by network (from `click_rollups` and the share's
//! network) and by a click *facet* — country, device class, browser, referrer host — from
//! `click_breakdowns`.
//!
//! `click_breakdowns` is a rollup like `click_rollups`, and written in the same
//! transaction by the click writer (`store::clicks`): a new human click adds one to each
//! of its four facet values, a click demoted later (a scanner burst) takes them away
//! again. So for every facet the values of a (share, day) sum to that day's rollup
//! `human`, and a breakdown's total is the `clicks` KPI of the same filter.
//!
//! An unknown value (no GeoIP database, no `Referer`) is stored as `''` — a key column
//! cannot be NULL — and read back as `None`.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel::upsert::excluded;

use super::clicks::{ShareOwners, SPAN_DAY, SPAN_MONTH};
use super::reports::{KeptShares, ReportFilter};
use super::{per_backend, StoreError};
use crate::db::schema::{click_breakdowns, click_days, click_facet_spans, click_rollups, shares};
use crate::db::time_text::DateText;
use crate::db::DbConnection;
use crate::domain::period::{month_start, MonthSplit};

/// A click attribute that `click_breakdowns` counts human clicks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Facet {
    Country,
    Device,
    Browser,
    /// The referrer host (`domain::referrer`).
    Referrer,
}

impl Facet {
    pub const ALL: [Facet; 4] = [
        Facet::Country,
        Facet::Device,
        Facet::Browser,
        Facet::Referrer,
    ];

    /// The code stored in `click_breakdowns.dimension` (the migration's backfill writes the
    /// same codes; a code is never reused for another facet).
    pub fn code(self) -> i64 {
        match self {
            Facet::Country => 1,
            Facet::Device => 2,
            Facet::Browser => 3,
            Facet::Referrer => 4,
        }
    }
}

/// The stored value of an unknown facet value.
const UNKNOWN: &str = "";

/// A value as stored: unknown (and, to be safe, empty) is `''`.
fn stored(value: Option<&str>) -> &str {
    value.unwrap_or(UNKNOWN)
}

/// A stored value as reports show it: `''` is unknown.
fn shown(value: String) -> Option<String> {
    (value != UNKNOWN).then_some(value)
}

/// The facet values of one click, as the raw `clicks` row holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FacetValues<'a> {
    pub country: Option<&'a str>,
    pub device: Option<&'a str>,
    pub browser: Option<&'a str>,
    pub referrer_host: Option<&'a str>,
}

impl<'a> FacetValues<'a> {
    fn get(&self, facet: Facet) -> Option<&'a str> {
        match facet {
            Facet::Country => self.country,
            Facet::Device => self.device,
            Facet::Browser => self.browser,
            Facet::Referrer => self.referrer_host,
        }
    }
}

/// Changes to `click_breakdowns` gathered over a batch: human clicks per (facet, day,
/// share, stored value). Values borrowed from the batch cost no copy; those of demoted
/// clicks are read from the database and owned.
#[derive(Debug, Default)]
pub struct FacetDeltas<'a> {
    deltas: foldhash::HashMap<(Facet, NaiveDate, i64, Cow<'a, str>), i64>,
}

impl FacetDeltas<'static> {
    /// Takes over every change of `other`, copying the values it borrows.
    pub fn absorb(&mut self, other: FacetDeltas<'_>) {
        for ((facet, day, share_id, value), n) in other.deltas {
            *self
                .deltas
                .entry((facet, day, share_id, Cow::Owned(value.into_owned())))
                .or_default() += n;
        }
    }
}

impl<'a> FacetDeltas<'a> {
    /// Adds `n` human clicks (negative: takes them away) of a share and day with these
    /// values.
    pub fn add(&mut self, share_id: i64, day: NaiveDate, values: FacetValues<'a>, n: i64) {
        for facet in Facet::ALL {
            let value = Cow::Borrowed(stored(values.get(facet)));
            *self
                .deltas
                .entry((facet, day, share_id, value))
                .or_default() += n;
        }
    }

    /// Like [`FacetDeltas::add`], for values that do not live as long as the batch (a
    /// demoted click's, as read back from the database): they are copied.
    pub fn add_owned(&mut self, share_id: i64, day: NaiveDate, values: FacetValues<'_>, n: i64) {
        for facet in Facet::ALL {
            let value = Cow::Owned(stored(values.get(facet)).to_string());
            *self
                .deltas
                .entry((facet, day, share_id, value))
                .or_default() += n;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.deltas.is_empty()
    }

    /// How many keys are changed.
    pub fn len(&self) -> usize {
        self.deltas.len()
    }

    /// The days the changes are about (with repeats).
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.deltas
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|((_, day, _, _), _)| *day)
    }

    /// Adds every change of `other`, borrowing its values.
    pub fn add_all(&mut self, other: &'a FacetDeltas<'_>) {
        for ((facet, day, share_id, value), n) in &other.deltas {
            *self
                .deltas
                .entry((*facet, *day, *share_id, Cow::Borrowed(value.as_ref())))
                .or_default() += n;
        }
    }

    /// The shares the changes are about (with repeats).
    pub fn share_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.deltas
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|((_, _, share_id, _), _)| *share_id)
    }

    /// Writes the changes with one multi-row upsert per chunk, in the caller's transaction,
    /// to `click_breakdowns` and, summed per network of the share (`owners`), to the daily
    /// and monthly `click_facet_spans`. Keys that cancelled out are not written.
    pub(crate) fn write(
        self,
        conn: &mut DbConnection,
        owners: &HashMap<i64, ShareOwners>,
    ) -> Result<(), StoreError> {
        use click_breakdowns::dsl as b;
        use click_facet_spans::dsl as fs;
        /// Rows per statement: 6 bound parameters at most, well under SQLite's limit.
        const CHUNK: usize = 500;
        let mut spans: foldhash::HashMap<(i64, i64, NaiveDate, &str, &str), i64> =
            Default::default();
        for ((facet, day, share_id, value), n) in &self.deltas {
            let Some(owner) = owners.get(share_id) else {
                continue;
            };
            for (span, start) in [(SPAN_DAY, *day), (SPAN_MONTH, month_start(*day))] {
                *spans
                    .entry((
                        facet.code(),
                        span,
                        start,
                        owner.network.as_str(),
                        value.as_ref(),
                    ))
                    .or_default() += n;
            }
        }
        let mut spans: Vec<_> = spans.into_iter().filter(|(_, n)| *n != 0).collect();
        spans.sort_unstable();
        for chunk in spans.chunks(CHUNK) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|((dimension, span, start, network, value), n)| {
                    (
                        fs::dimension.eq(*dimension),
                        fs::span.eq(*span),
                        fs::start.eq(DateText(*start)),
                        fs::network.eq(*network),
                        fs::value.eq(*value),
                        fs::human.eq(*n),
                    )
                })
                .collect();
            per_backend!(conn, c => diesel::insert_into(fs::click_facet_spans)
                .values(&rows)
                .on_conflict((fs::dimension, fs::span, fs::start, fs::network, fs::value))
                .do_update()
                .set(fs::human.eq(fs::human + excluded(fs::human)))
                .execute(c))?;
        }
        let mut deltas: Vec<_> = self.deltas.into_iter().filter(|(_, n)| *n != 0).collect();
        // In key order: the rows of one dimension and day are neighbours in the B-tree.
        deltas.sort_unstable();
        for chunk in deltas.chunks(CHUNK) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|((facet, day, share_id, value), n)| {
                    (
                        b::dimension.eq(facet.code()),
                        b::day.eq(DateText(*day)),
                        b::share_id.eq(*share_id),
                        b::value.eq(value.as_ref()),
                        b::human.eq(*n),
                    )
                })
                .collect();
            per_backend!(conn, c => diesel::insert_into(b::click_breakdowns)
                .values(&rows)
                .on_conflict((b::dimension, b::day, b::share_id, b::value))
                .do_update()
                .set(b::human.eq(b::human + excluded(b::human)))
                .execute(c))?;
        }
        Ok(())
    }
}

/// Verified human clicks of the filter's period and shares per network of the share;
/// with `share`, of that one share alone (the share drill-down).
pub fn count_by_network(
    conn: &mut DbConnection,
    f: &ReportFilter,
    share: Option<i64>,
) -> Result<Vec<(Option<String>, i64)>, StoreError> {
    if !f.narrows_shares() && share.is_none() {
        // Every share: the per-day, per-network rollup (a dozen rows a day) answers.
        let rows: Vec<(String, i64)> = click_days::table
            .filter(click_days::day.ge(f.period.first_day))
            .filter(click_days::day.le(f.period.last_day))
            .group_by(click_days::network)
            .select((
                click_days::network,
                sql::<BigInt>("CAST(SUM(click_days.human) AS BIGINT)"),
            ))
            .load(conn)?;
        return Ok(rows.into_iter().map(|(n, c)| (Some(n), c)).collect());
    }
    let mut q = click_rollups::table
        .inner_join(shares::table)
        .filter(click_rollups::day.ge(f.period.first_day))
        .filter(click_rollups::day.le(f.period.last_day))
        .group_by(shares::network)
        .select((
            shares::network,
            sql::<BigInt>("CAST(SUM(click_rollups.human) AS BIGINT)"),
        ))
        .into_boxed();
    if f.narrows_shares() {
        q = q.filter(KeptShares::of(f, "shares.id"));
    }
    if let Some(id) = share {
        q = q.filter(click_rollups::share_id.eq(id));
    }
    let rows: Vec<(String, i64)> = q.load(conn)?;
    Ok(rows.into_iter().map(|(n, c)| (Some(n), c)).collect())
}

/// Verified human clicks of the filter's period and shares per value of `facet` (`None`:
/// unknown); with `share`, of that one share alone.
pub fn count_by_facet(
    conn: &mut DbConnection,
    facet: Facet,
    f: &ReportFilter,
    share: Option<i64>,
) -> Result<Vec<(Option<String>, i64)>, StoreError> {
    if share.is_none() && f.campaign_id.is_none() && f.team.is_none() {
        return count_by_facet_spans(conn, facet, f);
    }
    let mut q = click_breakdowns::table
        .filter(click_breakdowns::dimension.eq(facet.code()))
        .filter(click_breakdowns::day.ge(f.period.first_day))
        .filter(click_breakdowns::day.le(f.period.last_day))
        .group_by(click_breakdowns::value)
        .select((
            click_breakdowns::value,
            sql::<BigInt>("CAST(SUM(click_breakdowns.human) AS BIGINT)"),
        ))
        .into_boxed();
    if f.narrows_shares() {
        q = q.filter(KeptShares::of(f, "click_breakdowns.share_id"));
    }
    if let Some(id) = share {
        q = q.filter(click_breakdowns::share_id.eq(id));
    }
    let rows: Vec<(String, i64)> = q.load(conn)?;
    Ok(rows.into_iter().map(|(v, c)| (shown(v), c)).collect())
}

/// [`count_by_facet`] of every share (or a network's): the whole months of the period from
/// the monthly facet rows, its edge days from the daily ones — a few hundred rows a day
/// instead of one per share.
fn count_by_facet_spans(
    conn: &mut DbConnection,
    facet: Facet,
    f: &ReportFilter,
) -> Result<Vec<(Option<String>, i64)>, StoreError> {
    let mut sums: HashMap<String, i64> = HashMap::new();
    for (span, first, last) in spans_of(f) {
        let mut q = click_facet_spans::table
            .filter(click_facet_spans::dimension.eq(facet.code()))
            .filter(click_facet_spans::span.eq(span))
            .filter(click_facet_spans::start.ge(first))
            .filter(click_facet_spans::start.le(last))
            .group_by(click_facet_spans::value)
            .select((
                click_facet_spans::value,
                sql::<BigInt>("CAST(SUM(click_facet_spans.human) AS BIGINT)"),
            ))
            .into_boxed();
        if let Some(network) = &f.network {
            q = q.filter(click_facet_spans::network.eq(network.clone()));
        }
        for (value, clicks) in q.load::<(String, i64)>(conn)? {
            let sum = sums.entry(value).or_default();
            *sum = sum.saturating_add(clicks);
        }
    }
    Ok(sums
        .into_iter()
        .filter(|(_, clicks)| *clicks != 0)
        .map(|(v, c)| (shown(v), c))
        .collect())
}

/// The filter's local days as (span, first start, last start) ranges of the hierarchical
/// rollups: edge days as days, whole months as months ([`MonthSplit`]).
pub(crate) fn spans_of(f: &ReportFilter) -> Vec<(i64, NaiveDate, NaiveDate)> {
    let split = MonthSplit::of(f.period.first_day, f.period.last_day);
    let mut out: Vec<(i64, NaiveDate, NaiveDate)> = split
        .days
        .into_iter()
        .map(|(a, b)| (SPAN_DAY, a, b))
        .collect();
    if let Some((a, b)) = split.months {
        out.push((SPAN_MONTH, a, b));
    }
    out
}

/// Verified human clicks of one share per local day of the filter's period, from the same
/// rollup as the `clicks` KPI; days without clicks are absent.
pub fn count_share_by_day(
    conn: &mut DbConnection,
    f: &ReportFilter,
    share: i64,
) -> Result<Vec<(NaiveDate, i64)>, StoreError> {
    Ok(click_rollups::table
        .filter(click_rollups::share_id.eq(share))
        .filter(click_rollups::day.ge(f.period.first_day))
        .filter(click_rollups::day.le(f.period.last_day))
        .order(click_rollups::day.asc())
        .select((click_rollups::day, click_rollups::human))
        .load(conn)?)
}

/// Human clicks per (share, local day) over the period, for every share of content item
/// `content_id` (days without clicks left out): the content drill-down in one query.
pub fn count_content_by_share_and_day(
    conn: &mut DbConnection,
    f: &ReportFilter,
    content_id: i64,
) -> Result<Vec<(i64, NaiveDate, i64)>, StoreError> {
    Ok(click_rollups::table
        .inner_join(shares::table)
        .filter(shares::content_id.eq(content_id))
        .filter(click_rollups::day.ge(f.period.first_day))
        .filter(click_rollups::day.le(f.period.last_day))
        .select((
            click_rollups::share_id,
            click_rollups::day,
            click_rollups::human,
        ))
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    }

    #[test]
    fn codes_are_distinct_and_stable() {
        let codes: Vec<i64> = Facet::ALL.iter().map(|f| f.code()).collect();
        assert_eq!(
            codes,
            [1, 2, 3, 4],
            "the migration's backfill writes these codes"
        );
    }

    #[test]
    fn unknown_is_stored_as_empty_and_shown_as_none() {
        assert_eq!(stored(None), "");
        assert_eq!(stored(Some("KR")), "KR");
        assert_eq!(shown(String::new()), None);
        assert_eq!(shown("KR".into()), Some("KR".into()));
    }

    #[test]
    fn deltas_count_every_facet_and_demotions_cancel_them() {
        let values = FacetValues {
            country: Some("KR"),
            device: Some("mobile"),
            browser: Some("Safari"),
            referrer_host: None,
        };
        let mut deltas = FacetDeltas::default();
        deltas.add(7, day(), values, 1);
        deltas.add(7, day(), values, 1);
        let read_back = (String::from("KR"), String::from("mobile"));
        let demoted = FacetValues {
            country: Some(&read_back.0),
            device: Some(&read_back.1),
            browser: Some("Safari"),
            referrer_host: None,
        };
        deltas.add_owned(7, day(), demoted, -1);
        let mut rows: Vec<_> = deltas
            .deltas
            .iter()
            .map(|((f, _, s, v), n)| (*f, *s, v.to_string(), *n))
            .collect();
        rows.sort();
        assert_eq!(
            rows,
            [
                (Facet::Country, 7, "KR".to_string(), 1),
                (Facet::Device, 7, "mobile".to_string(), 1),
                (Facet::Browser, 7, "Safari".to_string(), 1),
                (Facet::Referrer, 7, String::new(), 1),
            ]
        );
    }
}

//! Click batches from the writer: rows, unique visitors and daily rollups in one
//! transaction, with the rollups above them — per network, month and owner, and the facet
//! breakdowns (`store::breakdowns`) — in the same transaction or held for a later one
//! ([`insert_batch_holding`]).
//!
//! Writing a batch is idempotent: clicks are keyed by their public click id, a replayed
//! batch ([`Delivery::Replay`]) skips the ids already stored, and rollups move only by the
//! rows that were really new. So a batch may be written twice — once from the spool after
//! an uncertain commit, say — without counting anything twice.

use std::collections::{BTreeSet, HashMap, HashSet};

use foldhash::{HashMap as FastMap, HashMapExt};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::DefaultLoadingMode;
use diesel::prelude::*;
use diesel::upsert::excluded;
use serde::{Deserialize, Serialize};

use super::breakdowns::{FacetDeltas, FacetValues};
use super::{per_backend, StoreError};
use crate::db::schema::{
    click_days, click_rollups, click_rollups_pending, click_visitors, clicks, shares,
};
use crate::db::time_text::{DateText, TimestampText};
use crate::db::DbConnection;
use crate::domain::period::month_start;
use crate::domain::visitor_book::{visitor_key, Changes, VisitorBook};

/// Recorded kinds of click. `Flagged` clicks look human but are not counted (own clicks,
/// repeats, scanner bursts, HEAD and prefetch requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClickKind {
    Human,
    Flagged,
    Bot,
    Preview,
}

impl ClickKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClickKind::Human => "human",
            ClickKind::Flagged => "flagged",
            ClickKind::Bot => "bot",
            ClickKind::Preview => "preview",
        }
    }
}

/// One click as stored. There is deliberately no address field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewClick {
    pub click_id: String,
    pub share_id: i64,
    pub occurred_at: NaiveDateTime,
    pub day: NaiveDate,
    pub visitor: String,
    pub kind: ClickKind,
    pub flag_reason: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub referrer_host: Option<String>,
    /// Shared with every click of the same user agent (see `clicks::enrich`).
    pub browser: Option<Arc<str>>,
    pub os: Option<Arc<str>>,
    pub device: Option<Arc<str>>,
}

/// A click for unit tests of the click path (journal, spool): Korean city included, so
/// that encodings are exercised.
#[cfg(test)]
pub(crate) fn sample_click(id: &str, share_id: i64) -> NewClick {
    NewClick {
        click_id: id.into(),
        share_id,
        occurred_at: chrono::DateTime::from_timestamp(1_700_000_000, 0)
            .unwrap_or_default()
            .naive_utc(),
        day: NaiveDate::from_ymd_opt(2023, 11, 14).unwrap_or_default(),
        visitor: "v".into(),
        kind: ClickKind::Human,
        flag_reason: None,
        country: Some("KR".into()),
        region: None,
        city: Some("서울".into()),
        referrer_host: None,
        browser: None,
        os: None,
        device: None,
    }
}

/// `None` is written as NULL, not `DEFAULT`: SQLite has no `DEFAULT` in a VALUES list, so
/// diesel would otherwise insert the rows one statement at a time.
#[derive(Insertable)]
#[diesel(table_name = clicks)]
#[diesel(treat_none_as_default_value = false)]
struct ClickInsert<'a> {
    click_id: &'a str,
    share_id: i64,
    occurred_at: TimestampText,
    day: DateText,
    visitor: &'a str,
    kind: &'a str,
    flag_reason: Option<&'a str>,
    country: Option<&'a str>,
    region: Option<&'a str>,
    city: Option<&'a str>,
    referrer_host: Option<&'a str>,
    browser: Option<&'a str>,
    os: Option<&'a str>,
    device: Option<&'a str>,
}

impl<'a> From<&'a NewClick> for ClickInsert<'a> {
    fn from(c: &'a NewClick) -> ClickInsert<'a> {
        ClickInsert {
            click_id: &c.click_id,
            share_id: c.share_id,
            occurred_at: TimestampText(c.occurred_at),
            day: DateText(c.day),
            visitor: &c.visitor,
            kind: c.kind.as_str(),
            flag_reason: c.flag_reason.as_deref(),
            country: c.country.as_deref(),
            region: c.region.as_deref(),
            city: c.city.as_deref(),
            referrer_host: c.referrer_host.as_deref(),
            browser: c.browser.as_deref(),
            os: c.os.as_deref(),
            device: c.device.as_deref(),
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Delta {
    human: i64,
    unique: i64,
    flagged: i64,
    bot: i64,
    preview: i64,
}

/// Rows per INSERT statement: well under SQLite's bound-parameter limit (14 columns each).
const CHUNK: usize = 500;

/// Where the writer learns whether a click's visitor is new on the share that day.
pub enum Visitors {
    /// The `click_visitors` table, shared by every instance writing to the database
    /// (PostgreSQL).
    Table,
    /// The writer's memory, rebuilt per day from the stored clicks when needed (SQLite, which
    /// one process owns). See [`VisitorBook`].
    Memory(VisitorBook),
}

impl Visitors {
    /// The right kind for the database behind `conn`.
    pub fn for_connection(conn: &DbConnection) -> Visitors {
        match conn {
            DbConnection::Sqlite(_) => Visitors::Memory(VisitorBook::default()),
            DbConnection::Postgres(_) => Visitors::Table,
        }
    }
}

/// Writes a batch and demotes earlier clicks revealed as a scanner burst, with every
/// rollup, in one transaction; returns how many clicks were new.
pub fn insert_batch(
    conn: &mut DbConnection,
    visitors: &mut Visitors,
    batch: &[NewClick],
    demote: &[String],
    delivery: Delivery,
) -> Result<usize, StoreError> {
    let mut held = HeldRollups::default();
    insert_batch_holding(conn, visitors, &mut held, batch, demote, delivery, true)
}

/// Like [`insert_batch`], except for the rollups above `click_rollups`: the batch's changes
/// to them are added to `held` (and their days marked in `click_rollups_pending`, in the
/// batch's transaction), unless `write_held` is set: then they are written, together with
/// everything held, in the batch's transaction, and `held` is emptied.
///
/// Why: clicks spread over many shares touch a different B-tree page of each of those
/// rollups per click, and writing them with every batch of a flood took most of the
/// writer's time (BENCHMARKS.md). Held over a second, a share's clicks of many batches
/// make one row change.
pub fn insert_batch_holding(
    conn: &mut DbConnection,
    visitors: &mut Visitors,
    held: &mut HeldRollups,
    batch: &[NewClick],
    demote: &[String],
    delivery: Delivery,
    write_held: bool,
) -> Result<usize, StoreError> {
    let finish = |conn: &mut DbConnection, changes: &BatchChanges<'_>| {
        if write_held {
            write_all_held(conn, held, Some(changes))
        } else {
            mark_days(
                conn,
                changes.days().filter(|day| !held.marked.contains(day)),
            )
        }
    };
    let (new, changes) = match visitors {
        Visitors::Table => super::tx::write_transaction(conn, |conn| {
            let (new, changes) = write_batch(conn, &mut VisitorTable, batch, demote, delivery)?;
            finish(conn, &changes)?;
            Ok::<_, StoreError>((new, changes))
        })?,
        Visitors::Memory(book) => {
            let written = super::tx::write_transaction(conn, |conn| {
                let mut counter = VisitorMemory {
                    book: &mut *book,
                    changes: Changes::default(),
                };
                counter.hold_days(conn, batch, demote)?;
                let (new, changes) = write_batch(conn, &mut counter, batch, demote, delivery)?;
                finish(conn, &changes)?;
                Ok::<_, StoreError>((new, changes, counter.changes))
            });
            match written {
                Ok((new, changes, visitor_changes)) => {
                    book.apply(visitor_changes);
                    if let Some(newest) = book.days().max() {
                        book.keep_from(newest - chrono::Days::new(1));
                    }
                    (new, changes)
                }
                Err(err) => {
                    // Whether the commit happened is unknown: rebuild from what is stored.
                    book.forget();
                    return Err(err);
                }
            }
        }
    };
    if write_held {
        *held = HeldRollups::default();
    } else {
        held.absorb(changes);
    }
    Ok(new)
}

/// Changes to the rollups above `click_rollups` — per network and day (`click_days`), per
/// share and month, per employee or content item (`click_owner_spans`), and the facet
/// breakdowns (`click_breakdowns`, `click_facet_spans`) — of committed batches, not yet
/// written. Their days are marked in `click_rollups_pending` (see [`rebuild_marked_days`]).
#[derive(Debug, Default)]
pub struct HeldRollups {
    /// Human clicks and unique visitors per (share, day).
    deltas: FastMap<(i64, NaiveDate), Delta>,
    facets: FacetDeltas<'static>,
    /// Days marked in `click_rollups_pending`.
    marked: BTreeSet<NaiveDate>,
}

impl HeldRollups {
    pub fn is_empty(&self) -> bool {
        self.deltas.is_empty() && self.facets.is_empty() && self.marked.is_empty()
    }

    /// How many rows writing them would change, at most: what bounds the memory they hold.
    pub fn rows(&self) -> usize {
        self.deltas.len() + self.facets.len()
    }

    fn absorb(&mut self, changes: BatchChanges<'_>) {
        self.marked.extend(changes.days());
        for (key, delta) in changes.deltas {
            if delta.human == 0 && delta.unique == 0 {
                continue; // bots, previews and flagged clicks only: nothing above changes
            }
            let d = self.deltas.entry(key).or_default();
            d.human += delta.human;
            d.unique += delta.unique;
        }
        self.facets.absorb(changes.facets);
    }
}

/// Writes what is held, in a transaction of its own, and empties `held`.
pub fn write_held(conn: &mut DbConnection, held: &mut HeldRollups) -> Result<(), StoreError> {
    if held.is_empty() {
        return Ok(());
    }
    super::tx::write_transaction(conn, |conn| write_all_held(conn, held, None))?;
    *held = HeldRollups::default();
    Ok(())
}

/// Writes what is held plus a batch's own changes, and clears the day marks, in the
/// caller's transaction.
fn write_all_held(
    conn: &mut DbConnection,
    held: &HeldRollups,
    batch: Option<&BatchChanges<'_>>,
) -> Result<(), StoreError> {
    let mut deltas = held.deltas.clone();
    let mut facets = FacetDeltas::default();
    facets.add_all(&held.facets);
    if let Some(batch) = batch {
        for (key, delta) in &batch.deltas {
            let d = deltas.entry(*key).or_default();
            d.human += delta.human;
            d.unique += delta.unique;
        }
        facets.add_all(&batch.facets);
    }
    let deltas: Vec<((i64, NaiveDate), Delta)> = deltas.into_iter().collect();
    let mut touched: Vec<i64> = deltas
        .iter()
        .filter(|(_, delta)| delta.human != 0 || delta.unique != 0)
        .map(|((share_id, _), _)| *share_id)
        .chain(facets.share_ids())
        .collect();
    touched.sort_unstable();
    touched.dedup();
    let owners = share_owners(conn, &touched)?;
    add_to_days(conn, &deltas, &owners)?;
    add_to_months(conn, &deltas, &owners)?;
    facets.write(conn, &owners)?;
    if !held.marked.is_empty() {
        diesel::delete(click_rollups_pending::table).execute(conn)?;
    }
    Ok(())
}

/// Marks days whose rollups above `click_rollups` are held back.
fn mark_days(
    conn: &mut DbConnection,
    days: impl Iterator<Item = NaiveDate>,
) -> Result<(), StoreError> {
    let days: BTreeSet<NaiveDate> = days.collect();
    if days.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = days
        .into_iter()
        .map(|day| click_rollups_pending::day.eq(DateText(day)))
        .collect();
    per_backend!(conn, c => diesel::insert_into(click_rollups_pending::table)
        .values(&rows)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

/// Rebuilds the rollups above `click_rollups` of every day still marked in
/// `click_rollups_pending` — a writer stopped (crashed, or panicked) before it wrote what it
/// held — from `click_rollups` and the raw clicks, and clears the marks, in one transaction.
/// Returns the days rebuilt. Marked days are recent (a writer holds changes for about a
/// second), so their raw clicks are still there whatever the retention.
pub fn rebuild_marked_days(conn: &mut DbConnection) -> Result<Vec<NaiveDate>, StoreError> {
    use diesel::connection::SimpleConnection;
    super::tx::write_transaction(conn, |conn| {
        let days: Vec<NaiveDate> = click_rollups_pending::table
            .select(click_rollups_pending::day)
            .order(click_rollups_pending::day)
            .load(conn)?;
        if days.is_empty() {
            return Ok(days);
        }
        let sql = rebuild_sql(&days, matches!(conn, DbConnection::Postgres(_)));
        per_backend!(conn, c => c.batch_execute(&sql))?;
        Ok(days)
    })
}

/// The statements of [`rebuild_marked_days`]: the days' own rows first, then the months
/// holding them, summed from the day rows. Dates are written as literals (they come from
/// the database's own `DATE` column, formatted here), typed for PostgreSQL.
fn rebuild_sql(days: &[NaiveDate], postgres: bool) -> String {
    use std::fmt::Write;
    let date = |d: NaiveDate| {
        if postgres {
            format!("DATE '{d}'")
        } else {
            format!("'{d}'")
        }
    };
    let time = |d: NaiveDate| {
        if postgres {
            format!("TIMESTAMP '{d} 00:00:00'")
        } else {
            format!("'{d} 00:00:00'")
        }
    };
    let mut sql = String::new();
    for &day in days {
        let d = date(day);
        // The clicks of a local day happened within a day of the UTC day: found by time.
        let from = time(day - chrono::Days::new(1));
        let to = time(day + chrono::Days::new(2));
        let _ = write!(sql, "DELETE FROM click_breakdowns WHERE day = {d};");
        for (code, column) in [
            (1, "country"),
            (2, "device"),
            (3, "browser"),
            (4, "referrer_host"),
        ] {
            let _ = write!(
                sql,
                "INSERT INTO click_breakdowns (dimension, day, share_id, value, human)
                 SELECT {code}, day, share_id, COALESCE({column}, ''), COUNT(*) FROM clicks
                 WHERE occurred_at >= {from} AND occurred_at < {to} AND day = {d} AND kind = 'human'
                 GROUP BY day, share_id, COALESCE({column}, '');"
            );
        }
        let _ = write!(
            sql,
            "DELETE FROM click_days WHERE day = {d};
             INSERT INTO click_days (day, network, human, unique_visitors)
             SELECT r.day, s.network, SUM(r.human), SUM(r.unique_visitors)
             FROM click_rollups r JOIN shares s ON s.id = r.share_id
             WHERE r.day = {d} AND (r.human <> 0 OR r.unique_visitors <> 0)
             GROUP BY r.day, s.network;
             DELETE FROM click_owner_spans WHERE span = {SPAN_DAY} AND start = {d};"
        );
        for (owner, column) in [
            (OWNER_EMPLOYEE, "employee_id"),
            (OWNER_CONTENT, "content_id"),
        ] {
            let _ = write!(
                sql,
                "INSERT INTO click_owner_spans (owner, span, start, owner_id, human, unique_visitors)
                 SELECT {owner}, {SPAN_DAY}, r.day, s.{column}, SUM(r.human), SUM(r.unique_visitors)
                 FROM click_rollups r JOIN shares s ON s.id = r.share_id
                 WHERE r.day = {d} AND (r.human <> 0 OR r.unique_visitors <> 0)
                 GROUP BY r.day, s.{column};"
            );
        }
        let _ = write!(
            sql,
            "DELETE FROM click_facet_spans WHERE span = {SPAN_DAY} AND start = {d};
             INSERT INTO click_facet_spans (dimension, span, start, network, value, human)
             SELECT b.dimension, {SPAN_DAY}, b.day, s.network, b.value, SUM(b.human)
             FROM click_breakdowns b JOIN shares s ON s.id = b.share_id
             WHERE b.day = {d} AND b.human <> 0
             GROUP BY b.dimension, b.day, s.network, b.value;"
        );
    }
    let months: BTreeSet<NaiveDate> = days.iter().map(|d| month_start(*d)).collect();
    for month in months {
        let m = date(month);
        let next = date(month + chrono::Months::new(1));
        let _ = write!(
            sql,
            "DELETE FROM click_share_months WHERE month = {m};
             INSERT INTO click_share_months (month, share_id, human, unique_visitors)
             SELECT {m}, share_id, SUM(human), SUM(unique_visitors) FROM click_rollups
             WHERE day >= {m} AND day < {next} AND (human <> 0 OR unique_visitors <> 0)
             GROUP BY share_id;
             DELETE FROM click_owner_spans WHERE span = {SPAN_MONTH} AND start = {m};
             INSERT INTO click_owner_spans (owner, span, start, owner_id, human, unique_visitors)
             SELECT owner, {SPAN_MONTH}, {m}, owner_id, SUM(human), SUM(unique_visitors)
             FROM click_owner_spans
             WHERE span = {SPAN_DAY} AND start >= {m} AND start < {next}
             GROUP BY owner, owner_id;
             DELETE FROM click_facet_spans WHERE span = {SPAN_MONTH} AND start = {m};
             INSERT INTO click_facet_spans (dimension, span, start, network, value, human)
             SELECT dimension, {SPAN_MONTH}, {m}, network, value, SUM(human)
             FROM click_facet_spans
             WHERE span = {SPAN_DAY} AND start >= {m} AND start < {next}
             GROUP BY dimension, network, value;"
        );
    }
    sql.push_str("DELETE FROM click_rollups_pending;");
    sql
}

/// A batch's changes to the rollups above `click_rollups`.
struct BatchChanges<'a> {
    deltas: Vec<((i64, NaiveDate), Delta)>,
    facets: FacetDeltas<'a>,
}

impl BatchChanges<'_> {
    /// The days changed (with repeats).
    fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.deltas
            .iter()
            .filter(|(_, d)| d.human != 0 || d.unique != 0)
            .map(|((_, day), _)| *day)
            .chain(self.facets.days())
    }
}

/// The batch's statements for the clicks, their visitors and `click_rollups`, in the
/// caller's transaction; returns how many clicks were new and the changes for the rollups
/// above.
fn write_batch<'a>(
    conn: &mut DbConnection,
    visitors: &mut dyn VisitorCounter,
    batch: &'a [NewClick],
    demote: &[String],
    delivery: Delivery,
) -> Result<(usize, BatchChanges<'a>), StoreError> {
    let new = insert_clicks(conn, batch, delivery)?;
    let mut deltas: FastMap<(i64, NaiveDate), Delta> = FastMap::new();
    // Every change to a rollup's `human` changes the breakdowns alike.
    let mut facets = FacetDeltas::default();
    let mut humans: FastMap<(i64, NaiveDate, &str), i64> = FastMap::new();
    for click in batch
        .iter()
        .zip(&new)
        .filter(|(_, new)| **new)
        .map(|(c, _)| c)
    {
        let d = deltas.entry((click.share_id, click.day)).or_default();
        match click.kind {
            ClickKind::Human => {
                d.human += 1;
                facets.add(click.share_id, click.day, facet_values(click), 1);
                *humans
                    .entry((click.share_id, click.day, &click.visitor))
                    .or_default() += 1;
            }
            ClickKind::Flagged => d.flagged += 1,
            ClickKind::Bot => d.bot += 1,
            ClickKind::Preview => d.preview += 1,
        }
    }
    let humans: Vec<((i64, NaiveDate, &str), i64)> = humans.into_iter().collect();
    for (share_id, day) in visitors.add(conn, &humans)? {
        deltas.entry((share_id, day)).or_default().unique += 1;
    }
    for click_id in demote {
        demote_to_burst(conn, visitors, click_id, &mut deltas, &mut facets)?;
    }
    let deltas: Vec<((i64, NaiveDate), Delta)> = deltas.into_iter().collect();
    for chunk in deltas.chunks(CHUNK) {
        add_to_rollups(conn, chunk)?;
    }
    let new = new.iter().filter(|n| **n).count();
    Ok((new, BatchChanges { deltas, facets }))
}

fn facet_values(click: &NewClick) -> FacetValues<'_> {
    FacetValues {
        country: click.country.as_deref(),
        device: click.device.as_deref(),
        browser: click.browser.as_deref(),
        referrer_host: click.referrer_host.as_deref(),
    }
}

/// Whether some of a batch's clicks may be stored already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Straight from the redirects: the click ids are new (a millisecond time and 53 random
    /// bits), so the rows are inserted as they are. Should an id exist after all, the batch
    /// fails as a whole and comes back from the spool as a [`Delivery::Replay`].
    First,
    /// From the journal or the spool after a crash or an outage: clicks already committed
    /// are skipped and not counted again.
    Replay,
}

/// Inserts the batch's clicks that are not stored yet; says for each whether it was new.
fn insert_clicks(
    conn: &mut DbConnection,
    batch: &[NewClick],
    delivery: Delivery,
) -> Result<Vec<bool>, StoreError> {
    let new: Vec<bool> = match delivery {
        Delivery::First => vec![true; batch.len()],
        Delivery::Replay => {
            let mut stored: HashSet<String> = HashSet::new();
            for chunk in batch.chunks(CHUNK) {
                let ids: Vec<&str> = chunk.iter().map(|c| c.click_id.as_str()).collect();
                stored.extend(
                    clicks::table
                        .filter(clicks::click_id.eq_any(ids))
                        .select(clicks::click_id)
                        .load::<String>(conn)?,
                );
            }
            // A click twice in one replay is inserted (and counted) once.
            let mut taken: HashSet<&str> = HashSet::new();
            batch
                .iter()
                .map(|c| !stored.contains(&c.click_id) && taken.insert(c.click_id.as_str()))
                .collect()
        }
    };
    let rows: Vec<ClickInsert<'_>> = batch
        .iter()
        .zip(&new)
        .filter(|(_, new)| **new)
        .map(|(c, _)| ClickInsert::from(c))
        .collect();
    for chunk in rows.chunks(CHUNK) {
        per_backend!(conn, c => diesel::insert_into(clicks::table).values(chunk).execute(c))?;
    }
    Ok(new)
}

/// Counts human clicks per (share, day, visitor) within a batch's transaction.
trait VisitorCounter {
    /// Adds human clicks; returns the (share, day) of each visitor seen there for the first
    /// time.
    fn add(
        &mut self,
        conn: &mut DbConnection,
        humans: &[((i64, NaiveDate, &str), i64)],
    ) -> Result<Vec<(i64, NaiveDate)>, StoreError>;

    /// Takes one human click away; true when it was the visitor's last there.
    fn remove_one(
        &mut self,
        conn: &mut DbConnection,
        share_id: i64,
        day: NaiveDate,
        visitor: &str,
    ) -> Result<bool, StoreError>;
}

struct VisitorTable;

impl VisitorCounter for VisitorTable {
    /// A row that comes back holding exactly what was added is new: stored rows always hold
    /// at least one click (a count that drops to 0 is deleted).
    fn add(
        &mut self,
        conn: &mut DbConnection,
        humans: &[((i64, NaiveDate, &str), i64)],
    ) -> Result<Vec<(i64, NaiveDate)>, StoreError> {
        use click_visitors::dsl as v;
        // In key order: neighbouring rows share B-tree pages.
        let mut humans = humans.to_vec();
        humans.sort_unstable();
        let mut first = Vec::new();
        for chunk in humans.chunks(CHUNK) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|((share_id, day, visitor), n)| {
                    (
                        v::share_id.eq(*share_id),
                        v::day.eq(*day),
                        v::visitor.eq(*visitor),
                        v::human.eq(*n),
                    )
                })
                .collect();
            let stored: Vec<(i64, NaiveDate, String, i64)> = per_backend!(conn, c => diesel::insert_into(v::click_visitors)
                .values(&rows)
                .on_conflict((v::share_id, v::day, v::visitor))
                .do_update()
                .set(v::human.eq(v::human + excluded(v::human)))
                .returning((v::share_id, v::day, v::visitor, v::human))
                .get_results(c))?;
            let added: HashMap<(i64, NaiveDate, &str), i64> = chunk.iter().copied().collect();
            first.extend(
                stored
                    .into_iter()
                    .filter(|(share_id, day, visitor, human)| {
                        added.get(&(*share_id, *day, visitor.as_str())) == Some(human)
                    })
                    .map(|(share_id, day, _, _)| (share_id, day)),
            );
        }
        Ok(first)
    }

    fn remove_one(
        &mut self,
        conn: &mut DbConnection,
        share_id: i64,
        day: NaiveDate,
        visitor: &str,
    ) -> Result<bool, StoreError> {
        use click_visitors::dsl as v;
        let key = v::share_id
            .eq(share_id)
            .and(v::day.eq(day))
            .and(v::visitor.eq(visitor));
        let left: Option<i64> = per_backend!(conn, c => diesel::update(v::click_visitors.filter(key))
            .set(v::human.eq(v::human - 1))
            .returning(v::human)
            .get_result(c)
            .optional())?;
        if left.is_some_and(|n| n <= 0) {
            return Ok(diesel::delete(v::click_visitors.filter(key)).execute(conn)? > 0);
        }
        Ok(false)
    }
}

struct VisitorMemory<'a> {
    book: &'a mut VisitorBook,
    changes: Changes,
}

impl VisitorMemory<'_> {
    /// Loads the days the batch touches — its clicks' days and those of the clicks it
    /// demotes — that the book does not hold, before the batch changes any click.
    fn hold_days(
        &mut self,
        conn: &mut DbConnection,
        batch: &[NewClick],
        demote: &[String],
    ) -> Result<(), StoreError> {
        let mut days: HashSet<NaiveDate> = batch.iter().map(|c| c.day).collect();
        for chunk in demote.chunks(CHUNK) {
            days.extend(
                clicks::table
                    .filter(clicks::click_id.eq_any(chunk))
                    .select(clicks::day)
                    .distinct()
                    .load::<NaiveDate>(conn)?,
            );
        }
        for day in days {
            if !self.book.holds(day) {
                let started = std::time::Instant::now();
                let counts = human_visitors_on(conn, day)?;
                tracing::info!(%day, visitors = counts.len(), ms = started.elapsed().as_millis() as u64, "unique visitors of the day loaded from the stored clicks");
                self.book.load(day, counts);
            }
        }
        Ok(())
    }
}

impl VisitorCounter for VisitorMemory<'_> {
    fn add(
        &mut self,
        _conn: &mut DbConnection,
        humans: &[((i64, NaiveDate, &str), i64)],
    ) -> Result<Vec<(i64, NaiveDate)>, StoreError> {
        Ok(humans
            .iter()
            .filter(|((share_id, day, visitor), n)| {
                let n = u32::try_from(*n).unwrap_or(u32::MAX);
                self.changes
                    .add(self.book, *day, *share_id, visitor_key(visitor), n)
            })
            .map(|((share_id, day, _), _)| (*share_id, *day))
            .collect())
    }

    fn remove_one(
        &mut self,
        _conn: &mut DbConnection,
        share_id: i64,
        day: NaiveDate,
        visitor: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .changes
            .remove_one(self.book, day, share_id, visitor_key(visitor)))
    }
}

/// Human clicks per (share, visitor) on a day, from the stored clicks: a day of the
/// [`VisitorBook`]. Read through the time index: a click's local day is within a day of
/// its UTC time whatever the time zone.
fn human_visitors_on(
    conn: &mut DbConnection,
    day: NaiveDate,
) -> Result<Vec<(i64, u128, u32)>, StoreError> {
    use diesel::dsl::count_star;
    let (Some(from), Some(until)) = (
        (day - chrono::Days::new(1)).and_hms_opt(0, 0, 0),
        (day + chrono::Days::new(2)).and_hms_opt(0, 0, 0),
    ) else {
        return Ok(Vec::new());
    };
    let rows = clicks::table
        .filter(clicks::occurred_at.ge(from))
        .filter(clicks::occurred_at.lt(until))
        .filter(clicks::day.eq(day))
        .filter(clicks::kind.eq(ClickKind::Human.as_str()))
        .group_by((clicks::share_id, clicks::visitor))
        .select((clicks::share_id, clicks::visitor, count_star()))
        // Row by row: a busy day is a million visitors, each a 32-character string here.
        .load_iter::<(i64, String, i64), DefaultLoadingMode>(conn)?;
    let mut counts = Vec::new();
    for row in rows {
        let (share_id, visitor, n) = row?;
        counts.push((
            share_id,
            visitor_key(&visitor),
            u32::try_from(n).unwrap_or(u32::MAX),
        ));
    }
    Ok(counts)
}

/// Re-flags a human click as part of a burst (once: a flagged click stays as it is), takes
/// it out of its facet breakdowns, and takes its visitor out of the unique count when it was
/// their only human click there.
fn demote_to_burst(
    conn: &mut DbConnection,
    visitors: &mut dyn VisitorCounter,
    click_id: &str,
    deltas: &mut FastMap<(i64, NaiveDate), Delta>,
    facets: &mut FacetDeltas<'_>,
) -> Result<(), StoreError> {
    /// Share, day, visitor, country, device, browser, referrer host.
    type Demoted = (
        i64,
        NaiveDate,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let demoted: Option<Demoted> = per_backend!(conn, c => diesel::update(
            clicks::table.filter(clicks::click_id.eq(click_id)).filter(clicks::kind.eq(ClickKind::Human.as_str())),
        )
        .set((clicks::kind.eq(ClickKind::Flagged.as_str()), clicks::flag_reason.eq("burst")))
        .returning((clicks::share_id, clicks::day, clicks::visitor, clicks::country, clicks::device, clicks::browser, clicks::referrer_host))
        .get_result(c)
        .optional())?;
    let Some((share_id, day, visitor, country, device, browser, referrer_host)) = demoted else {
        return Ok(());
    };
    let d = deltas.entry((share_id, day)).or_default();
    d.human -= 1;
    d.flagged += 1;
    let values = FacetValues {
        country: country.as_deref(),
        device: device.as_deref(),
        browser: browser.as_deref(),
        referrer_host: referrer_host.as_deref(),
    };
    facets.add_owned(share_id, day, values, -1);
    if visitors.remove_one(conn, share_id, day, &visitor)? {
        d.unique -= 1;
    }
    Ok(())
}

/// Adds per-(share, day) deltas to the rollups in one statement (the keys are distinct,
/// which PostgreSQL's multi-row upsert requires).
fn add_to_rollups(
    conn: &mut DbConnection,
    deltas: &[((i64, NaiveDate), Delta)],
) -> Result<(), StoreError> {
    use click_rollups::dsl as r;
    let rows: Vec<_> = deltas
        .iter()
        .map(|((share_id, day), d)| {
            (
                r::share_id.eq(*share_id),
                r::day.eq(DateText(*day)),
                r::human.eq(d.human),
                r::unique_visitors.eq(d.unique),
                r::flagged.eq(d.flagged),
                r::bot.eq(d.bot),
                r::preview.eq(d.preview),
            )
        })
        .collect();
    per_backend!(conn, c => diesel::insert_into(r::click_rollups)
        .values(&rows)
        .on_conflict((r::share_id, r::day))
        .do_update()
        .set((
            r::human.eq(r::human + excluded(r::human)),
            r::unique_visitors.eq(r::unique_visitors + excluded(r::unique_visitors)),
            r::flagged.eq(r::flagged + excluded(r::flagged)),
            r::bot.eq(r::bot + excluded(r::bot)),
            r::preview.eq(r::preview + excluded(r::preview)),
        ))
        .execute(c))?;
    Ok(())
}

/// What the rollups above the share grain group a share's clicks by; none of it changes
/// once the share exists.
#[derive(Debug, Clone)]
pub(crate) struct ShareOwners {
    pub network: String,
    pub employee_id: i64,
    pub content_id: i64,
}

/// The owners of these shares (sorted, distinct ids), in chunks.
fn share_owners(
    conn: &mut DbConnection,
    share_ids: &[i64],
) -> Result<HashMap<i64, ShareOwners>, StoreError> {
    let mut owners = HashMap::with_capacity(share_ids.len());
    for chunk in share_ids.chunks(CHUNK) {
        let rows: Vec<(i64, String, i64, i64)> = shares::table
            .filter(shares::id.eq_any(chunk))
            .select((
                shares::id,
                shares::network,
                shares::employee_id,
                shares::content_id,
            ))
            .load(conn)?;
        owners.extend(
            rows.into_iter()
                .map(|(id, network, employee_id, content_id)| {
                    (
                        id,
                        ShareOwners {
                            network,
                            employee_id,
                            content_id,
                        },
                    )
                }),
        );
    }
    Ok(owners)
}

/// Adds the batch's human and unique-visitor deltas to the per-day, per-network rollup
/// (`click_days`), so that it always equals `click_rollups` summed by day and network.
fn add_to_days(
    conn: &mut DbConnection,
    deltas: &[((i64, NaiveDate), Delta)],
    owners: &HashMap<i64, ShareOwners>,
) -> Result<(), StoreError> {
    use click_days::dsl as d;
    let mut per_day: HashMap<(NaiveDate, &str), (i64, i64)> = HashMap::new();
    for ((share_id, day), delta) in deltas {
        let Some(owner) = owners.get(share_id) else {
            continue;
        };
        let sum = per_day.entry((*day, owner.network.as_str())).or_default();
        sum.0 += delta.human;
        sum.1 += delta.unique;
    }
    let rows: Vec<_> = per_day
        .into_iter()
        .filter(|(_, (human, unique))| *human != 0 || *unique != 0)
        .map(|((day, network), (human, unique))| {
            (
                d::day.eq(DateText(day)),
                d::network.eq(network),
                d::human.eq(human),
                d::unique_visitors.eq(unique),
            )
        })
        .collect();
    for chunk in rows.chunks(CHUNK) {
        per_backend!(conn, c => diesel::insert_into(d::click_days)
            .values(chunk)
            .on_conflict((d::day, d::network))
            .do_update()
            .set((
                d::human.eq(d::human + excluded(d::human)),
                d::unique_visitors.eq(d::unique_visitors + excluded(d::unique_visitors)),
            ))
            .execute(c))?;
    }
    Ok(())
}

/// `click_owner_spans.owner` of an employee and of a content item.
pub(crate) const OWNER_EMPLOYEE: i64 = 1;
pub(crate) const OWNER_CONTENT: i64 = 2;
/// `span` of the hierarchical rollups: a local day, a month (keyed by its first day).
pub(crate) const SPAN_DAY: i64 = 1;
pub(crate) const SPAN_MONTH: i64 = 2;

/// Adds the batch's human and unique-visitor deltas to the rollups above the share's day:
/// per (share, month) and per (employee or content, day and month), so that each always
/// equals `click_rollups` summed at its grain.
fn add_to_months(
    conn: &mut DbConnection,
    deltas: &[((i64, NaiveDate), Delta)],
    owners: &HashMap<i64, ShareOwners>,
) -> Result<(), StoreError> {
    use crate::db::schema::{click_owner_spans::dsl as o, click_share_months::dsl as m};
    let mut per_month: HashMap<(NaiveDate, i64), (i64, i64)> = HashMap::new();
    let mut per_owner: HashMap<(i64, i64, NaiveDate, i64), (i64, i64)> = HashMap::new();
    for ((share_id, day), delta) in deltas {
        if delta.human == 0 && delta.unique == 0 {
            continue;
        }
        let month = month_start(*day);
        let sum = per_month.entry((month, *share_id)).or_default();
        sum.0 += delta.human;
        sum.1 += delta.unique;
        let Some(owner) = owners.get(share_id) else {
            continue;
        };
        for key in [
            (OWNER_EMPLOYEE, SPAN_DAY, *day, owner.employee_id),
            (OWNER_EMPLOYEE, SPAN_MONTH, month, owner.employee_id),
            (OWNER_CONTENT, SPAN_DAY, *day, owner.content_id),
            (OWNER_CONTENT, SPAN_MONTH, month, owner.content_id),
        ] {
            let sum = per_owner.entry(key).or_default();
            sum.0 += delta.human;
            sum.1 += delta.unique;
        }
    }
    let mut months: Vec<_> = per_month
        .into_iter()
        .filter(|(_, (human, unique))| *human != 0 || *unique != 0)
        .collect();
    // In key order: the rows of one month are neighbours in the B-tree.
    months.sort_unstable();
    for chunk in months.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|((month, share_id), (human, unique))| {
                (
                    m::month.eq(DateText(*month)),
                    m::share_id.eq(*share_id),
                    m::human.eq(*human),
                    m::unique_visitors.eq(*unique),
                )
            })
            .collect();
        per_backend!(conn, c => diesel::insert_into(m::click_share_months)
            .values(&rows)
            .on_conflict((m::month, m::share_id))
            .do_update()
            .set((
                m::human.eq(m::human + excluded(m::human)),
                m::unique_visitors.eq(m::unique_visitors + excluded(m::unique_visitors)),
            ))
            .execute(c))?;
    }
    let mut spans: Vec<_> = per_owner
        .into_iter()
        .filter(|(_, (human, unique))| *human != 0 || *unique != 0)
        .collect();
    spans.sort_unstable();
    for chunk in spans.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|((owner, span, start, id), (human, unique))| {
                (
                    o::owner.eq(*owner),
                    o::span.eq(*span),
                    o::start.eq(DateText(*start)),
                    o::owner_id.eq(*id),
                    o::human.eq(*human),
                    o::unique_visitors.eq(*unique),
                )
            })
            .collect();
        per_backend!(conn, c => diesel::insert_into(o::click_owner_spans)
            .values(&rows)
            .on_conflict((o::owner, o::span, o::start, o::owner_id))
            .do_update()
            .set((
                o::human.eq(o::human + excluded(o::human)),
                o::unique_visitors.eq(o::unique_visitors + excluded(o::unique_visitors)),
            ))
            .execute(c))?;
    }
    Ok(())
}

/// How many clicks exist with these ids (the crash test's and the spool's check).
pub fn count_existing(conn: &mut DbConnection, ids: &[String]) -> Result<i64, StoreError> {
    let mut total = 0;
    for chunk in ids.chunks(CHUNK) {
        total += clicks::table
            .filter(clicks::click_id.eq_any(chunk))
            .count()
            .get_result::<i64>(conn)?;
    }
    Ok(total)
}

/// A stored click, as pages and exports show it.
#[derive(Debug, Clone, PartialEq, Queryable, Serialize)]
pub struct ClickRecord {
    pub click_id: String,
    pub share_id: i64,
    pub occurred_at: NaiveDateTime,
    pub day: NaiveDate,
    pub visitor: String,
    pub kind: String,
    pub flag_reason: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub referrer_host: Option<String>,
    pub browser: Option<String>,
    pub os: Option<String>,
    pub device: Option<String>,
}

/// The clicks of one share, oldest first.
pub fn list_for_share(
    conn: &mut DbConnection,
    share_id: i64,
) -> Result<Vec<ClickRecord>, StoreError> {
    use clicks::dsl as c;
    Ok(c::clicks
        .filter(c::share_id.eq(share_id))
        .select((
            c::click_id,
            c::share_id,
            c::occurred_at,
            c::day,
            c::visitor,
            c::kind,
            c::flag_reason,
            c::country,
            c::region,
            c::city,
            c::referrer_host,
            c::browser,
            c::os,
            c::device,
        ))
        .order(c::id.asc())
        .load(conn)?)
}

/// All-time click counts of a share, from its daily rollups.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ClickTotals {
    pub human: i64,
    pub unique: i64,
    pub flagged: i64,
    pub bot: i64,
    pub preview: i64,
}

impl ClickTotals {
    /// Every recorded request.
    pub fn raw(&self) -> i64 {
        self.human + self.flagged + self.bot + self.preview
    }
}

/// Click totals of many shares at once (a page of a list). Summed in Rust: `SUM(BIGINT)`
/// is NUMERIC on PostgreSQL, and rollups are one row per share and day.
pub fn totals_for(
    conn: &mut DbConnection,
    share_ids: &[i64],
) -> Result<HashMap<i64, ClickTotals>, StoreError> {
    use click_rollups::dsl as r;
    let mut totals: HashMap<i64, ClickTotals> = HashMap::new();
    for chunk in share_ids.chunks(CHUNK) {
        let rows: Vec<(i64, i64, i64, i64, i64, i64)> = r::click_rollups
            .filter(r::share_id.eq_any(chunk))
            .select((
                r::share_id,
                r::human,
                r::unique_visitors,
                r::flagged,
                r::bot,
                r::preview,
            ))
            .load(conn)?;
        for (share_id, human, unique, flagged, bot, preview) in rows {
            let t = totals.entry(share_id).or_default();
            t.human += human;
            t.unique += unique;
            t.flagged += flagged;
            t.bot += bot;
            t.preview += preview;
        }
    }
    Ok(totals)
}

/// A click as the CSV export shows it, with its share's link facts. There is
/// deliberately no visitor field: the visitor hash is pseudonymous personal data (it links
/// one person's clicks together), and an export file leaves the server's retention rules.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct ClickExportRow {
    pub id: i64,
    pub click_id: String,
    pub occurred_at: NaiveDateTime,
    pub day: NaiveDate,
    pub share_id: i64,
    pub slug: String,
    pub employee_id: i64,
    pub network: String,
    pub kind: String,
    pub flag_reason: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub referrer_host: Option<String>,
    pub browser: Option<String>,
    pub os: Option<String>,
    pub device: Option<String>,
}

/// One page of the clicks export: clicks with `occurred_at` in `[from, to)` (`None` does
/// not bound), in id order, at most `limit` after id `after_id` (keyset paging: each page
/// is one indexed range read, however deep the export goes).
pub fn list_for_export(
    conn: &mut DbConnection,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
    after_id: Option<i64>,
    limit: i64,
) -> Result<Vec<ClickExportRow>, StoreError> {
    let mut query = clicks::table.inner_join(shares::table).into_boxed();
    if let Some(from) = from {
        query = query.filter(clicks::occurred_at.ge(from));
    }
    if let Some(to) = to {
        query = query.filter(clicks::occurred_at.lt(to));
    }
    if let Some(after) = after_id {
        query = query.filter(clicks::id.gt(after));
    }
    Ok(query
        .select((
            clicks::id,
            clicks::click_id,
            clicks::occurred_at,
            clicks::day,
            clicks::share_id,
            shares::slug,
            shares::employee_id,
            shares::network,
            clicks::kind,
            clicks::flag_reason,
            clicks::country,
            clicks::region,
            clicks::city,
            clicks::referrer_host,
            clicks::browser,
            clicks::os,
            clicks::device,
        ))
        .order(clicks::id.asc())
        .limit(limit)
        .load(conn)?)
}

/// Deletes up to `batch` raw clicks that happened before `before` (UTC), oldest first, in
/// one write transaction, and answers how many went. The rollups, facet counts and days
/// they were counted in stay: reports keep every figure. Conversions and touchpoints that
/// named one of them keep their share, employee, campaign and the click id's text, and only
/// lose the link to the row.
pub fn delete_raw_before(
    conn: &mut DbConnection,
    before: NaiveDateTime,
    batch: i64,
) -> Result<usize, StoreError> {
    use crate::db::schema::{conversion_touchpoints, conversions};
    super::tx::write_transaction(conn, |conn| {
        let ids: Vec<i64> = clicks::table
            .filter(clicks::occurred_at.lt(before))
            .order(clicks::occurred_at.asc())
            .select(clicks::id)
            .limit(batch)
            .load(conn)?;
        if ids.is_empty() {
            return Ok(0);
        }
        diesel::update(conversions::table.filter(conversions::click_id.eq_any(&ids)))
            .set(conversions::click_id.eq(None::<i64>))
            .execute(conn)?;
        diesel::update(
            conversion_touchpoints::table.filter(conversion_touchpoints::click_id.eq_any(&ids)),
        )
        .set(conversion_touchpoints::click_id.eq(None::<i64>))
        .execute(conn)?;
        Ok(diesel::delete(clicks::table.filter(clicks::id.eq_any(&ids))).execute(conn)?)
    })
}

//! The CSV import engine behind `chorus import` and `/admin/import`: a file of one
//! [`ImportKind`] is read twice, never held in memory.
//!
//! 1. **Check** (read-only): every row goes through the API's validation
//!    (`domain::csv_import`), references are looked up in chunks (brands, shares by id or
//!    slug, employees by id or e-mail, stored support cases), and every bad row is counted
//!    (the first [`MAX_REPORTED_ERRORS`] kept with their line numbers). A dry run stops
//!    here and says what an import would do (duplicates of stored mentions and conversions
//!    exactly, repeats within the file by 8-byte fingerprints).
//! 2. **Store**, only when the check found nothing: one write transaction for the whole
//!    file, so an import is all or nothing. A second thread reads and validates the file
//!    again and scores mention sentiment while the connection's thread writes the previous
//!    chunk, so the transaction lasts about as long as the writes alone. Chunks of
//!    [`CHUNK_ROWS`] rows go through the API's store functions in their `_rows` form (no
//!    savepoint of their own), with SQLite's page cache raised for the transaction; the
//!    queue between the threads holds a few chunks, so memory stays flat.
//!    Should the file or the database change between the passes (a row no longer valid,
//!    a brand deleted), the transaction is rolled back and the report names that row.
//!
//! Conversions are recorded one by one with the API's own store function
//! (`store::conversions::record_within`), in file order, so attribution — last click, and
//! customer continuity, which sees the rows stored before it, earlier rows of the same file
//! included — is the API's; the report counts how rows were attributed, and why not.
//!
//! On SQLite the long transaction holds the write lock: the click writer meanwhile answers
//! redirects from its journal and catches up afterwards; other writes wait or fail after
//! the busy timeout.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use diesel::result::Error as DieselError;

use crate::db::DbConnection;
use crate::domain::attribution::{Attribution, Unattributed};
use crate::domain::conversion::Currency;
use crate::domain::csv_import::{
    fingerprint, CsvFile, EmployeeRef, ErrorLog, FileError, FileFormat, ImportKind, Layout,
    Problem, Record, RowError, ShareRef,
};
use crate::domain::record::Source;
use crate::domain::sentiment::Lexicon;
use crate::domain::snapshot::{FollowerReading, MetricsReading};
use crate::domain::support::{self, NewCase};
use crate::store::conversions::NewConversion;
use crate::store::mentions::{BatchRefused, NewMention};
use crate::store::snapshots::{NewFollowerSnapshot, NewMetricsSnapshot, SnapshotRefused};
use crate::store::support::CaseRefused;
use crate::store::tx::{with_page_cache, write_transaction};
use crate::store::{self, StoreError};

pub use crate::domain::csv_import::MAX_REPORTED_ERRORS;

/// Rows per chunk: one reference lookup while checking, one store batch while importing.
pub const CHUNK_ROWS: usize = 1_000;
/// Mention text per chunk, so a file of long texts keeps chunks small too.
const CHUNK_TEXT_BYTES: usize = 1 << 20;
/// Chunks the reading thread may be ahead of the writing one.
const QUEUE_CHUNKS: usize = 4;
/// SQLite page cache during the store pass (the pool's connections have 2 MiB): a
/// million mentions import in 60 % of the time with 16 MiB; more gains nothing measurable
/// (BENCHMARKS.md) but memory.
const IMPORT_CACHE_KIB: u32 = 16 * 1024;
/// How often, in rows, progress is reported.
pub const PROGRESS_EVERY: u64 = 100_000;

/// What to import and how.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub kind: ImportKind,
    /// Check and report only; store nothing.
    pub dry_run: bool,
    /// Skip columns Chorus does not know (with a warning) instead of refusing the file.
    pub ignore_unknown_columns: bool,
    /// Reads local times and bare dates.
    pub timezone: chrono_tz::Tz,
    /// UTC; bounds future times and stands in for a blank `observed_at`.
    pub now: NaiveDateTime,
    /// The column layout of a conversions file; `None`: detected from its first line.
    pub layout: Option<Layout>,
    /// Conversions: how long before a conversion a click may earn it (the API's setting).
    pub attribution_window_days: u32,
    /// Conversions: the currency of rows that name none (the API's default).
    pub default_currency: Currency,
}

impl Options {
    fn format(&self) -> FileFormat {
        FileFormat {
            kind: self.kind,
            layout: self.layout,
            default_currency: self.default_currency,
        }
    }
}

/// Which pass a progress report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Checking,
    Importing,
}

/// What an import did, or a dry run would do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// New mentions, snapshots or cases.
    pub added: u64,
    /// Mentions skipped as repeats of a stored or earlier `(channel, external_id)`.
    pub duplicates: u64,
    /// Support cases sent again under a known `external_id` that changed.
    pub updated: u64,
    /// … that already said the same.
    pub unchanged: u64,
    /// How stored conversions were attributed (an import only; a dry run does not say).
    pub attribution: AttributionCounts,
}

/// How the conversions of an import were attributed, or why not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct AttributionCounts {
    /// Earned by their last click.
    pub by_click: u64,
    /// Earned by customer continuity.
    pub by_customer: u64,
    /// Unattributed, per reason in the order of [`Unattributed::ALL`].
    pub unattributed: [u64; Unattributed::ALL.len()],
}

impl AttributionCounts {
    pub fn add(&mut self, attribution: Attribution) {
        match attribution {
            Attribution::Click => self.by_click += 1,
            Attribution::Customer => self.by_customer += 1,
            Attribution::Unattributed(reason) => self.unattributed[reason.index()] += 1,
        }
    }

    pub fn attributed(&self) -> u64 {
        self.by_click + self.by_customer
    }

    pub fn unattributed_total(&self) -> u64 {
        self.unattributed.iter().sum()
    }

    /// The reasons with their counts, those that occurred only.
    pub fn reasons(&self) -> Vec<(Unattributed, u64)> {
        Unattributed::ALL
            .into_iter()
            .map(|r| (r, self.unattributed[r.index()]))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// `Attributed 2 (1 by click, 1 by customer id); 1 unattributed (1 with an unknown
    /// click id).`, or `None` when no conversion was stored.
    pub fn sentence(&self) -> Option<String> {
        let stored = self.attributed() + self.unattributed_total();
        if stored == 0 {
            return None;
        }
        let mut parts = Vec::new();
        if self.attributed() > 0 {
            let mut how = Vec::new();
            if self.by_click > 0 {
                how.push(format!("{} by click", group(self.by_click)));
            }
            if self.by_customer > 0 {
                how.push(format!("{} by customer id", group(self.by_customer)));
            }
            parts.push(format!(
                "Attributed {} ({})",
                group(self.attributed()),
                how.join(", ")
            ));
        } else {
            parts.push("None attributed".to_owned());
        }
        if self.unattributed_total() > 0 {
            let why: Vec<String> = self
                .reasons()
                .into_iter()
                .map(|(r, n)| format!("{} {}", group(n), r.describe()))
                .collect();
            parts.push(format!(
                "{} unattributed ({})",
                group(self.unattributed_total()),
                why.join(", ")
            ));
        }
        Some(format!("{}.", parts.join("; ")))
    }
}

/// The outcome of [`run`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub kind: ImportKind,
    pub dry_run: bool,
    /// Rows read (blank rows not counted).
    pub rows: u64,
    /// Rows skipped because every cell was blank.
    pub blank_rows: u64,
    /// Bad rows; when there are any, nothing was stored.
    pub errors: ErrorLog,
    /// Columns that were skipped.
    pub warnings: Vec<String>,
    /// Zero when refused.
    pub counts: Counts,
    /// How long the check took.
    pub check_time: Duration,
    /// How long the write transaction lasted (on SQLite, how long other writers waited);
    /// `None` when nothing was written.
    pub store_time: Option<Duration>,
}

impl Report {
    /// Whether bad rows stopped the import (or would stop it, in a dry run).
    pub fn is_refused(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Whether rows were written.
    pub fn stored(&self) -> bool {
        !self.dry_run && !self.is_refused()
    }
}

impl Report {
    /// One or two sentences for people: what was done or would be, or why not.
    pub fn summary(&self) -> String {
        let rows = plural(self.rows, "row", "rows");
        let blank = if self.blank_rows > 0 {
            format!(
                " ({} skipped)",
                plural(self.blank_rows, "blank row", "blank rows")
            )
        } else {
            String::new()
        };
        if self.is_refused() {
            let bad = format!(
                "{} of {rows}{blank} {} ({} in all)",
                group(self.errors.bad_rows),
                if self.errors.bad_rows == 1 {
                    "has errors"
                } else {
                    "have errors"
                },
                plural(self.errors.total, "error", "errors"),
            );
            return if self.dry_run {
                format!("{bad}; an import would be refused. Nothing was stored (dry run).")
            } else {
                format!("{bad}; nothing was imported.")
            };
        }
        if self.rows == 0 {
            return format!("The file has no rows{blank}; there is nothing to import.");
        }
        if self.dry_run {
            format!(
                "All {rows}{blank} are valid. An import would {}. Nothing was stored (dry run).",
                self.effects(false)
            )
        } else {
            match self.counts.attribution.sentence() {
                Some(attribution) => {
                    format!("{} from {rows}{blank}. {attribution}", self.effects(true))
                }
                None => format!("{} from {rows}{blank}.", self.effects(true)),
            }
        }
    }

    /// `add 3 mentions, skip 1 duplicate` (or `Added …, skipped …` when `done`): what the
    /// counts mean for this kind.
    fn effects(&self, done: bool) -> String {
        let c = &self.counts;
        let noun = match self.kind {
            ImportKind::Mentions => ("mention", "mentions"),
            ImportKind::Metrics => ("metrics snapshot", "metrics snapshots"),
            ImportKind::Followers => ("follower snapshot", "follower snapshots"),
            ImportKind::SupportCases => ("support case", "support cases"),
            ImportKind::Conversions => ("conversion", "conversions"),
        };
        let verb = |now: &'static str, past: &'static str| if done { past } else { now };
        let mut parts = vec![format!(
            "{} {}",
            verb("add", "Added"),
            plural(c.added, noun.0, noun.1)
        )];
        if c.duplicates > 0 {
            parts.push(format!(
                "{} {}",
                verb("skip", "skipped"),
                plural(c.duplicates, "duplicate", "duplicates")
            ));
        }
        if c.updated > 0 {
            parts.push(format!(
                "{} {}",
                verb("update", "updated"),
                plural(c.updated, "case", "cases")
            ));
        }
        if c.unchanged > 0 {
            parts.push(format!(
                "{} {} unchanged",
                verb("leave", "left"),
                plural(c.unchanged, "case", "cases")
            ));
        }
        parts.join(", ")
    }
}

/// `12345` → `12,345`.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", group(n), if n == 1 { one } else { many })
}

/// Why an import could not run. Nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Unreadable, not UTF-8, or a first line that does not fit the kind: the file is
    /// refused.
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the import's reading thread failed")]
    Worker,
}

impl ImportError {
    /// Whether the file itself is at fault (rather than the machine or the database).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            ImportError::File(FileError::Header(_) | FileError::Utf16 | FileError::HeaderNotUtf8)
        )
    }
}

impl From<DieselError> for ImportError {
    fn from(err: DieselError) -> ImportError {
        ImportError::Store(err.into())
    }
}

/// Checks the file at `path` and, unless this is a dry run or a row is bad, imports it in
/// one transaction. `lexicon` scores mentions without a sentiment; `progress` hears every
/// [`PROGRESS_EVERY`] rows.
///
/// # Errors
/// [`ImportError`] when the file cannot be read or its first line does not fit, or the
/// database fails; bad rows are not errors but a refused [`Report`].
pub fn run(
    conn: &mut DbConnection,
    path: &Path,
    options: &Options,
    lexicon: &Lexicon,
    progress: &mut dyn FnMut(Phase, u64),
) -> Result<Report, ImportError> {
    let started = Instant::now();
    let mut report = check(conn, path, options, progress)?;
    report.check_time = started.elapsed();
    if options.dry_run || report.is_refused() || report.rows == 0 {
        return Ok(report);
    }
    let started = Instant::now();
    let stored = store_all(conn, path, options, lexicon, progress);
    report.store_time = Some(started.elapsed());
    match stored {
        Ok(counts) => report.counts = counts,
        Err(Abort::Row(error)) => {
            report.counts = Counts::default();
            report.errors.add(
                error.line,
                vec![Problem {
                    column: error.column,
                    message: error.message,
                }],
            );
        }
        Err(Abort::Failed(error)) => return Err(error),
    }
    Ok(report)
}

fn open(path: &Path, options: &Options) -> Result<CsvFile<File>, FileError> {
    CsvFile::open_as(
        File::open(path)?,
        &options.format(),
        options.ignore_unknown_columns,
    )
}

/// Pass 1: validation and reference checks, read-only.
fn check(
    conn: &mut DbConnection,
    path: &Path,
    options: &Options,
    progress: &mut dyn FnMut(Phase, u64),
) -> Result<Report, ImportError> {
    let mut file = open(path, options)?;
    let warnings = file
        .header()
        .ignored
        .iter()
        .map(|c| format!("column {c} is not imported"))
        .collect();
    let mut checker = Checker::new(conn, options)?;
    let mut rows = 0u64;
    while let Some((line, parsed)) = file.next_record(options.timezone, options.now)? {
        rows += 1;
        match parsed {
            Ok(record) => checker.push(conn, line, record)?,
            Err(problems) => checker.log.add(line, problems),
        }
        if rows.is_multiple_of(PROGRESS_EVERY) {
            progress(Phase::Checking, rows);
        }
    }
    checker.flush(conn)?;
    let (mut errors, counts) = checker.finish();
    // Reference problems are found a chunk after the row's own: report in file order.
    errors.errors.sort_by_key(|e| e.line);
    Ok(Report {
        kind: options.kind,
        dry_run: options.dry_run,
        rows,
        blank_rows: file.blank_rows(),
        errors,
        warnings,
        counts,
        check_time: Duration::ZERO,
        store_time: None,
    })
}

/// Pass 1's state: rows waiting for their references to be looked up, and what a dry
/// run would do.
struct Checker {
    kind: ImportKind,
    dry_run: bool,
    /// Brand ids by lowercased name (mentions only; brands are few).
    brands: HashMap<String, i64>,
    pending: Vec<(u64, Record)>,
    log: ErrorLog,
    counts: Counts,
    /// Dry run: fingerprints of keys not stored yet (mention `(channel, external_id)`,
    /// case `external_id`), to count repeats within the file at the end.
    keys: Vec<u64>,
}

impl Checker {
    fn new(conn: &mut DbConnection, options: &Options) -> Result<Checker, StoreError> {
        let brands = match options.kind {
            ImportKind::Mentions => store::brands::list_names(conn)?
                .into_iter()
                .map(|(id, name)| (name.trim().to_lowercase(), id))
                .collect(),
            _ => HashMap::new(),
        };
        Ok(Checker {
            kind: options.kind,
            dry_run: options.dry_run,
            brands,
            pending: Vec::with_capacity(CHUNK_ROWS),
            log: ErrorLog::default(),
            counts: Counts::default(),
            keys: Vec::new(),
        })
    }

    fn push(
        &mut self,
        conn: &mut DbConnection,
        line: u64,
        record: Record,
    ) -> Result<(), StoreError> {
        if let Record::Mention(m) = &record {
            if !self.brands.contains_key(&m.brand.to_lowercase()) {
                self.log.add_one(
                    line,
                    "brand",
                    format!(
                        "no brand named {:?}; add it on the Brands page first",
                        m.brand
                    ),
                );
                return Ok(());
            }
            // Only a dry run needs the database for a mention (to count duplicates).
            if !self.dry_run {
                return Ok(());
            }
        }
        // Nor does a conversion need it but to count duplicates: click ids that name no
        // click are not errors (such conversions are kept, unattributed).
        if matches!(record, Record::Conversion(_)) && !self.dry_run {
            return Ok(());
        }
        self.pending.push((line, record));
        if self.pending.len() >= CHUNK_ROWS {
            self.flush(conn)?;
        }
        Ok(())
    }

    fn flush(&mut self, conn: &mut DbConnection) -> Result<(), StoreError> {
        let pending = std::mem::take(&mut self.pending);
        if pending.is_empty() {
            return Ok(());
        }
        match self.kind {
            ImportKind::Mentions => self.flush_mentions(conn, &pending),
            ImportKind::Metrics => {
                let shares = Shares::load(conn, pending.iter().filter_map(share_of))?;
                for row in &pending {
                    if let Some(share) = share_of(row) {
                        match shares.resolve(share) {
                            Ok(_) => self.counts.added += 1,
                            Err(p) => self.log.add(row.0, vec![p]),
                        }
                    }
                }
                Ok(())
            }
            ImportKind::Followers => {
                let people = Employees::load(conn, pending.iter().filter_map(employee_of))?;
                for row in &pending {
                    if let Some(employee) = employee_of(row) {
                        match people.resolve(employee) {
                            Ok(_) => self.counts.added += 1,
                            Err(p) => self.log.add(row.0, vec![p]),
                        }
                    }
                }
                Ok(())
            }
            ImportKind::SupportCases => self.flush_cases(conn, &pending),
            ImportKind::Conversions => self.flush_conversions(conn, &pending),
        }
    }

    /// Dry run: conversions already stored under their `(kind, external_id)` are
    /// duplicates; the others' keys are kept to count repeats within the file.
    fn flush_conversions(
        &mut self,
        conn: &mut DbConnection,
        pending: &[(u64, Record)],
    ) -> Result<(), StoreError> {
        let mut by_kind: HashMap<&str, Vec<&str>> = HashMap::new();
        for (_, record) in pending {
            if let Record::Conversion(c) = record {
                if let Some(id) = &c.external_id {
                    by_kind.entry(c.kind.as_str()).or_default().push(id);
                }
            }
        }
        let mut stored: HashSet<(&str, String)> = HashSet::new();
        for (kind, ids) in &by_kind {
            for id in store::conversions::stored_external_ids(conn, kind, ids)? {
                stored.insert((kind, id));
            }
        }
        for (_, record) in pending {
            let Record::Conversion(c) = record else {
                continue;
            };
            match &c.external_id {
                None => self.counts.added += 1,
                Some(id) if stored.contains(&(c.kind.as_str(), id.clone())) => {
                    self.counts.duplicates += 1;
                }
                Some(id) => self
                    .keys
                    .push(fingerprint(&["conversion", c.kind.as_str(), id])),
            }
        }
        Ok(())
    }

    fn flush_mentions(
        &mut self,
        conn: &mut DbConnection,
        pending: &[(u64, Record)],
    ) -> Result<(), StoreError> {
        let mut by_channel: HashMap<&str, Vec<&str>> = HashMap::new();
        for (_, record) in pending {
            if let Record::Mention(m) = record {
                if let Some(id) = &m.external_id {
                    by_channel.entry(m.channel.as_str()).or_default().push(id);
                }
            }
        }
        let mut stored: HashSet<(&str, String)> = HashSet::new();
        for (channel, ids) in &by_channel {
            for id in store::mentions::stored_external_ids(conn, channel, ids)? {
                stored.insert((channel, id));
            }
        }
        for (_, record) in pending {
            let Record::Mention(m) = record else { continue };
            match &m.external_id {
                None => self.counts.added += 1,
                Some(id) if stored.contains(&(m.channel.as_str(), id.clone())) => {
                    self.counts.duplicates += 1;
                }
                Some(id) => self.keys.push(fingerprint(&[m.channel.as_str(), id])),
            }
        }
        Ok(())
    }

    /// Cases sent again under a stored `external_id` are merged with it as the import
    /// would, so times that would end up out of order are reported now.
    fn flush_cases(
        &mut self,
        conn: &mut DbConnection,
        pending: &[(u64, Record)],
    ) -> Result<(), StoreError> {
        let ids: Vec<&str> = pending
            .iter()
            .filter_map(|(_, r)| match r {
                Record::Case(c) => c.external_id.as_deref(),
                _ => None,
            })
            .collect();
        let stored = store::support::find_by_external_ids(conn, &ids)?;
        for (line, record) in pending {
            let Record::Case(case) = record else { continue };
            let Some(id) = case.external_id.as_deref() else {
                self.counts.added += 1;
                continue;
            };
            match stored.get(id) {
                None => self.keys.push(fingerprint(&[id])),
                Some(current) => match support::merge(current, case) {
                    Ok(merged) if merged == *current => self.counts.unchanged += 1,
                    Ok(_) => self.counts.updated += 1,
                    Err(invalid) => self.log.add(*line, merge_problems(id, &invalid)),
                },
            }
        }
        Ok(())
    }

    /// The error log and, for a dry run, what the import would do.
    fn finish(mut self) -> (ErrorLog, Counts) {
        self.keys.sort_unstable();
        let total = self.keys.len() as u64;
        self.keys.dedup();
        let distinct = self.keys.len() as u64;
        self.counts.added += distinct;
        match self.kind {
            ImportKind::Mentions | ImportKind::Conversions => {
                self.counts.duplicates += total - distinct
            }
            ImportKind::SupportCases => self.counts.updated += total - distinct,
            ImportKind::Metrics | ImportKind::Followers => {}
        }
        (self.log, self.counts)
    }
}

fn merge_problems(external_id: &str, invalid: &crate::domain::record::Invalid) -> Vec<Problem> {
    invalid
        .0
        .iter()
        .map(|e| {
            Problem::at(
                e.field,
                format!(
                    "{} once merged with the case stored under external_id {external_id:?}",
                    e.message
                ),
            )
        })
        .collect()
}

fn share_of(row: &(u64, Record)) -> Option<&ShareRef> {
    match &row.1 {
        Record::Metrics { share, .. } => Some(share),
        _ => None,
    }
}

fn employee_of(row: &(u64, Record)) -> Option<&EmployeeRef> {
    match &row.1 {
        Record::Followers { employee, .. } => Some(employee),
        _ => None,
    }
}

/// Resolves an id-or-alternative reference against what was found: `Ok(id)`, or the
/// problem with the row (`what` names the referenced thing for the message).
fn resolve(
    id: Option<i64>,
    alt: Option<&str>,
    existing: &HashSet<i64>,
    by_alt: &HashMap<String, i64>,
    (id_column, alt_column, what): (&str, &str, &str),
) -> Result<i64, Problem> {
    match (id, alt) {
        (Some(id), None) if existing.contains(&id) => Ok(id),
        (Some(id), None) => Err(Problem::at(id_column, format!("no {what} {id}"))),
        (id, Some(alt)) => match (by_alt.get(alt), id) {
            (None, _) => Err(Problem::at(
                alt_column,
                format!("no {what} with {alt_column} {alt:?}"),
            )),
            (Some(found), None) => Ok(*found),
            (Some(found), Some(id)) if *found == id => Ok(id),
            (Some(found), Some(id)) => Err(Problem::at(
                alt_column,
                format!("{alt:?} is {what} {found}, not {what} {id} as {id_column} says"),
            )),
        },
        (None, None) => Err(Problem::at(
            id_column,
            format!("give {id_column} or {alt_column}"),
        )),
    }
}

/// The shares a chunk names, looked up at once.
struct Shares {
    ids: HashSet<i64>,
    slugs: HashMap<String, i64>,
}

impl Shares {
    fn load<'r>(
        conn: &mut DbConnection,
        refs: impl Iterator<Item = &'r ShareRef>,
    ) -> Result<Shares, StoreError> {
        let (mut ids, mut slugs) = (Vec::new(), Vec::new());
        for r in refs {
            match (&r.slug, r.id) {
                (Some(slug), _) => slugs.push(slug.as_str()),
                (None, Some(id)) => ids.push(id),
                (None, None) => {}
            }
        }
        Ok(Shares {
            ids: store::shares::existing_ids(conn, &ids)?,
            slugs: store::shares::ids_by_slug(conn, &slugs)?,
        })
    }

    fn resolve(&self, share: &ShareRef) -> Result<i64, Problem> {
        resolve(
            share.id,
            share.slug.as_deref(),
            &self.ids,
            &self.slugs,
            ("share_id", "slug", "share"),
        )
    }
}

/// The employees a chunk names, looked up at once.
struct Employees {
    ids: HashSet<i64>,
    emails: HashMap<String, i64>,
}

impl Employees {
    fn load<'r>(
        conn: &mut DbConnection,
        refs: impl Iterator<Item = &'r EmployeeRef>,
    ) -> Result<Employees, StoreError> {
        let (mut ids, mut emails) = (Vec::new(), Vec::new());
        for r in refs {
            match (&r.email, r.id) {
                (Some(email), _) => emails.push(email.as_str()),
                (None, Some(id)) => ids.push(id),
                (None, None) => {}
            }
        }
        Ok(Employees {
            ids: store::employees::existing_ids(conn, &ids)?,
            emails: store::employees::ids_by_email(conn, &emails)?,
        })
    }

    fn resolve(&self, employee: &EmployeeRef) -> Result<i64, Problem> {
        resolve(
            employee.id,
            employee.email.as_ref().map(|e| e.as_str()),
            &self.ids,
            &self.emails,
            ("employee_id", "employee_email", "employee"),
        )
    }
}

/// A row ready to store.
enum Item {
    Mention(NewMention),
    Metrics(ShareRef, MetricsReading),
    Followers(EmployeeRef, FollowerReading),
    Case(NewCase),
    /// With the instant its clicks are judged at.
    Conversion(Box<NewConversion>, NaiveDateTime),
}

type Chunk = Vec<(u64, Item)>;

/// Why pass 2 stopped (the transaction is rolled back either way).
enum Abort {
    /// A row that passed the check no longer does: the file or the database changed.
    Row(RowError),
    Failed(ImportError),
}

impl From<DieselError> for Abort {
    fn from(err: DieselError) -> Abort {
        Abort::Failed(err.into())
    }
}

impl From<StoreError> for Abort {
    fn from(err: StoreError) -> Abort {
        Abort::Failed(err.into())
    }
}

impl From<FileError> for Abort {
    fn from(err: FileError) -> Abort {
        Abort::Failed(err.into())
    }
}

/// Pass 2: the whole file in one write transaction.
fn store_all(
    conn: &mut DbConnection,
    path: &Path,
    options: &Options,
    lexicon: &Lexicon,
    progress: &mut dyn FnMut(Phase, u64),
) -> Result<Counts, Abort> {
    // Opened before the transaction begins: a vanished file fails without locking.
    let file = open(path, options)?;
    let options = *options;
    with_page_cache(conn, IMPORT_CACHE_KIB, |conn| {
        write_transaction(conn, |conn| {
            store_chunks(conn, file, &options, lexicon, progress)
        })
    })
}

/// The write transaction's body: chunks from the reading thread, stored as they come.
fn store_chunks(
    conn: &mut DbConnection,
    file: CsvFile<File>,
    options: &Options,
    lexicon: &Lexicon,
    progress: &mut dyn FnMut(Phase, u64),
) -> Result<Counts, Abort> {
    let options = *options;
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::sync_channel::<Chunk>(QUEUE_CHUNKS);
        let reader = scope.spawn(move || produce(file, &options, lexicon, &sender));
        let mut counts = Counts::default();
        let mut stored = 0u64;
        let mut outcome = Ok(());
        for chunk in receiver.iter() {
            let rows = chunk.len() as u64;
            if let Err(abort) = store_chunk(conn, &options, chunk, &mut counts) {
                outcome = Err(abort);
                break;
            }
            if (stored + rows) / PROGRESS_EVERY > stored / PROGRESS_EVERY {
                progress(Phase::Importing, stored + rows);
            }
            stored += rows;
        }
        // The reader stops at its next send once nobody listens.
        drop(receiver);
        let produced = reader
            .join()
            .map_err(|_| Abort::Failed(ImportError::Worker))?;
        outcome?;
        produced?;
        Ok(counts)
    })
}

/// Pass 2's reading thread: the file again, validated again, mentions scored, in chunks.
fn produce(
    mut file: CsvFile<File>,
    options: &Options,
    lexicon: &Lexicon,
    sender: &mpsc::SyncSender<Chunk>,
) -> Result<(), Abort> {
    let mut chunk: Chunk = Vec::with_capacity(CHUNK_ROWS);
    let mut text_bytes = 0;
    while let Some((line, parsed)) = file.next_record(options.timezone, options.now)? {
        let record = parsed.map_err(|problems| {
            let first = problems.into_iter().next();
            Abort::Row(RowError {
                line,
                column: first.as_ref().and_then(|p| p.column.clone()),
                message: format!(
                    "{} (the file changed after it was checked)",
                    first.map_or_else(|| "is not valid".to_owned(), |p| p.message)
                ),
            })
        })?;
        let item = match record {
            Record::Mention(m) => {
                text_bytes += m.text.len();
                Item::Mention(NewMention::new(m, lexicon))
            }
            Record::Metrics { share, reading } => Item::Metrics(share, reading),
            Record::Followers { employee, reading } => Item::Followers(employee, reading),
            Record::Case(case) => Item::Case(case),
            Record::Conversion(valid) => {
                let judged_at = valid.judged_at;
                Item::Conversion(
                    Box::new(NewConversion::from_valid(valid, options.timezone, None)),
                    judged_at,
                )
            }
        };
        chunk.push((line, item));
        if chunk.len() >= CHUNK_ROWS || text_bytes >= CHUNK_TEXT_BYTES {
            text_bytes = 0;
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_ROWS));
            if sender.send(full).is_err() {
                return Ok(());
            }
        }
    }
    if !chunk.is_empty() {
        // A closed channel means the writer stopped; it reports why.
        let _ = sender.send(chunk);
    }
    Ok(())
}

/// The first line of `lines` whose item satisfies `pick`.
fn line_where<T>(rows: &[(u64, T)], pick: impl Fn(&T) -> bool) -> u64 {
    rows.iter()
        .find(|(_, t)| pick(t))
        .map_or(0, |(line, _)| *line)
}

fn changed(line: u64, column: &str, message: String) -> Abort {
    Abort::Row(RowError::new(
        line,
        Some(column),
        format!("{message} (it changed during the import)"),
    ))
}

/// Stores one chunk with the store's batch functions, in the import's transaction (the
/// `_rows` variants: no savepoint per chunk, which on SQLite would copy every page the
/// chunk touches into a statement journal).
fn store_chunk(
    conn: &mut DbConnection,
    options: &Options,
    chunk: Chunk,
    counts: &mut Counts,
) -> Result<(), Abort> {
    match options.kind {
        ImportKind::Conversions => {
            for (_, item) in chunk {
                let Item::Conversion(new, judged_at) = item else {
                    continue;
                };
                let recorded = store::conversions::record_within(
                    conn,
                    &new,
                    options.attribution_window_days,
                    judged_at,
                )?;
                match recorded.attribution {
                    Some(attribution) if recorded.created => {
                        counts.added += 1;
                        counts.attribution.add(attribution);
                    }
                    _ => counts.duplicates += 1,
                }
            }
            Ok(())
        }
        ImportKind::Mentions => {
            let (lines, batch): (Vec<u64>, Vec<NewMention>) = chunk
                .into_iter()
                .filter_map(|(line, item)| match item {
                    Item::Mention(m) => Some((line, m)),
                    _ => None,
                })
                .unzip();
            match store::mentions::insert_rows(conn, &batch) {
                Ok(outcome) => {
                    counts.added += outcome.inserted as u64;
                    counts.duplicates += outcome.duplicates as u64;
                    Ok(())
                }
                Err(BatchRefused::UnknownBrand { index, name }) => Err(changed(
                    lines.get(index).copied().unwrap_or(0),
                    "brand",
                    format!("no brand named {name:?}"),
                )),
                Err(BatchRefused::Store(e)) => Err(e.into()),
            }
        }
        ImportKind::Metrics => {
            let rows: Vec<(u64, ShareRef, MetricsReading)> = chunk
                .into_iter()
                .filter_map(|(line, item)| match item {
                    Item::Metrics(share, reading) => Some((line, share, reading)),
                    _ => None,
                })
                .collect();
            let shares = Shares::load(conn, rows.iter().map(|(_, s, _)| s))?;
            let mut batch = Vec::with_capacity(rows.len());
            let mut lines = Vec::with_capacity(rows.len());
            for (line, share, reading) in &rows {
                let share_id = shares.resolve(share).map_err(|p| {
                    changed(*line, p.column.as_deref().unwrap_or("share_id"), p.message)
                })?;
                batch.push(NewMetricsSnapshot {
                    share_id,
                    reading: *reading,
                });
                lines.push((*line, share_id));
            }
            match store::snapshots::insert_metrics_rows(conn, &batch, Source::Import) {
                Ok(n) => {
                    counts.added += n as u64;
                    Ok(())
                }
                Err(SnapshotRefused::UnknownShare(id)) => Err(changed(
                    line_where(&lines, |s| *s == id),
                    "share_id",
                    format!("no share {id}"),
                )),
                Err(SnapshotRefused::Store(e)) => Err(e.into()),
                Err(other) => Err(Abort::Failed(ImportError::Store(StoreError::Conflict(
                    other.to_string(),
                )))),
            }
        }
        ImportKind::Followers => {
            let rows: Vec<(u64, EmployeeRef, FollowerReading)> = chunk
                .into_iter()
                .filter_map(|(line, item)| match item {
                    Item::Followers(employee, reading) => Some((line, employee, reading)),
                    _ => None,
                })
                .collect();
            let people = Employees::load(conn, rows.iter().map(|(_, e, _)| e))?;
            let mut batch = Vec::with_capacity(rows.len());
            let mut lines = Vec::with_capacity(rows.len());
            for (line, employee, reading) in &rows {
                let employee_id = people.resolve(employee).map_err(|p| {
                    changed(
                        *line,
                        p.column.as_deref().unwrap_or("employee_id"),
                        p.message,
                    )
                })?;
                batch.push(NewFollowerSnapshot {
                    employee_id,
                    reading: *reading,
                });
                lines.push((*line, employee_id));
            }
            match store::snapshots::insert_follower_rows(conn, &batch, Source::Import) {
                Ok(n) => {
                    counts.added += n as u64;
                    Ok(())
                }
                Err(SnapshotRefused::UnknownEmployee(id)) => Err(changed(
                    line_where(&lines, |e| *e == id),
                    "employee_id",
                    format!("no employee {id}"),
                )),
                Err(SnapshotRefused::Store(e)) => Err(e.into()),
                Err(other) => Err(Abort::Failed(ImportError::Store(StoreError::Conflict(
                    other.to_string(),
                )))),
            }
        }
        ImportKind::SupportCases => {
            let (lines, cases): (Vec<u64>, Vec<NewCase>) = chunk
                .into_iter()
                .filter_map(|(line, item)| match item {
                    Item::Case(case) => Some((line, case)),
                    _ => None,
                })
                .unzip();
            match store::support::record_batch(conn, &cases) {
                Ok(batch) => {
                    counts.added += batch.created as u64;
                    counts.updated += batch.updated as u64;
                    counts.unchanged += batch.unchanged as u64;
                    Ok(())
                }
                // A case repeated within the file, merged with its earlier row: a refusal
                // the check could not foresee.
                Err(CaseRefused::InvalidAt(index, invalid)) => {
                    let id = cases
                        .get(index)
                        .and_then(|c| c.external_id.as_deref())
                        .unwrap_or_default();
                    let problem = merge_problems(id, &invalid).into_iter().next();
                    Err(Abort::Row(RowError {
                        line: lines.get(index).copied().unwrap_or(0),
                        column: problem.as_ref().and_then(|p| p.column.clone()),
                        message: problem.map_or_else(|| invalid.to_string(), |p| p.message),
                    }))
                }
                Err(CaseRefused::Invalid(invalid)) => Err(Abort::Row(RowError::new(
                    lines.first().copied().unwrap_or(0),
                    None,
                    invalid.to_string(),
                ))),
                Err(CaseRefused::Store(e)) => Err(e.into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(kind: ImportKind, dry_run: bool, counts: Counts) -> Report {
        Report {
            kind,
            dry_run,
            rows: 1234,
            blank_rows: 0,
            errors: ErrorLog::default(),
            warnings: Vec::new(),
            counts,
            check_time: Duration::ZERO,
            store_time: None,
        }
    }

    #[test]
    fn summaries_say_what_happened() {
        let counts = Counts {
            added: 1233,
            duplicates: 1,
            ..Counts::default()
        };
        assert_eq!(
            report(ImportKind::Mentions, false, counts).summary(),
            "Added 1,233 mentions, skipped 1 duplicate from 1,234 rows."
        );
        assert_eq!(
            report(ImportKind::Mentions, true, counts).summary(),
            "All 1,234 rows are valid. An import would add 1,233 mentions, skip 1 duplicate. \
             Nothing was stored (dry run)."
        );
        let cases = Counts {
            added: 1,
            updated: 2,
            unchanged: 1,
            duplicates: 0,
            ..Counts::default()
        };
        assert_eq!(
            report(ImportKind::SupportCases, false, cases).summary(),
            "Added 1 support case, updated 2 cases, left 1 case unchanged from 1,234 rows."
        );
        let mut refused = report(ImportKind::Metrics, false, Counts::default());
        refused
            .errors
            .add_one(5, "likes", "must not be negative (got -1)");
        refused
            .errors
            .add_one(6, "likes", "must not be negative (got -1)");
        assert_eq!(
            refused.summary(),
            "2 of 1,234 rows have errors (2 errors in all); nothing was imported."
        );
        refused.dry_run = true;
        assert!(refused
            .summary()
            .ends_with("an import would be refused. Nothing was stored (dry run)."));
        let mut empty = report(ImportKind::Followers, false, Counts::default());
        empty.rows = 0;
        empty.blank_rows = 2;
        assert_eq!(
            empty.summary(),
            "The file has no rows (2 blank rows skipped); there is nothing to import."
        );
        assert_eq!(group(1_000_000), "1,000,000");

        let mut conversions = Counts {
            added: 4,
            duplicates: 1,
            ..Counts::default()
        };
        conversions.attribution.add(Attribution::Click);
        conversions.attribution.add(Attribution::Customer);
        conversions
            .attribution
            .add(Attribution::Unattributed(Unattributed::UnknownClick));
        conversions
            .attribution
            .add(Attribution::Unattributed(Unattributed::NewCustomer));
        let mut imported = report(ImportKind::Conversions, false, conversions);
        imported.rows = 5;
        assert_eq!(
            imported.summary(),
            "Added 4 conversions, skipped 1 duplicate from 5 rows. Attributed 2 (1 by click, \
             1 by customer id); 2 unattributed (1 of a customer seen for the first time, 1 \
             with an unknown click id)."
        );
        imported.dry_run = true;
        assert_eq!(
            imported.summary(),
            "All 5 rows are valid. An import would add 4 conversions, skip 1 duplicate. \
             Nothing was stored (dry run).",
            "a dry run does not attribute"
        );
        let mut none = AttributionCounts::default();
        assert_eq!(none.sentence(), None);
        none.add(Attribution::Unattributed(Unattributed::NoClickId));
        assert_eq!(
            none.sentence().as_deref(),
            Some("None attributed; 1 unattributed (1 without a click id).")
        );
        assert_eq!(group(999), "999");
    }
}

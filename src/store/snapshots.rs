//! Follower and metrics snapshots: recording one reading or a batch (all or nothing),
//! listing them, and the "latest reading" lookups reports are built on
//! ([`followers_at`], [`followers_at_many`], [`latest_metrics`]).
//!
//! "Latest" means the greatest `observed_at`, and among equal times the row written last
//! (greatest id), everywhere. Every read takes [`Sources`], so reports can leave out what
//! employees typed in themselves.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::max;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use serde::Serialize;

use super::tx::write_transaction;
use super::{insert_returning_id, now, per_backend, StoreError};
use crate::db::schema::{employees, follower_snapshots, metrics_snapshots, shares};
use crate::db::DbConnection;
use crate::domain::network::Network;
use crate::domain::record::{Count, Source};
use crate::domain::snapshot::{self, FollowerReading, MetricsReading};

/// Rows per statement in batches and `IN (…)` lists: far below every engine's limit on
/// bound parameters.
const CHUNK: usize = 500;

/// Which snapshots a read sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sources {
    /// Whether readings the employee typed in (`self_reported`) count.
    pub include_self_reported: bool,
}

impl Sources {
    /// Every snapshot.
    pub const ALL: Sources = Sources {
        include_self_reported: true,
    };
    /// Only what integrators and imports sent.
    pub const WITHOUT_SELF_REPORTED: Sources = Sources {
        include_self_reported: false,
    };

    /// The `source` values to leave out (an empty list keeps every row).
    pub(crate) fn excluded(self) -> Vec<&'static str> {
        if self.include_self_reported {
            Vec::new()
        } else {
            vec![Source::SelfReported.as_str()]
        }
    }
}

impl Default for Sources {
    fn default() -> Sources {
        Sources::ALL
    }
}

/// Why a snapshot was not stored.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotRefused {
    #[error("no employee {0}")]
    UnknownEmployee(i64),
    #[error("no share {0}")]
    UnknownShare(i64),
    /// Employees report numbers for their own shares only.
    #[error("share {0} belongs to another employee")]
    NotOwnShare(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DieselError> for SnapshotRefused {
    fn from(err: DieselError) -> SnapshotRefused {
        SnapshotRefused::Store(err.into())
    }
}

// ---------------------------------------------------------------------------------------
// Followers
// ---------------------------------------------------------------------------------------

/// A follower snapshot as the API shows one.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FollowerSnapshot {
    pub id: i64,
    pub employee_id: i64,
    pub network: String,
    pub followers: i64,
    pub observed_at: DateTime<Utc>,
    pub source: String,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = follower_snapshots)]
struct FollowerRow {
    id: i64,
    employee_id: i64,
    network: String,
    followers: i64,
    observed_at: NaiveDateTime,
    source: String,
}

impl From<FollowerRow> for FollowerSnapshot {
    fn from(row: FollowerRow) -> FollowerSnapshot {
        FollowerSnapshot {
            id: row.id,
            employee_id: row.employee_id,
            network: row.network,
            followers: row.followers,
            observed_at: row.observed_at.and_utc(),
            source: row.source,
        }
    }
}

/// One employee's reading, for batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewFollowerSnapshot {
    pub employee_id: i64,
    pub reading: FollowerReading,
}

/// The employees among `ids` that exist and are not erased.
fn known_employees(conn: &mut DbConnection, ids: &[i64]) -> Result<HashSet<i64>, StoreError> {
    let mut known = HashSet::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let found: Vec<i64> = employees::table
            .filter(employees::id.eq_any(chunk))
            .filter(employees::erased_at.is_null())
            .select(employees::id)
            .load(conn)?;
        known.extend(found);
    }
    Ok(known)
}

/// Records one follower reading of an employee.
///
/// # Errors
/// [`SnapshotRefused::UnknownEmployee`] for a missing or erased employee (nothing is
/// stored).
pub fn insert_followers(
    conn: &mut DbConnection,
    employee_id: i64,
    reading: &FollowerReading,
    source: Source,
) -> Result<FollowerSnapshot, SnapshotRefused> {
    write_transaction(conn, |conn| {
        if known_employees(conn, &[employee_id])?.is_empty() {
            return Err(SnapshotRefused::UnknownEmployee(employee_id));
        }
        let id = insert_returning_id!(
            conn,
            follower_snapshots::table,
            (
                follower_snapshots::employee_id.eq(employee_id),
                follower_snapshots::network.eq(reading.network.as_str()),
                follower_snapshots::followers.eq(reading.followers.get()),
                follower_snapshots::observed_at.eq(reading.observed_at),
                follower_snapshots::source.eq(source.as_str()),
                follower_snapshots::created_at.eq(now()),
            ),
            follower_snapshots::id
        )?;
        Ok(FollowerSnapshot {
            id,
            employee_id,
            network: reading.network.as_str().to_owned(),
            followers: reading.followers.get(),
            observed_at: reading.observed_at.and_utc(),
            source: source.as_str().to_owned(),
        })
    })
}

/// Records many follower readings in one transaction: all of them, or none when one
/// names an unknown employee. Returns how many were stored.
///
/// # Errors
/// [`SnapshotRefused::UnknownEmployee`] naming the first unknown employee.
pub fn insert_followers_batch(
    conn: &mut DbConnection,
    batch: &[NewFollowerSnapshot],
    source: Source,
) -> Result<usize, SnapshotRefused> {
    if batch.is_empty() {
        return Ok(0);
    }
    write_transaction(conn, |conn| insert_follower_rows(conn, batch, source))
}

/// [`insert_followers_batch`] inside a transaction the caller holds (none of its own, so
/// a caller storing many batches all or nothing pays for no savepoints).
///
/// # Errors
/// As [`insert_followers_batch`]; the caller rolls back.
pub fn insert_follower_rows(
    conn: &mut DbConnection,
    batch: &[NewFollowerSnapshot],
    source: Source,
) -> Result<usize, SnapshotRefused> {
    let mut ids: Vec<i64> = batch.iter().map(|s| s.employee_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let known = known_employees(conn, &ids)?;
    if let Some(s) = batch.iter().find(|s| !known.contains(&s.employee_id)) {
        return Err(SnapshotRefused::UnknownEmployee(s.employee_id));
    }
    let created_at = now();
    for chunk in batch.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|s| {
                (
                    follower_snapshots::employee_id.eq(s.employee_id),
                    follower_snapshots::network.eq(s.reading.network.as_str()),
                    follower_snapshots::followers.eq(s.reading.followers.get()),
                    follower_snapshots::observed_at.eq(s.reading.observed_at),
                    follower_snapshots::source.eq(source.as_str()),
                    follower_snapshots::created_at.eq(created_at),
                )
            })
            .collect();
        per_backend!(conn, c => diesel::insert_into(follower_snapshots::table)
            .values(&rows)
            .execute(c))?;
    }
    Ok(batch.len())
}

/// An employee's follower snapshots, newest first (by `observed_at`, then id), at most
/// `limit`; one network's or all.
pub fn list_followers(
    conn: &mut DbConnection,
    employee_id: i64,
    network: Option<Network>,
    sources: Sources,
    limit: i64,
) -> Result<Vec<FollowerSnapshot>, StoreError> {
    let mut query = follower_snapshots::table
        .filter(follower_snapshots::employee_id.eq(employee_id))
        .filter(follower_snapshots::source.ne_all(sources.excluded()))
        .select(FollowerRow::as_select())
        .into_boxed();
    if let Some(network) = network {
        query = query.filter(follower_snapshots::network.eq(network.as_str()));
    }
    let rows: Vec<FollowerRow> = query
        .order((
            follower_snapshots::observed_at.desc(),
            follower_snapshots::id.desc(),
        ))
        .limit(limit)
        .load(conn)?;
    Ok(rows.into_iter().map(FollowerSnapshot::from).collect())
}

/// An employee's followers on a network at `at` (UTC): the latest snapshot observed at or
/// before `at`, `None` without one (DESIGN.md §5 "reach").
pub fn followers_at(
    conn: &mut DbConnection,
    employee_id: i64,
    network: Network,
    at: NaiveDateTime,
    sources: Sources,
) -> Result<Option<i64>, StoreError> {
    Ok(follower_snapshots::table
        .filter(follower_snapshots::employee_id.eq(employee_id))
        .filter(follower_snapshots::network.eq(network.as_str()))
        .filter(follower_snapshots::observed_at.le(at))
        .filter(follower_snapshots::source.ne_all(sources.excluded()))
        .order((
            follower_snapshots::observed_at.desc(),
            follower_snapshots::id.desc(),
        ))
        .select(follower_snapshots::followers)
        .first(conn)
        .optional()?)
}

/// [`followers_at`] for many (employee, network) pairs at once, in two queries per
/// [`CHUNK`] employees instead of one per pair. Pairs without a snapshot are absent from
/// the map.
pub fn followers_at_many(
    conn: &mut DbConnection,
    pairs: &[(i64, Network)],
    at: NaiveDateTime,
    sources: Sources,
) -> Result<HashMap<(i64, Network), i64>, StoreError> {
    Ok(latest_followers_at(conn, pairs, at, sources)?
        .into_iter()
        .map(|(pair, snapshot)| (pair, snapshot.followers))
        .collect())
}

/// The snapshots behind [`followers_at_many`]: per (employee, network) pair, the latest
/// one observed at or before `at`.
pub fn latest_followers_at(
    conn: &mut DbConnection,
    pairs: &[(i64, Network)],
    at: NaiveDateTime,
    sources: Sources,
) -> Result<HashMap<(i64, Network), FollowerSnapshot>, StoreError> {
    followers_picked(conn, pairs, at, sources)
}

fn followers_picked(
    conn: &mut DbConnection,
    pairs: &[(i64, Network)],
    at: NaiveDateTime,
    sources: Sources,
) -> Result<HashMap<(i64, Network), FollowerSnapshot>, StoreError> {
    let wanted: HashSet<(i64, &str)> = pairs.iter().map(|(e, n)| (*e, n.as_str())).collect();
    let mut employee_ids: Vec<i64> = pairs.iter().map(|p| p.0).collect();
    employee_ids.sort_unstable();
    employee_ids.dedup();
    let mut out = HashMap::with_capacity(pairs.len());
    for chunk in employee_ids.chunks(CHUNK) {
        // The latest time per pair first, then the rows at those times: portable SQL
        // (no window functions or correlated subqueries), and both steps use the
        // (employee_id, network, observed_at) index.
        let base = || {
            follower_snapshots::table
                .filter(follower_snapshots::employee_id.eq_any(chunk))
                .filter(follower_snapshots::source.ne_all(sources.excluded()))
                .group_by((follower_snapshots::employee_id, follower_snapshots::network))
        };
        let latest: Vec<(i64, String, Option<NaiveDateTime>)> = base()
            .filter(follower_snapshots::observed_at.le(at))
            .select((
                follower_snapshots::employee_id,
                follower_snapshots::network,
                max(follower_snapshots::observed_at),
            ))
            .load(conn)?;
        let latest: HashMap<(i64, String), NaiveDateTime> = latest
            .into_iter()
            .filter(|(e, n, _)| wanted.contains(&(*e, n.as_str())))
            .filter_map(|(e, n, t)| Some(((e, n), t?)))
            .collect();
        if latest.is_empty() {
            continue;
        }
        let mut times: Vec<NaiveDateTime> = latest.values().copied().collect();
        times.sort_unstable();
        times.dedup();
        for times in times.chunks(CHUNK) {
            let rows: Vec<FollowerRow> = follower_snapshots::table
                .filter(follower_snapshots::employee_id.eq_any(chunk))
                .filter(follower_snapshots::observed_at.eq_any(times))
                .filter(follower_snapshots::source.ne_all(sources.excluded()))
                .order(follower_snapshots::id.asc())
                .select(FollowerRow::as_select())
                .load(conn)?;
            // Ordered by id, so among rows of the same time the last one written wins.
            for row in rows {
                if latest.get(&(row.employee_id, row.network.clone())) != Some(&row.observed_at) {
                    continue;
                }
                if let Ok(network) = Network::parse(&row.network) {
                    out.insert((row.employee_id, network), FollowerSnapshot::from(row));
                }
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------

/// A metrics snapshot as the API shows one.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MetricsSnapshot {
    pub id: i64,
    pub share_id: i64,
    pub likes: i64,
    pub comments: i64,
    pub reshares: i64,
    pub impressions: Option<i64>,
    /// Likes + comments + reshares.
    pub engagement: i64,
    pub observed_at: DateTime<Utc>,
    pub source: String,
}

impl MetricsSnapshot {
    pub fn is_self_reported(&self) -> bool {
        self.source == Source::SelfReported.as_str()
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = metrics_snapshots)]
struct MetricsRow {
    id: i64,
    share_id: i64,
    likes: i64,
    comments: i64,
    reshares: i64,
    impressions: Option<i64>,
    observed_at: NaiveDateTime,
    source: String,
}

impl From<MetricsRow> for MetricsSnapshot {
    fn from(row: MetricsRow) -> MetricsSnapshot {
        MetricsSnapshot {
            id: row.id,
            share_id: row.share_id,
            likes: row.likes,
            comments: row.comments,
            reshares: row.reshares,
            impressions: row.impressions,
            engagement: snapshot::engagement(row.likes, row.comments, row.reshares),
            observed_at: row.observed_at.and_utc(),
            source: row.source,
        }
    }
}

/// One share's reading, for batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewMetricsSnapshot {
    pub share_id: i64,
    pub reading: MetricsReading,
}

/// Owners of the shares among `ids`: share id → employee id.
fn share_owners(conn: &mut DbConnection, ids: &[i64]) -> Result<HashMap<i64, i64>, StoreError> {
    let mut owners = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<(i64, i64)> = shares::table
            .filter(shares::id.eq_any(chunk))
            .select((shares::id, shares::employee_id))
            .load(conn)?;
        owners.extend(rows);
    }
    Ok(owners)
}

fn insert_metrics_row(
    conn: &mut DbConnection,
    share_id: i64,
    reading: &MetricsReading,
    source: Source,
) -> Result<MetricsSnapshot, SnapshotRefused> {
    let id = insert_returning_id!(
        conn,
        metrics_snapshots::table,
        (
            metrics_snapshots::share_id.eq(share_id),
            metrics_snapshots::likes.eq(reading.likes.get()),
            metrics_snapshots::comments.eq(reading.comments.get()),
            metrics_snapshots::reshares.eq(reading.reshares.get()),
            metrics_snapshots::impressions.eq(reading.impressions.map(Count::get)),
            metrics_snapshots::observed_at.eq(reading.observed_at),
            metrics_snapshots::source.eq(source.as_str()),
            metrics_snapshots::created_at.eq(now()),
        ),
        metrics_snapshots::id
    )?;
    keep_latest(conn, &[(share_id, *reading)], source)?;
    Ok(MetricsSnapshot {
        id,
        share_id,
        likes: reading.likes.get(),
        comments: reading.comments.get(),
        reshares: reading.reshares.get(),
        impressions: reading.impressions.map(Count::get),
        engagement: reading.engagement(),
        observed_at: reading.observed_at.and_utc(),
        source: source.as_str().to_owned(),
    })
}

/// Records one metrics reading of a share.
///
/// # Errors
/// [`SnapshotRefused::UnknownShare`] (nothing is stored).
pub fn insert_metrics(
    conn: &mut DbConnection,
    share_id: i64,
    reading: &MetricsReading,
    source: Source,
) -> Result<MetricsSnapshot, SnapshotRefused> {
    write_transaction(conn, |conn| {
        if share_owners(conn, &[share_id])?.is_empty() {
            return Err(SnapshotRefused::UnknownShare(share_id));
        }
        insert_metrics_row(conn, share_id, reading, source)
    })
}

/// Records what an employee reports for one of their own shares (source
/// `self_reported`).
///
/// # Errors
/// [`SnapshotRefused::UnknownShare`], or [`SnapshotRefused::NotOwnShare`] when the share
/// is someone else's; nothing is stored either way.
pub fn insert_own_metrics(
    conn: &mut DbConnection,
    employee_id: i64,
    share_id: i64,
    reading: &MetricsReading,
) -> Result<MetricsSnapshot, SnapshotRefused> {
    write_transaction(conn, |conn| {
        match share_owners(conn, &[share_id])?.get(&share_id) {
            None => Err(SnapshotRefused::UnknownShare(share_id)),
            Some(owner) if *owner != employee_id => Err(SnapshotRefused::NotOwnShare(share_id)),
            Some(_) => insert_metrics_row(conn, share_id, reading, Source::SelfReported),
        }
    })
}

/// Records many metrics readings in one transaction: all of them, or none when one names
/// an unknown share. Returns how many were stored.
///
/// # Errors
/// [`SnapshotRefused::UnknownShare`] naming the first unknown share.
pub fn insert_metrics_batch(
    conn: &mut DbConnection,
    batch: &[NewMetricsSnapshot],
    source: Source,
) -> Result<usize, SnapshotRefused> {
    if batch.is_empty() {
        return Ok(0);
    }
    write_transaction(conn, |conn| insert_metrics_rows(conn, batch, source))
}

/// [`insert_metrics_batch`] inside a transaction the caller holds (none of its own).
///
/// # Errors
/// As [`insert_metrics_batch`]; the caller rolls back.
pub fn insert_metrics_rows(
    conn: &mut DbConnection,
    batch: &[NewMetricsSnapshot],
    source: Source,
) -> Result<usize, SnapshotRefused> {
    let mut ids: Vec<i64> = batch.iter().map(|s| s.share_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let owners = share_owners(conn, &ids)?;
    if let Some(s) = batch.iter().find(|s| !owners.contains_key(&s.share_id)) {
        return Err(SnapshotRefused::UnknownShare(s.share_id));
    }
    let created_at = now();
    for chunk in batch.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|s| {
                let r = &s.reading;
                (
                    metrics_snapshots::share_id.eq(s.share_id),
                    metrics_snapshots::likes.eq(r.likes.get()),
                    metrics_snapshots::comments.eq(r.comments.get()),
                    metrics_snapshots::reshares.eq(r.reshares.get()),
                    metrics_snapshots::impressions.eq(r.impressions.map(Count::get)),
                    metrics_snapshots::observed_at.eq(r.observed_at),
                    metrics_snapshots::source.eq(source.as_str()),
                    metrics_snapshots::created_at.eq(created_at),
                )
            })
            .collect();
        per_backend!(conn, c => diesel::insert_into(metrics_snapshots::table)
            .values(&rows)
            .execute(c))?;
    }
    let readings: Vec<(i64, MetricsReading)> =
        batch.iter().map(|s| (s.share_id, s.reading)).collect();
    keep_latest(conn, &readings, source)?;
    Ok(batch.len())
}

/// Updates `metrics_latest` with readings just inserted from `source`, in the order
/// inserted. A new snapshot has the greatest id, so it is its share's latest when
/// observed at or after the stored latest (the row's `WHERE`); of one share's readings
/// here, the last of the latest observed wins for the same reason.
fn keep_latest(
    conn: &mut DbConnection,
    readings: &[(i64, MetricsReading)],
    source: Source,
) -> Result<(), StoreError> {
    use crate::db::schema::metrics_latest::dsl as l;
    // `ON CONFLICT … DO UPDATE … WHERE`: the filter of an upsert.
    use diesel::query_dsl::methods::FilterDsl;
    use diesel::upsert::excluded;
    let mut newest: HashMap<i64, &MetricsReading> = HashMap::new();
    for (share_id, reading) in readings {
        let slot = newest.entry(*share_id).or_insert(reading);
        if reading.observed_at >= slot.observed_at {
            *slot = reading;
        }
    }
    let mut newest: Vec<(i64, &MetricsReading)> = newest.into_iter().collect();
    newest.sort_unstable_by_key(|(id, _)| *id);
    let scopes: &[bool] = if source == Source::SelfReported {
        &[true]
    } else {
        &[true, false]
    };
    for scope in scopes {
        for chunk in newest.chunks(CHUNK) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|(share_id, r)| {
                    (
                        l::share_id.eq(*share_id),
                        l::with_self_reported.eq(*scope),
                        l::observed_at.eq(r.observed_at),
                        l::likes.eq(r.likes.get()),
                        l::comments.eq(r.comments.get()),
                        l::reshares.eq(r.reshares.get()),
                        l::impressions.eq(r.impressions.map(Count::get)),
                    )
                })
                .collect();
            macro_rules! upsert {
                ($values:expr, $c:expr) => {
                    diesel::insert_into(l::metrics_latest)
                        .values($values)
                        .on_conflict((l::share_id, l::with_self_reported))
                        .do_update()
                        .set((
                            l::observed_at.eq(excluded(l::observed_at)),
                            l::likes.eq(excluded(l::likes)),
                            l::comments.eq(excluded(l::comments)),
                            l::reshares.eq(excluded(l::reshares)),
                            l::impressions.eq(excluded(l::impressions)),
                        ))
                        .filter(l::observed_at.le(excluded(l::observed_at)))
                        .execute($c)
                };
            }
            match conn {
                DbConnection::Postgres(c) => {
                    upsert!(&rows, c)?;
                }
                // diesel has no multi-row upsert with a WHERE on SQLite; in-process
                // statements are cheap there.
                DbConnection::Sqlite(c) => {
                    for row in rows {
                        upsert!(row, c)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// A share's metrics snapshots, newest first (by `observed_at`, then id), at most `limit`.
pub fn list_metrics(
    conn: &mut DbConnection,
    share_id: i64,
    sources: Sources,
    limit: i64,
) -> Result<Vec<MetricsSnapshot>, StoreError> {
    let rows: Vec<MetricsRow> = metrics_snapshots::table
        .filter(metrics_snapshots::share_id.eq(share_id))
        .filter(metrics_snapshots::source.ne_all(sources.excluded()))
        .select(MetricsRow::as_select())
        .order((
            metrics_snapshots::observed_at.desc(),
            metrics_snapshots::id.desc(),
        ))
        .limit(limit)
        .load(conn)?;
    Ok(rows.into_iter().map(MetricsSnapshot::from).collect())
}

/// The latest metrics snapshot of each share among `share_ids` (all time); shares
/// without one are absent from the map.
pub fn latest_metrics(
    conn: &mut DbConnection,
    share_ids: &[i64],
    sources: Sources,
) -> Result<HashMap<i64, MetricsSnapshot>, StoreError> {
    let mut out = HashMap::with_capacity(share_ids.len());
    for chunk in share_ids.chunks(CHUNK) {
        let latest: Vec<(i64, Option<NaiveDateTime>)> = metrics_snapshots::table
            .filter(metrics_snapshots::share_id.eq_any(chunk))
            .filter(metrics_snapshots::source.ne_all(sources.excluded()))
            .group_by(metrics_snapshots::share_id)
            .select((
                metrics_snapshots::share_id,
                max(metrics_snapshots::observed_at),
            ))
            .load(conn)?;
        let latest: HashMap<i64, NaiveDateTime> = latest
            .into_iter()
            .filter_map(|(share, t)| Some((share, t?)))
            .collect();
        if latest.is_empty() {
            continue;
        }
        let mut times: Vec<NaiveDateTime> = latest.values().copied().collect();
        times.sort_unstable();
        times.dedup();
        for times in times.chunks(CHUNK) {
            let rows: Vec<MetricsRow> = metrics_snapshots::table
                .filter(metrics_snapshots::share_id.eq_any(chunk))
                .filter(metrics_snapshots::observed_at.eq_any(times))
                .filter(metrics_snapshots::source.ne_all(sources.excluded()))
                .order(metrics_snapshots::id.asc())
                .select(MetricsRow::as_select())
                .load(conn)?;
            // Ordered by id, so among rows of the same time the last one written wins.
            for row in rows {
                if latest.get(&row.share_id) == Some(&row.observed_at) {
                    out.insert(row.share_id, MetricsSnapshot::from(row));
                }
            }
        }
    }
    Ok(out)
}

//! Support cases: recording one (or a batch, all or nothing) with `external_id` as the
//! key of updates ([`record`], [`record_batch`]), and reading them back for the API, the
//! admin page and KPIs ([`list`], [`count`], [`times`], [`list_channels`]).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;

use super::tx::write_transaction;
use super::{insert_returning_id, now, StoreError};
use crate::db::schema::support_cases;
use crate::db::DbConnection;
use crate::domain::record::Invalid;
use crate::domain::support::{self, CaseTimes, Channel, NewCase};

/// A support case as the API shows one.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SupportCase {
    pub id: i64,
    pub channel: String,
    pub opened_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub external_id: Option<String>,
    /// `resolved` once a resolution time is known, `open` before.
    pub status: &'static str,
    /// Seconds from opening to the first response; `null` while unanswered.
    pub first_response_seconds: Option<i64>,
    /// Seconds from opening to resolution; `null` while open.
    pub resolution_seconds: Option<i64>,
}

impl SupportCase {
    pub fn times(&self) -> CaseTimes {
        CaseTimes {
            opened_at: self.opened_at.naive_utc(),
            first_response_at: self.first_response_at.map(|t| t.naive_utc()),
            resolved_at: self.resolved_at.map(|t| t.naive_utc()),
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = support_cases)]
struct CaseRow {
    id: i64,
    channel: String,
    opened_at: NaiveDateTime,
    first_response_at: Option<NaiveDateTime>,
    resolved_at: Option<NaiveDateTime>,
    external_id: Option<String>,
}

impl CaseRow {
    fn times(&self) -> CaseTimes {
        CaseTimes {
            opened_at: self.opened_at,
            first_response_at: self.first_response_at,
            resolved_at: self.resolved_at,
        }
    }

    /// The stored case as the domain sees it, to merge an update into.
    fn to_new(&self) -> Result<NewCase, StoreError> {
        let channel = Channel::parse(&self.channel)
            .map_err(|e| StoreError::Query(DieselError::DeserializationError(Box::new(e))))?;
        Ok(NewCase {
            channel,
            times: self.times(),
            external_id: self.external_id.clone(),
        })
    }
}

impl From<CaseRow> for SupportCase {
    fn from(row: CaseRow) -> SupportCase {
        let times = row.times();
        SupportCase {
            id: row.id,
            channel: row.channel,
            opened_at: row.opened_at.and_utc(),
            first_response_at: row.first_response_at.map(|t| t.and_utc()),
            resolved_at: row.resolved_at.map(|t| t.and_utc()),
            external_id: row.external_id,
            status: if times.is_resolved() {
                "resolved"
            } else {
                "open"
            },
            first_response_seconds: times.first_response_seconds(),
            resolution_seconds: times.resolution_seconds(),
        }
    }
}

/// What recording a case did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    /// A case with the same `external_id` existed and the report changed it.
    Updated,
    /// A case with the same `external_id` existed and already said the same.
    Unchanged,
}

/// Why a case was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum CaseRefused {
    /// The case sent again under a known `external_id`, merged with the stored one, has
    /// times out of order.
    #[error("{0}")]
    Invalid(Invalid),
    /// The same, for the case at this position of a batch.
    #[error("case {0}: {1}")]
    InvalidAt(usize, Invalid),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DieselError> for CaseRefused {
    fn from(err: DieselError) -> CaseRefused {
        CaseRefused::Store(err.into())
    }
}

fn find_by_external_id(
    conn: &mut DbConnection,
    external_id: &str,
) -> Result<Option<CaseRow>, StoreError> {
    Ok(support_cases::table
        .filter(support_cases::external_id.eq(external_id))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()?)
}

/// The stored cases among `external_ids`, by external id, as the domain sees them (to
/// tell what sending them again would do).
pub fn find_by_external_ids(
    conn: &mut DbConnection,
    external_ids: &[&str],
) -> Result<std::collections::HashMap<String, NewCase>, StoreError> {
    let mut found = std::collections::HashMap::new();
    for chunk in external_ids.chunks(500) {
        let rows: Vec<CaseRow> = support_cases::table
            .filter(support_cases::external_id.eq_any(chunk))
            .select(CaseRow::as_select())
            .load(conn)?;
        for row in rows {
            if let Some(id) = row.external_id.clone() {
                found.insert(id, row.to_new()?);
            }
        }
    }
    Ok(found)
}

/// One case by id.
///
/// # Errors
/// `StoreError::NotFound` when there is none.
pub fn find_by_id(conn: &mut DbConnection, id: i64) -> Result<SupportCase, StoreError> {
    let row: CaseRow = support_cases::table
        .find(id)
        .select(CaseRow::as_select())
        .first(conn)?;
    Ok(row.into())
}

/// Applies `new` to the stored case with the same external id ([`support::merge`]).
fn update_existing(
    conn: &mut DbConnection,
    stored: &CaseRow,
    new: &NewCase,
) -> Result<(SupportCase, Outcome), CaseRefused> {
    let current = stored.to_new()?;
    let merged = support::merge(&current, new).map_err(CaseRefused::Invalid)?;
    if merged == current {
        return Ok((find_by_id(conn, stored.id)?, Outcome::Unchanged));
    }
    diesel::update(support_cases::table.find(stored.id))
        .set((
            support_cases::channel.eq(merged.channel.as_str()),
            support_cases::opened_at.eq(merged.times.opened_at),
            support_cases::first_response_at.eq(merged.times.first_response_at),
            support_cases::resolved_at.eq(merged.times.resolved_at),
        ))
        .execute(conn)?;
    Ok((find_by_id(conn, stored.id)?, Outcome::Updated))
}

/// Records `new`: a new case, or — when a case with the same `external_id` exists — an
/// update of it by [`support::merge`] (times it carries replace the stored ones, times it
/// omits are kept). One write transaction; a refusal changes nothing.
///
/// # Errors
/// [`CaseRefused::Invalid`] when the merged times would be out of order.
pub fn record(
    conn: &mut DbConnection,
    new: &NewCase,
) -> Result<(SupportCase, Outcome), CaseRefused> {
    write_transaction(conn, |conn| {
        if let Some(external_id) = &new.external_id {
            if let Some(stored) = find_by_external_id(conn, external_id)? {
                return update_existing(conn, &stored, new);
            }
        }
        let values = (
            support_cases::channel.eq(new.channel.as_str()),
            support_cases::opened_at.eq(new.times.opened_at),
            support_cases::first_response_at.eq(new.times.first_response_at),
            support_cases::resolved_at.eq(new.times.resolved_at),
            support_cases::external_id.eq(new.external_id.as_deref()),
            support_cases::created_at.eq(now()),
        );
        // In a savepoint: on PostgreSQL a concurrent report of the same case can still
        // hit the unique index, and the transaction must survive that to update it.
        let inserted = conn.transaction(|c| {
            insert_returning_id!(c, support_cases::table, values, support_cases::id)
        });
        match inserted {
            Ok(id) => Ok((find_by_id(conn, id)?, Outcome::Created)),
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info)) => {
                let stored = match &new.external_id {
                    Some(external_id) => find_by_external_id(conn, external_id)?,
                    None => None,
                };
                match stored {
                    Some(stored) => update_existing(conn, &stored, new),
                    None => Err(StoreError::Conflict(info.message().to_owned()).into()),
                }
            }
            Err(other) => Err(other.into()),
        }
    })
}

/// How many cases a batch created, updated or left as they were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Records every case of `batch` in order, as [`record`] does, in one transaction: all
/// of them or none. A later case with the same `external_id` as an earlier one updates
/// it.
///
/// # Errors
/// [`CaseRefused::InvalidAt`] with the position of the first case whose merged times
/// are out of order.
pub fn record_batch(
    conn: &mut DbConnection,
    batch: &[NewCase],
) -> Result<BatchCounts, CaseRefused> {
    write_transaction(conn, |conn| {
        let mut counts = BatchCounts::default();
        for (index, new) in batch.iter().enumerate() {
            match record(conn, new) {
                Ok((_, Outcome::Created)) => counts.created += 1,
                Ok((_, Outcome::Updated)) => counts.updated += 1,
                Ok((_, Outcome::Unchanged)) => counts.unchanged += 1,
                Err(CaseRefused::Invalid(invalid)) => {
                    return Err(CaseRefused::InvalidAt(index, invalid))
                }
                Err(other) => return Err(other),
            }
        }
        Ok(counts)
    })
}

/// Open or resolved cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStatus {
    Open,
    Resolved,
}

impl CaseStatus {
    pub fn parse(value: &str) -> Option<CaseStatus> {
        match value {
            "open" => Some(CaseStatus::Open),
            "resolved" => Some(CaseStatus::Resolved),
            _ => None,
        }
    }
}

/// Which cases a list or summary covers; `None` fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// Inclusive, UTC, on `opened_at`.
    pub from: Option<NaiveDateTime>,
    /// Exclusive, UTC, on `opened_at`.
    pub to: Option<NaiveDateTime>,
    pub channel: Option<Channel>,
    pub status: Option<CaseStatus>,
}

macro_rules! filtered {
    ($filter:expr) => {{
        let filter: &CaseFilter = $filter;
        let mut query = support_cases::table.into_boxed();
        if let Some(from) = filter.from {
            query = query.filter(support_cases::opened_at.ge(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(support_cases::opened_at.lt(to));
        }
        if let Some(channel) = &filter.channel {
            query = query.filter(support_cases::channel.eq(channel.as_str().to_owned()));
        }
        match filter.status {
            None => {}
            Some(CaseStatus::Open) => query = query.filter(support_cases::resolved_at.is_null()),
            Some(CaseStatus::Resolved) => {
                query = query.filter(support_cases::resolved_at.is_not_null())
            }
        }
        query
    }};
}

/// Cases matching `filter`, newest opened first (then by id), `limit` from `offset`.
pub fn list(
    conn: &mut DbConnection,
    filter: &CaseFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<SupportCase>, StoreError> {
    let rows: Vec<CaseRow> = filtered!(filter)
        .select(CaseRow::as_select())
        .order((support_cases::opened_at.desc(), support_cases::id.desc()))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok(rows.into_iter().map(SupportCase::from).collect())
}

/// How many cases match `filter`.
pub fn count(conn: &mut DbConnection, filter: &CaseFilter) -> Result<i64, StoreError> {
    Ok(filtered!(filter).count().get_result(conn)?)
}

/// The times of every case matching `filter`, for [`support::summarise`].
pub fn times(conn: &mut DbConnection, filter: &CaseFilter) -> Result<Vec<CaseTimes>, StoreError> {
    let rows: Vec<(NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>)> =
        filtered!(filter)
            .select((
                support_cases::opened_at,
                support_cases::first_response_at,
                support_cases::resolved_at,
            ))
            .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(opened_at, first_response_at, resolved_at)| CaseTimes {
            opened_at,
            first_response_at,
            resolved_at,
        })
        .collect())
}

/// The channels cases were recorded on, alphabetically (for filter choices).
pub fn list_channels(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    Ok(support_cases::table
        .select(support_cases::channel)
        .distinct()
        .order(support_cases::channel.asc())
        .load(conn)?)
}

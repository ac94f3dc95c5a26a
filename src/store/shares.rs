//! Shares and their short links: creation (one share per employee, content item and
//! network), lookups and changes for the API, the links the redirect serves
//! ([`find_link_by_slug`], [`list_links`]) and per-share statistics ([`stats`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;

use super::snapshots::{self, Sources};
use super::tx::write_transaction;
use super::{campaigns, insert_returning_id, now, StoreError};
use crate::db::schema::campaigns as campaigns_table;
use crate::db::schema::{click_rollups, content, conversions, employees, shares};
use crate::db::DbConnection;
use crate::domain::conversion::sales_by_currency;
use crate::domain::network::Network;
use crate::domain::share;
use crate::domain::slug::Slug;
use crate::domain::utm::DestinationUrl;

/// What a credit report groups a share by: its employee, content item, the content's
/// campaign and its network, with their names.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct CreditFacts {
    pub employee_id: i64,
    pub employee_name: String,
    pub content_id: i64,
    pub content_title: String,
    pub campaign_id: Option<i64>,
    pub campaign_name: Option<String>,
    pub network: String,
}

/// [`CreditFacts`] of the given shares, by share id (unknown ids are left out).
pub fn list_credit_facts(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<HashMap<i64, CreditFacts>, StoreError> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, CreditFacts)> = shares::table
            .inner_join(employees::table)
            .inner_join(content::table.left_join(campaigns_table::table))
            .filter(shares::id.eq_any(chunk))
            .select((
                shares::id,
                (
                    shares::employee_id,
                    employees::name,
                    shares::content_id,
                    content::title,
                    content::campaign_id,
                    campaigns_table::name.nullable(),
                    shares::network,
                ),
            ))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// How many slugs (and tokens) are tried before creating a share gives up. With 64^7
/// generated slugs, needing more than one try already means the slug space is crowded.
pub const MAX_INSERT_ATTEMPTS: usize = 5;

/// A share as the API shows one (the short URL is added by the web layer, which knows
/// the public base).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Share {
    pub id: i64,
    pub slug: String,
    pub destination: String,
    pub employee_id: i64,
    pub content_id: i64,
    pub network: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub disabled: bool,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = shares)]
struct ShareRow {
    id: i64,
    employee_id: i64,
    content_id: i64,
    network: String,
    slug: String,
    destination: String,
    created_at: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
    disabled_at: Option<NaiveDateTime>,
}

impl From<ShareRow> for Share {
    fn from(row: ShareRow) -> Share {
        Share {
            id: row.id,
            slug: row.slug,
            destination: row.destination,
            employee_id: row.employee_id,
            content_id: row.content_id,
            network: row.network,
            created_at: row.created_at.and_utc(),
            expires_at: row.expires_at.map(|t| t.and_utc()),
            disabled: row.disabled_at.is_some(),
        }
    }
}

/// What creating a share needs, already parsed. `slug` is a custom slug; `None` means
/// generated.
#[derive(Debug, Clone)]
pub struct NewShare {
    pub employee_id: i64,
    pub content_id: i64,
    pub network: Network,
    pub slug: Option<Slug>,
}

/// Why a share was not created.
#[derive(Debug, thiserror::Error)]
pub enum ShareRefused {
    #[error("no employee with this id")]
    UnknownEmployee,
    #[error("no content item with this id")]
    UnknownContent,
    #[error("the short link is taken")]
    SlugTaken,
    #[error("no free slug found in {MAX_INSERT_ATTEMPTS} attempts")]
    NoFreeSlug,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DieselError> for ShareRefused {
    fn from(err: DieselError) -> ShareRefused {
        ShareRefused::Store(err.into())
    }
}

/// Which unique index an insert ran into.
enum Clash {
    Slug,
    Token,
    /// `(employee_id, content_id, network)`: a concurrent request made the same share.
    SameShare,
}

fn clash(err: &DieselError) -> Option<Clash> {
    match err {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            // PostgreSQL names the constraint (`shares_slug_key`); SQLite only says
            // "UNIQUE constraint failed: shares.slug".
            let what = info.constraint_name().unwrap_or(info.message());
            Some(if what.contains("slug") {
                Clash::Slug
            } else if what.contains("token") {
                Clash::Token
            } else {
                Clash::SameShare
            })
        }
        _ => None,
    }
}

/// Creates the share of `(employee, content, network)`, or returns the existing one:
/// `Ok((share, true))` when created, `Ok((share, false))` when it already existed — then
/// `new.slug` is ignored, since a share owns exactly one short link.
///
/// The destination is the content URL tagged per [`share::destination`], with the content's
/// campaign (if any) and a fresh token. Generated slugs come from `next_slug` and are
/// retried on a collision (as are tokens), up to [`MAX_INSERT_ATTEMPTS`] times; each try
/// runs in a savepoint, so a collision does not abort the transaction on PostgreSQL.
/// Everything happens in one transaction: a refused share stores nothing.
///
/// # Errors
/// [`ShareRefused::UnknownEmployee`] (missing or erased), [`ShareRefused::UnknownContent`]
/// (missing or archived), [`ShareRefused::SlugTaken`] for a custom slug in use,
/// [`ShareRefused::NoFreeSlug`] when every generated slug collided.
pub fn create(
    conn: &mut DbConnection,
    new: &NewShare,
    next_slug: &mut dyn FnMut() -> Slug,
) -> Result<(Share, bool), ShareRefused> {
    create_at(conn, new, next_slug, now())
}

/// [`create`] for a share made at `created_at` (UTC) rather than now: demo and seed data
/// (`crate::demo`), whose shares were made over the weeks their clicks span.
///
/// # Errors
/// As [`create`].
pub fn create_at(
    conn: &mut DbConnection,
    new: &NewShare,
    next_slug: &mut dyn FnMut() -> Slug,
    created_at: NaiveDateTime,
) -> Result<(Share, bool), ShareRefused> {
    write_transaction(conn, |conn| {
        if let Some(existing) = find_by_key(conn, new)? {
            return Ok((existing, false));
        }
        let employees_found: i64 = employees::table
            .filter(employees::id.eq(new.employee_id))
            .filter(employees::erased_at.is_null())
            .count()
            .get_result(conn)?;
        if employees_found == 0 {
            return Err(ShareRefused::UnknownEmployee);
        }
        let (url, campaign_id): (String, Option<i64>) = content::table
            .filter(content::id.eq(new.content_id))
            .filter(content::archived_at.is_null())
            .select((content::url, content::campaign_id))
            .first(conn)
            .optional()?
            .ok_or(ShareRefused::UnknownContent)?;
        let url = DestinationUrl::parse(&url)
            .map_err(|e| StoreError::Query(DieselError::DeserializationError(Box::new(e))))?;
        let campaign = match campaign_id {
            Some(id) => campaigns::find_utm(conn, id)?,
            None => None,
        };
        if let Some(slug) = &new.slug {
            if slug_taken(conn, slug.as_str())? {
                return Err(ShareRefused::SlugTaken);
            }
        }

        for _ in 0..MAX_INSERT_ATTEMPTS {
            let slug = match &new.slug {
                Some(custom) => custom.clone(),
                None => next_slug(),
            };
            let token = share::new_token();
            let destination = share::destination(&url, new.network, campaign.as_ref(), &token);
            let inserted = conn.transaction(|conn| {
                insert_returning_id!(
                    conn,
                    shares::table,
                    (
                        shares::employee_id.eq(new.employee_id),
                        shares::content_id.eq(new.content_id),
                        shares::network.eq(new.network.as_str()),
                        shares::slug.eq(slug.as_str()),
                        shares::token.eq(&token),
                        shares::destination.eq(&destination),
                        shares::created_at.eq(created_at),
                    ),
                    shares::id
                )
            });
            match inserted {
                Ok(id) => {
                    let share = Share {
                        id,
                        slug: slug.into_string(),
                        destination,
                        employee_id: new.employee_id,
                        content_id: new.content_id,
                        network: new.network.as_str().to_owned(),
                        created_at: created_at.and_utc(),
                        expires_at: None,
                        disabled: false,
                    };
                    return Ok((share, true));
                }
                Err(err) => match clash(&err) {
                    Some(Clash::Slug) if new.slug.is_some() => return Err(ShareRefused::SlugTaken),
                    Some(Clash::Slug | Clash::Token) => continue,
                    Some(Clash::SameShare) => {
                        return match find_by_key(conn, new)? {
                            Some(existing) => Ok((existing, false)),
                            None => Err(ShareRefused::from(err)),
                        };
                    }
                    None => return Err(err.into()),
                },
            }
        }
        Err(ShareRefused::NoFreeSlug)
    })
}

fn find_by_key(conn: &mut DbConnection, new: &NewShare) -> Result<Option<Share>, StoreError> {
    let row: Option<ShareRow> = shares::table
        .filter(shares::employee_id.eq(new.employee_id))
        .filter(shares::content_id.eq(new.content_id))
        .filter(shares::network.eq(new.network.as_str()))
        .select(ShareRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(Share::from))
}

fn slug_taken(conn: &mut DbConnection, slug: &str) -> Result<bool, StoreError> {
    let n: i64 = shares::table
        .filter(shares::slug.eq(slug))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// One share by id.
///
/// # Errors
/// `StoreError::NotFound` when there is none.
pub fn find_by_id(conn: &mut DbConnection, id: i64) -> Result<Share, StoreError> {
    let row: ShareRow = shares::table
        .find(id)
        .select(ShareRow::as_select())
        .first(conn)?;
    Ok(row.into())
}

/// Which shares [`list`] returns; `None` fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct ShareFilter {
    pub employee_id: Option<i64>,
    pub content_id: Option<i64>,
    pub network: Option<Network>,
}

/// Shares matching `filter`, newest first.
pub fn list(conn: &mut DbConnection, filter: &ShareFilter) -> Result<Vec<Share>, StoreError> {
    let mut query = shares::table.select(ShareRow::as_select()).into_boxed();
    if let Some(id) = filter.employee_id {
        query = query.filter(shares::employee_id.eq(id));
    }
    if let Some(id) = filter.content_id {
        query = query.filter(shares::content_id.eq(id));
    }
    if let Some(network) = filter.network {
        query = query.filter(shares::network.eq(network.as_str()));
    }
    let rows: Vec<ShareRow> = query
        .order((shares::created_at.desc(), shares::id.desc()))
        .load(conn)?;
    Ok(rows.into_iter().map(Share::from).collect())
}

/// A share with the names pages show beside it.
#[derive(Debug, Clone)]
pub struct ShareListing {
    pub share: Share,
    pub employee: String,
    pub title: String,
    pub content_url: String,
}

/// Shares for the link pages, newest first: one employee's, or everyone's.
pub fn list_with_names(
    conn: &mut DbConnection,
    employee_id: Option<i64>,
    limit: i64,
) -> Result<Vec<ShareListing>, StoreError> {
    let mut query = shares::table
        .inner_join(employees::table)
        .inner_join(content::table)
        .select((
            ShareRow::as_select(),
            employees::name,
            content::title,
            content::url,
        ))
        .into_boxed();
    if let Some(id) = employee_id {
        query = query.filter(shares::employee_id.eq(id));
    }
    let rows: Vec<(ShareRow, String, String, String)> = query
        .order((shares::created_at.desc(), shares::id.desc()))
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, employee, title, content_url)| ShareListing {
            share: Share::from(row),
            employee,
            title,
            content_url,
        })
        .collect())
}

/// Changes to a share's link; `None` fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct ShareChanges {
    /// `Some(true)` disables the link (keeping the first time it was disabled),
    /// `Some(false)` enables it again.
    pub disabled: Option<bool>,
    /// `Some(Some(t))` sets the expiry (UTC), `Some(None)` removes it.
    pub expires_at: Option<Option<NaiveDateTime>>,
}

#[derive(AsChangeset)]
#[diesel(table_name = shares)]
struct ShareChangeset {
    disabled_at: Option<Option<NaiveDateTime>>,
    expires_at: Option<Option<NaiveDateTime>>,
}

/// Applies `changes` and returns the share as it is afterwards.
///
/// # Errors
/// `StoreError::NotFound` when there is no such share.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    changes: &ShareChanges,
) -> Result<Share, StoreError> {
    write_transaction(conn, |conn| {
        let current: Option<NaiveDateTime> = shares::table
            .find(id)
            .select(shares::disabled_at)
            .first(conn)?;
        let disabled_at = match changes.disabled {
            None => None,
            Some(true) => Some(Some(current.unwrap_or_else(now))),
            Some(false) => Some(None),
        };
        if disabled_at.is_some() || changes.expires_at.is_some() {
            diesel::update(shares::table.find(id))
                .set(ShareChangeset {
                    disabled_at,
                    expires_at: changes.expires_at,
                })
                .execute(conn)?;
        }
        find_by_id(conn, id)
    })
}

// ---------------------------------------------------------------------------------------
// Links, for the redirect
// ---------------------------------------------------------------------------------------

/// What the redirect needs to answer a slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    pub share_id: i64,
    pub employee_id: i64,
    /// The tagged destination; the click id is appended per click.
    pub destination: String,
    /// Whether to append the click id (`content.click_param`; off for signed URLs).
    pub click_param: bool,
    /// UTC; the link answers 410 from this instant on.
    pub expires_at: Option<NaiveDateTime>,
    /// A disabled link answers 404.
    pub disabled: bool,
}

type LinkTuple = (
    String,
    i64,
    i64,
    String,
    bool,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

fn link_columns() -> (
    shares::slug,
    shares::id,
    shares::employee_id,
    shares::destination,
    content::click_param,
    shares::expires_at,
    shares::disabled_at,
) {
    (
        shares::slug,
        shares::id,
        shares::employee_id,
        shares::destination,
        content::click_param,
        shares::expires_at,
        shares::disabled_at,
    )
}

fn link_from_tuple(
    (slug, share_id, employee_id, destination, click_param, expires_at, disabled_at): LinkTuple,
) -> (String, LinkRow) {
    (
        slug,
        LinkRow {
            share_id,
            employee_id,
            destination,
            click_param,
            expires_at,
            disabled: disabled_at.is_some(),
        },
    )
}

/// Rows per `IN (…)` list of the lookups below: far below every engine's parameter limit.
const LOOKUP_CHUNK: usize = 500;

/// The shares among `ids` that exist.
pub fn existing_ids(conn: &mut DbConnection, ids: &[i64]) -> Result<HashSet<i64>, StoreError> {
    let mut found = HashSet::with_capacity(ids.len());
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        let rows: Vec<i64> = shares::table
            .filter(shares::id.eq_any(chunk))
            .select(shares::id)
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}

/// Share ids by slug (exact, slugs are case-sensitive), for the slugs among `slugs` that
/// exist.
pub fn ids_by_slug(
    conn: &mut DbConnection,
    slugs: &[&str],
) -> Result<HashMap<String, i64>, StoreError> {
    let mut found = HashMap::with_capacity(slugs.len());
    for chunk in slugs.chunks(LOOKUP_CHUNK) {
        let rows: Vec<(String, i64)> = shares::table
            .filter(shares::slug.eq_any(chunk))
            .select((shares::slug, shares::id))
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}

/// The link of a slug, exactly as stored (slugs are case-sensitive); `None` when no share
/// has it. Disabled and expired links are returned too: the redirect tells them apart
/// (404, 410).
pub fn find_link_by_slug(
    conn: &mut DbConnection,
    slug: &str,
) -> Result<Option<LinkRow>, StoreError> {
    let row: Option<LinkTuple> = shares::table
        .inner_join(content::table)
        .filter(shares::slug.eq(slug))
        .select(link_columns())
        .first(conn)
        .optional()?;
    Ok(row.map(|t| link_from_tuple(t).1))
}

/// Every link, as `(slug, link)`, to warm the redirect's cache (disabled and expired ones
/// included).
pub fn list_links(conn: &mut DbConnection) -> Result<Vec<(String, LinkRow)>, StoreError> {
    let rows: Vec<LinkTuple> = shares::table
        .inner_join(content::table)
        .select(link_columns())
        .order(shares::id.asc())
        .load(conn)?;
    Ok(rows.into_iter().map(link_from_tuple).collect())
}

// ---------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------

/// A share's numbers, all time (API.md `GET /shares/{id}`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ShareStats {
    /// Verified human clicks.
    pub clicks: i64,
    /// Distinct human visitors per day, summed over days.
    pub unique_clicks: i64,
    /// Every recorded request: human + flagged + bot + preview.
    pub raw_clicks: i64,
    pub bot_clicks: i64,
    pub preview_clicks: i64,
    /// Kept but not counted as human: self-clicks, scanner bursts, quick repeats.
    pub flagged_clicks: i64,
    /// Likes + comments + reshares of the latest metrics snapshot (0 without one).
    pub engagement: i64,
    /// Impressions of the latest snapshot; `None` without a snapshot or when it reported
    /// none.
    pub impressions: Option<i64>,
    /// When the latest snapshot was observed; `None` without one.
    pub metrics_observed_at: Option<DateTime<Utc>>,
    /// Where the latest snapshot came from (`api`, `import`, `self_reported`); `None`
    /// without one.
    pub metrics_source: Option<String>,
    /// Conversions attributed to the share, of any kind.
    pub conversions: i64,
    /// Σ `value_cents` of its sales, across currencies (see `revenue_by_currency`).
    pub revenue_cents: i64,
    /// Σ `value_cents` of its sales per currency; a sale without a currency counts in the
    /// default currency.
    pub revenue_by_currency: BTreeMap<String, i64>,
}

/// The statistics of one share (which need not exist: then everything is zero).
/// Engagement and impressions are the latest metrics snapshot's of all time among
/// `sources`.
pub fn stats(
    conn: &mut DbConnection,
    share_id: i64,
    default_currency: &str,
    sources: Sources,
) -> Result<ShareStats, StoreError> {
    let mut stats = ShareStats::default();

    // One row per day: summing in Rust keeps `SUM(BIGINT)` (NUMERIC on PostgreSQL) out
    // of the query, and a share has at most a few hundred days of rollups.
    let rollups: Vec<(i64, i64, i64, i64, i64)> = click_rollups::table
        .filter(click_rollups::share_id.eq(share_id))
        .select((
            click_rollups::human,
            click_rollups::unique_visitors,
            click_rollups::flagged,
            click_rollups::bot,
            click_rollups::preview,
        ))
        .load(conn)?;
    for (human, unique, flagged, bot, preview) in rollups {
        stats.clicks += human;
        stats.unique_clicks += unique;
        stats.flagged_clicks += flagged;
        stats.bot_clicks += bot;
        stats.preview_clicks += preview;
    }
    stats.raw_clicks =
        stats.clicks + stats.flagged_clicks + stats.bot_clicks + stats.preview_clicks;

    if let Some(latest) = snapshots::latest_metrics(conn, &[share_id], sources)?.remove(&share_id) {
        stats.engagement = latest.engagement;
        stats.impressions = latest.impressions;
        stats.metrics_observed_at = Some(latest.observed_at);
        stats.metrics_source = Some(latest.source);
    }

    let converted: Vec<(String, Option<i64>, Option<String>)> = conversions::table
        .filter(conversions::share_id.eq(share_id))
        .select((
            conversions::kind,
            conversions::value_cents,
            conversions::currency,
        ))
        .load(conn)?;
    stats.conversions = converted.len() as i64;
    stats.revenue_by_currency = sales_by_currency(
        converted
            .iter()
            .map(|(kind, value, currency)| (kind.as_str(), *value, currency.as_deref())),
        default_currency,
    );
    stats.revenue_cents = stats
        .revenue_by_currency
        .values()
        .fold(0i64, |sum, v| sum.saturating_add(*v));
    Ok(stats)
}

/// A share as the CSV export shows it, with names and all-time click totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareExportRow {
    pub id: i64,
    pub created_at: NaiveDateTime,
    pub slug: String,
    pub employee_id: i64,
    pub employee_name: String,
    pub content_id: i64,
    pub content_title: String,
    pub network: String,
    pub campaign_id: Option<i64>,
    /// Every recorded request, from the daily rollups.
    pub raw_clicks: i64,
    /// Counted human clicks, from the daily rollups.
    pub human_clicks: i64,
}

/// One page of the shares export: shares with `created_at` in `[from, to)` (`None` does not
/// bound), in id order, at most `limit` after id `after_id` (keyset paging). Click totals
/// come from the rollups in one more query per page, not from the clicks themselves.
pub fn list_for_export(
    conn: &mut DbConnection,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
    after_id: Option<i64>,
    limit: i64,
) -> Result<Vec<ShareExportRow>, StoreError> {
    let mut query = shares::table
        .inner_join(employees::table)
        .inner_join(content::table)
        .into_boxed();
    if let Some(from) = from {
        query = query.filter(shares::created_at.ge(from));
    }
    if let Some(to) = to {
        query = query.filter(shares::created_at.lt(to));
    }
    if let Some(after) = after_id {
        query = query.filter(shares::id.gt(after));
    }
    type Row = (
        i64,
        NaiveDateTime,
        String,
        i64,
        String,
        i64,
        String,
        String,
        Option<i64>,
    );
    let rows: Vec<Row> = query
        .select((
            shares::id,
            shares::created_at,
            shares::slug,
            shares::employee_id,
            employees::name,
            shares::content_id,
            content::title,
            shares::network,
            content::campaign_id,
        ))
        .order(shares::id.asc())
        .limit(limit)
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let totals = super::clicks::totals_for(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                created_at,
                slug,
                employee_id,
                employee_name,
                content_id,
                content_title,
                network,
                campaign_id,
            )| {
                let t = totals.get(&id).copied().unwrap_or_default();
                ShareExportRow {
                    id,
                    created_at,
                    slug,
                    employee_id,
                    employee_name,
                    content_id,
                    content_title,
                    network,
                    campaign_id,
                    raw_clicks: t.raw(),
                    human_clicks: t.human,
                }
            },
        )
        .collect())
}

//! Report queries: leaderboards and KPI figures over a period with the filters of
//! DESIGN.md §5 (campaign, team, network).
//!
//! Clicks come from the daily rollups, never from raw clicks. Sums are done by the
//! database (`CAST(SUM(…) AS BIGINT)`, since PostgreSQL's SUM of BIGINT is NUMERIC);
//! names are looked up afterwards for the rows that made it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::breakdowns::spans_of;
use super::clicks::{OWNER_CONTENT, OWNER_EMPLOYEE, SPAN_DAY};
use super::snapshots::{self, Sources};
use super::social;
use super::StoreError;
use crate::db::schema::{
    click_days, click_owner_spans, click_rollups, click_share_months, content, conversions,
    employees, follower_snapshots, metrics_snapshots, shares, teams,
};
use crate::db::time_read::ReadTimestamp;
use crate::db::DbConnection;
use crate::domain::attribution::Model;
use crate::domain::kpi;
use crate::domain::leaderboard::{self, Board};
use crate::domain::network::Network;
use crate::domain::period::{month_start, Interval, Period};

diesel::allow_columns_to_appear_in_same_group_by_clause!(click_rollups::day, shares::network);

/// What a report looks at.
#[derive(Debug, Clone)]
pub struct ReportFilter {
    pub period: Period,
    pub campaign_id: Option<i64>,
    pub team: Option<String>,
    pub network: Option<String>,
    /// Rank click boards by unique visitors instead of verified clicks.
    pub unique: bool,
    /// Currency that revenue boards and totals sum (others are reported apart).
    pub currency: String,
    /// How conversion boards share credit among touchpoints (DESIGN.md §4).
    pub model: Model,
    /// Revenue boards: credit every employee who touched a sale with its full value
    /// (influenced) instead of the model's share (sourced, with last click).
    pub influenced: bool,
    /// Which metrics and follower snapshots count: with or without what employees
    /// reported themselves.
    pub sources: Sources,
    /// Mention channel of the supporters board.
    pub channel: Option<String>,
    /// What a supporter's influence is (supporters board).
    pub influence: kpi::Influence,
}

impl ReportFilter {
    pub(crate) fn narrows_shares(&self) -> bool {
        self.campaign_id.is_some() || self.team.is_some() || self.network.is_some()
    }
}

/// `<column> IN (the shares the filter keeps)` — campaign of the content, team of the
/// employee, network of the share — as one SQL condition with a subquery and bound
/// values. The filter used to load the ids and send them back as an `IN` list: a team of
/// 40 000 shares is more parameters than SQLite allows (32 766), and the database plans
/// a subquery better anyway.
#[derive(Debug, Clone)]
pub(crate) struct KeptShares {
    /// The share-id column of the outer query, as SQL (`click_rollups.share_id`).
    column: &'static str,
    campaign_id: Option<i64>,
    team: Option<String>,
    network: Option<String>,
}

impl KeptShares {
    pub(crate) fn of(f: &ReportFilter, column: &'static str) -> KeptShares {
        KeptShares {
            column,
            campaign_id: f.campaign_id,
            team: f.team.clone(),
            network: f.network.clone(),
        }
    }
}

impl diesel::expression::Expression for KeptShares {
    type SqlType = diesel::sql_types::Bool;
}

impl<QS> diesel::expression::AppearsOnTable<QS> for KeptShares {}

impl<QS> diesel::expression::SelectableExpression<QS> for KeptShares {}

impl<GB> diesel::expression::ValidGrouping<GB> for KeptShares {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl diesel::query_builder::QueryId for KeptShares {
    type QueryId = ();
    // The SQL depends on which filters are set.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB> diesel::query_builder::QueryFragment<DB> for KeptShares
where
    DB: diesel::backend::Backend,
    i64: diesel::serialize::ToSql<BigInt, DB>,
    String: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    DB: diesel::sql_types::HasSqlType<BigInt>
        + diesel::sql_types::HasSqlType<diesel::sql_types::Text>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        out.push_sql(self.column);
        out.push_sql(
            " IN (SELECT kept_s.id FROM shares kept_s \
             JOIN employees kept_e ON kept_e.id = kept_s.employee_id \
             JOIN content kept_c ON kept_c.id = kept_s.content_id WHERE 1 = 1",
        );
        if let Some(id) = &self.campaign_id {
            out.push_sql(" AND kept_c.campaign_id = ");
            out.push_bind_param::<BigInt, _>(id)?;
        }
        if let Some(network) = &self.network {
            out.push_sql(" AND kept_s.network = ");
            out.push_bind_param::<diesel::sql_types::Text, _>(network)?;
        }
        if let Some(team) = &self.team {
            out.push_sql(
                " AND kept_e.team_id IN (SELECT kept_t.id FROM teams kept_t WHERE kept_t.name = ",
            );
            out.push_bind_param::<diesel::sql_types::Text, _>(team)?;
            out.push_sql(")");
        }
        out.push_sql(")");
        Ok(())
    }
}

/// Ids of the shares the filter keeps, for filters applied in memory (attribution
/// credits, customers).
fn matching_shares(conn: &mut DbConnection, f: &ReportFilter) -> Result<Vec<i64>, StoreError> {
    Ok(shares::table
        .filter(KeptShares::of(f, "shares.id"))
        .select(shares::id)
        .load(conn)?)
}

/// The shares a filter narrows to, or `None` when it keeps every share.
pub fn kept_shares(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<Option<Vec<i64>>, StoreError> {
    if f.narrows_shares() {
        Ok(Some(matching_shares(conn, f)?))
    } else {
        Ok(None)
    }
}

/// Per share: (verified human clicks, unique visitors) in the period: whole months from
/// `click_share_months`, the edge days from `click_rollups` (`domain::period::MonthSplit`).
/// Only the shares `only` names when given (at most [`IDS_PER_QUERY`] of them).
fn clicks_per_share(
    conn: &mut DbConnection,
    f: &ReportFilter,
    only: Option<&[i64]>,
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    let mut sums: HashMap<i64, (i64, i64)> = HashMap::new();
    for (span, first, last) in spans_of(f) {
        let rows: Vec<(i64, i64, i64)> = if span == SPAN_DAY {
            let mut q = click_rollups::table
                .filter(click_rollups::day.ge(first))
                .filter(click_rollups::day.le(last))
                .group_by(click_rollups::share_id)
                .select((
                    click_rollups::share_id,
                    sql::<BigInt>("CAST(SUM(click_rollups.human) AS BIGINT)"),
                    sql::<BigInt>("CAST(SUM(click_rollups.unique_visitors) AS BIGINT)"),
                ))
                .into_boxed();
            if f.narrows_shares() {
                q = q.filter(KeptShares::of(f, "click_rollups.share_id"));
            }
            if let Some(ids) = only {
                q = q.filter(click_rollups::share_id.eq_any(ids));
            }
            q.load(conn)?
        } else {
            share_month_sums(conn, f, first, last, only)?
        };
        add_pairs(&mut sums, rows);
    }
    Ok(sums
        .into_iter()
        .map(|(id, (human, unique))| (id, human, unique))
        .collect())
}

/// Share ids per query of [`clicks_per_share`] with `only`: well under SQLite's limit of
/// bound parameters.
const IDS_PER_QUERY: usize = 1_000;

/// Per share, an upper bound of [`clicks_per_share`]: the monthly rows of every month the
/// period touches, whole (a period's edge month counts in full), so one small scan of
/// `click_share_months` stands for the edge days' many daily rows.
fn click_bounds_per_share(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    share_month_sums(
        conn,
        f,
        month_start(f.period.first_day),
        month_start(f.period.last_day),
        None,
    )
}

/// Per kept share (of `only` when given): (human clicks, unique visitors) summed over the
/// monthly rows of the months starting `first_month` to `last_month`.
fn share_month_sums(
    conn: &mut DbConnection,
    f: &ReportFilter,
    first_month: NaiveDate,
    last_month: NaiveDate,
    only: Option<&[i64]>,
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    let mut q = click_share_months::table
        .filter(click_share_months::month.ge(first_month))
        .filter(click_share_months::month.le(last_month))
        .group_by(click_share_months::share_id)
        .select((
            click_share_months::share_id,
            sql::<BigInt>("CAST(SUM(click_share_months.human) AS BIGINT)"),
            sql::<BigInt>("CAST(SUM(click_share_months.unique_visitors) AS BIGINT)"),
        ))
        .into_boxed();
    if f.narrows_shares() {
        q = q.filter(KeptShares::of(f, "click_share_months.share_id"));
    }
    if let Some(ids) = only {
        q = q.filter(click_share_months::share_id.eq_any(ids));
    }
    Ok(q.load(conn)?)
}

/// Adds `(id, a, b)` rows into per-id sums (saturating).
fn add_pairs(sums: &mut HashMap<i64, (i64, i64)>, rows: Vec<(i64, i64, i64)>) {
    for (id, a, b) in rows {
        let sum = sums.entry(id).or_default();
        sum.0 = sum.0.saturating_add(a);
        sum.1 = sum.1.saturating_add(b);
    }
}

/// Per content item (or per employee) of the kept shares: verified human clicks (or unique
/// visitors) in the period, summed by the database. Without a filter from the per-owner
/// rollups; with one from the share rollups of the kept shares (a team or campaign is
/// resolved now, not when the clicks were counted). Whole months from monthly rows, the
/// edge days from daily ones.
fn clicks_per_owner(
    conn: &mut DbConnection,
    f: &ReportFilter,
    by_content: bool,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let mut sums: HashMap<i64, (i64, i64)> = HashMap::new();
    for (span, first, last) in spans_of(f) {
        let rows: Vec<(i64, i64, i64)> = if !f.narrows_shares() {
            let owner = if by_content {
                OWNER_CONTENT
            } else {
                OWNER_EMPLOYEE
            };
            click_owner_spans::table
                .filter(click_owner_spans::owner.eq(owner))
                .filter(click_owner_spans::span.eq(span))
                .filter(click_owner_spans::start.ge(first))
                .filter(click_owner_spans::start.le(last))
                .group_by(click_owner_spans::owner_id)
                .select((
                    click_owner_spans::owner_id,
                    sql::<BigInt>("CAST(SUM(click_owner_spans.human) AS BIGINT)"),
                    sql::<BigInt>("CAST(SUM(click_owner_spans.unique_visitors) AS BIGINT)"),
                ))
                .load(conn)?
        } else if span == SPAN_DAY {
            let human = sql::<BigInt>("CAST(SUM(click_rollups.human) AS BIGINT)");
            let unique = sql::<BigInt>("CAST(SUM(click_rollups.unique_visitors) AS BIGINT)");
            let q = click_rollups::table
                .inner_join(shares::table)
                .filter(click_rollups::day.ge(first))
                .filter(click_rollups::day.le(last))
                .filter(KeptShares::of(f, "click_rollups.share_id"));
            if by_content {
                q.group_by(shares::content_id)
                    .select((shares::content_id, human, unique))
                    .load(conn)?
            } else {
                q.group_by(shares::employee_id)
                    .select((shares::employee_id, human, unique))
                    .load(conn)?
            }
        } else {
            let human = sql::<BigInt>("CAST(SUM(click_share_months.human) AS BIGINT)");
            let unique = sql::<BigInt>("CAST(SUM(click_share_months.unique_visitors) AS BIGINT)");
            let q = click_share_months::table
                .inner_join(shares::table)
                .filter(click_share_months::month.ge(first))
                .filter(click_share_months::month.le(last))
                .filter(KeptShares::of(f, "click_share_months.share_id"));
            if by_content {
                q.group_by(shares::content_id)
                    .select((shares::content_id, human, unique))
                    .load(conn)?
            } else {
                q.group_by(shares::employee_id)
                    .select((shares::employee_id, human, unique))
                    .load(conn)?
            }
        };
        add_pairs(&mut sums, rows);
    }
    Ok(sums
        .into_iter()
        .map(|(id, (human, unique))| (id, if f.unique { unique } else { human }))
        .collect())
}

fn content_titles(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<HashMap<i64, String>, StoreError> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String)> = content::table
            .filter(content::id.eq_any(chunk))
            .select((content::id, content::title))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// Names of shares: id → (employee id, employee name, content id, content title, network).
type ShareInfo = (i64, String, i64, String, String);

fn share_info(conn: &mut DbConnection, ids: &[i64]) -> Result<HashMap<i64, ShareInfo>, StoreError> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, i64, String, i64, String, String)> = shares::table
            .inner_join(employees::table)
            .inner_join(content::table)
            .filter(shares::id.eq_any(chunk))
            .select((
                shares::id,
                employees::id,
                employees::name,
                content::id,
                content::title,
                shares::network,
            ))
            .load(conn)?;
        for (id, eid, ename, cid, title, network) in rows {
            out.insert(id, (eid, ename, cid, title, network));
        }
    }
    Ok(out)
}

fn employee_names(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<HashMap<i64, String>, StoreError> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String)> = employees::table
            .filter(employees::id.eq_any(chunk))
            .select((employees::id, employees::name))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// Adds values under a key and keeps the label.
fn tally(rows: impl IntoIterator<Item = (i64, String, i64)>) -> Vec<(i64, String, i64)> {
    let mut sums: HashMap<i64, (String, i64)> = HashMap::new();
    for (id, label, value) in rows {
        let entry = sums.entry(id).or_insert((label, 0));
        // Values may be money: saturate rather than wrap (or panic in debug builds).
        entry.1 = entry.1.saturating_add(value);
    }
    sums.into_iter()
        .map(|(id, (label, value))| (id, label, value))
        .collect()
}

/// The unranked rows `(id, label, value)` of a board as the database counts them. The
/// conversion boards count each conversion's stored (last-click, sourced) attribution
/// here; under another model, or influenced, `app::credit` shares the credit instead.
/// Top shares answers only the rows that can make its first `keep` places (ties at the
/// last one kept, so a tie is still broken by label); the other boards answer every row.
pub fn board_rows(
    conn: &mut DbConnection,
    board: Board,
    f: &ReportFilter,
    keep: usize,
) -> Result<Vec<(i64, String, f64)>, StoreError> {
    if board == Board::Supporters {
        return supporter_rows(conn, f);
    }
    Ok(counted_rows(conn, board, f, keep)?
        .into_iter()
        .map(|(id, label, v)| (id, label, v as f64))
        .collect())
}

fn counted_rows(
    conn: &mut DbConnection,
    board: Board,
    f: &ReportFilter,
    keep: usize,
) -> Result<Vec<(i64, String, i64)>, StoreError> {
    match board {
        // Valued by a share of influence, not a count: `board_rows` answers it with
        // `supporter_rows` before ever coming here.
        Board::Supporters => Ok(Vec::new()),
        Board::TopShares => {
            // Summed per share by the database; only the shares that can make the board
            // are named (at 100 000 shares, naming all of them was most of the time).
            // Exact sums only for the shares whose monthly upper bound can still make
            // the board (a 30-day window is otherwise ~560 000 daily rows at 100 000 shares).
            let pick =
                |(id, human, unique): (i64, i64, i64)| (id, if f.unique { unique } else { human });
            let bounds = click_bounds_per_share(conn, f)?
                .into_iter()
                .map(pick)
                .collect();
            let per_share = leaderboard::contenders_by_bound(
                bounds,
                keep,
                |ids: &[i64]| -> Result<Vec<(i64, i64)>, StoreError> {
                    let mut out = Vec::with_capacity(ids.len());
                    for chunk in ids.chunks(IDS_PER_QUERY) {
                        out.extend(
                            clicks_per_share(conn, f, Some(chunk))?
                                .into_iter()
                                .map(pick),
                        );
                    }
                    Ok(out)
                },
            )?;
            let ids: Vec<i64> = per_share.iter().map(|r| r.0).collect();
            let info = share_info(conn, &ids)?;
            Ok(per_share
                .into_iter()
                .filter_map(|(share_id, value)| {
                    let (_, ename, _, title, network) = info.get(&share_id)?;
                    Some((share_id, format!("{title} · {ename} · {network}"), value))
                })
                .collect())
        }
        Board::PopularContent | Board::EmployeesClicks => {
            let per_owner = clicks_per_owner(conn, f, board == Board::PopularContent)?;
            let ids: Vec<i64> = per_owner.iter().map(|r| r.0).collect();
            let names = if board == Board::PopularContent {
                content_titles(conn, &ids)?
            } else {
                employee_names(conn, &ids)?
            };
            Ok(per_owner
                .into_iter()
                .filter_map(|(id, value)| Some((id, names.get(&id)?.clone(), value)))
                .collect())
        }
        Board::MostSharedContent | Board::EmployeesShares => {
            // Counted per owner by the database; only the owners are named (naming every
            // share of a year was 200 queries of 500 ids).
            let by_content = board == Board::MostSharedContent;
            let counts = shares_created_per_owner(conn, f, by_content)?;
            let ids: Vec<i64> = counts.iter().map(|r| r.0).collect();
            let names = if by_content {
                content_titles(conn, &ids)?
            } else {
                employee_names(conn, &ids)?
            };
            Ok(counts
                .into_iter()
                .filter_map(|(id, n)| Some((id, names.get(&id)?.clone(), n)))
                .collect())
        }
        Board::EmployeesPosts => {
            let mut q = content::table
                .inner_join(
                    employees::table.on(content::author_employee_id.eq(employees::id.nullable())),
                )
                .filter(content::origin.eq("employee"))
                .filter(
                    content::created_at
                        .ge(f.period.from)
                        .and(content::created_at.lt(f.period.to)),
                )
                .select((employees::id, employees::name))
                .into_boxed();
            if let Some(id) = f.campaign_id {
                q = q.filter(content::campaign_id.eq(id));
            }
            if let Some(team) = &f.team {
                q = q.filter(
                    employees::team_id.eq_any(
                        teams::table
                            .filter(teams::name.eq(team.clone()))
                            .select(teams::id.nullable()),
                    ),
                );
            }
            let rows: Vec<(i64, String)> = q.load(conn)?;
            Ok(tally(rows.into_iter().map(|(id, name)| (id, name, 1))))
        }
        Board::EngagementShares | Board::EmployeesEngagement => {
            let mut engagement = if board == Board::EngagementShares {
                latest_engagement(conn, f)?
            } else {
                HashMap::new()
            };
            if board == Board::EngagementShares {
                let keep: std::collections::HashSet<i64> = leaderboard::contenders(
                    engagement
                        .iter()
                        .map(|(id, latest)| (*id, latest.engagement))
                        .collect(),
                    |r| r.1,
                    leaderboard::MAX_ROWS,
                )
                .into_iter()
                .map(|r| r.0)
                .collect();
                engagement.retain(|id, _| keep.contains(id));
            }
            if board == Board::EmployeesEngagement {
                // Summed per employee by the database where `metrics_latest` answers; only
                // the employees named (not every share, 500 ids a query).
                let sums = engagement_per_employee(conn, f)?;
                let mut ids: Vec<i64> = sums.keys().copied().collect();
                ids.sort_unstable();
                let names = employee_names(conn, &ids)?;
                let rows = sums
                    .into_iter()
                    .filter_map(|(eid, value)| Some((eid, names.get(&eid)?.clone(), value)));
                return Ok(tally(rows));
            }
            let ids: Vec<i64> = engagement.keys().copied().collect();
            let info = share_info(conn, &ids)?;
            let rows = engagement.into_iter().filter_map(|(share_id, latest)| {
                let value = latest.engagement;
                let (eid, ename, _, title, network) = info.get(&share_id)?.clone();
                Some(if board == Board::EngagementShares {
                    (share_id, format!("{title} · {ename} · {network}"), value)
                } else {
                    (eid, ename, value)
                })
            });
            Ok(tally(rows))
        }
        Board::EmployeesReach => {
            let reach = reach_per_employee(conn, f)?;
            let ids: Vec<i64> = reach.keys().copied().collect();
            let names = employee_names(conn, &ids)?;
            Ok(reach
                .into_iter()
                .filter_map(|(id, value)| Some((id, names.get(&id)?.clone(), value)))
                .collect())
        }
        Board::EmployeesConversions | Board::EmployeesRevenue => {
            let per_employee = conversions_per_employee(conn, f)?;
            let ids: Vec<i64> = per_employee.iter().map(|r| r.0).collect();
            let names = employee_names(conn, &ids)?;
            Ok(per_employee
                .into_iter()
                .filter_map(|(id, count, revenue)| {
                    let value = if board == Board::EmployeesConversions {
                        count
                    } else {
                        revenue
                    };
                    Some((id, names.get(&id)?.clone(), value))
                })
                .collect())
        }
    }
}

/// Authors with a positive own-brand mention in the period, valued by influence share
/// (DESIGN.md §6); the row's id is the author's latest such mention.
fn supporter_rows(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<Vec<(i64, String, f64)>, StoreError> {
    let filter = social::SocialFilter {
        first_day: f.period.first_day,
        last_day: f.period.last_day,
        from: f.period.from,
        to: f.period.to,
        channel: f.channel.clone(),
        brand_id: None,
    };
    let supporters = social::supporters(conn, &filter)?;
    let latest: HashMap<&str, i64> = supporters
        .iter()
        .map(|s| (s.author.as_str(), s.latest_mention_id))
        .collect();
    let influence: Vec<(String, i64)> = supporters
        .iter()
        .map(|s| {
            let value = match f.influence {
                kpi::Influence::Reach => s.reach,
                kpi::Influence::Mentions => s.mentions,
            };
            (s.author.clone(), value)
        })
        .collect();
    Ok(kpi::rank_supporters(&influence)
        .into_iter()
        .filter_map(|row| {
            let id = *latest.get(row.author.as_str())?;
            Some((id, row.author, row.share.unwrap_or(0.0)))
        })
        .collect())
}

/// Per content item (or employee): shares created in the period that the filter keeps.
fn shares_created_per_owner(
    conn: &mut DbConnection,
    f: &ReportFilter,
    by_content: bool,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let count = || sql::<BigInt>("CAST(COUNT(*) AS BIGINT)");
    let created = || {
        shares::created_at
            .ge(f.period.from)
            .and(shares::created_at.lt(f.period.to))
    };
    let kept = f.narrows_shares().then(|| KeptShares::of(f, "shares.id"));
    Ok(if by_content {
        let mut q = shares::table
            .filter(created())
            .group_by(shares::content_id)
            .select((shares::content_id, count()))
            .into_boxed();
        if let Some(kept) = kept {
            q = q.filter(kept);
        }
        q.load(conn)?
    } else {
        let mut q = shares::table
            .filter(created())
            .group_by(shares::employee_id)
            .select((shares::employee_id, count()))
            .into_boxed();
        if let Some(kept) = kept {
            q = q.filter(kept);
        }
        q.load(conn)?
    })
}

/// A share's latest metrics snapshot in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestMetrics {
    /// The share's employee.
    pub employee_id: i64,
    /// Likes + comments + reshares.
    pub engagement: i64,
    pub impressions: Option<i64>,
    /// The share's network (API name).
    pub network: String,
}

/// A metrics snapshot of a share the filter keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricsRow {
    pub share_id: i64,
    pub observed_at: chrono::NaiveDateTime,
    /// Likes + comments + reshares.
    pub engagement: i64,
    pub impressions: Option<i64>,
    /// The share's network (API name).
    pub network: String,
}

/// Every metrics snapshot of the period of the kept shares, oldest first (ties in the
/// order written).
pub fn metrics_rows(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<Vec<MetricsRow>, StoreError> {
    let mut q = metrics_snapshots::table
        .inner_join(shares::table)
        .filter(
            metrics_snapshots::observed_at
                .ge(f.period.from)
                .and(metrics_snapshots::observed_at.lt(f.period.to)),
        )
        .select((
            metrics_snapshots::share_id,
            metrics_snapshots::observed_at,
            metrics_snapshots::likes,
            metrics_snapshots::comments,
            metrics_snapshots::reshares,
            metrics_snapshots::impressions,
            shares::network,
        ))
        .filter(metrics_snapshots::source.ne_all(f.sources.excluded()))
        .order((
            metrics_snapshots::observed_at.asc(),
            metrics_snapshots::id.asc(),
        ))
        .into_boxed();
    if f.narrows_shares() {
        q = q.filter(KeptShares::of(f, "metrics_snapshots.share_id"));
    }
    type Row = (i64, ReadTimestamp, i64, i64, i64, Option<i64>, String);
    let rows: Vec<Row> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(share_id, observed_at, l, c, r, impressions, network)| MetricsRow {
                share_id,
                observed_at: observed_at.0,
                engagement: kpi::engagement(l, c, r),
                impressions,
                network,
            },
        )
        .collect())
}

/// Per share: engagement (likes + comments + reshares) and impressions of its latest
/// metrics snapshot in the period, with the share's employee and network.
///
/// A share whose latest snapshot of all (`metrics_latest`, kept on write) falls in the
/// period has that one as its latest in the period; one whose latest is before the period
/// has none in it. Only the shares with a snapshot after the period read their snapshots.
pub fn latest_engagement(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<HashMap<i64, LatestMetrics>, StoreError> {
    use crate::db::schema::metrics_latest as l;
    let scope = f.sources.include_self_reported;
    type Row = (i64, i64, i64, i64, i64, Option<i64>, String);
    let mut latest = l::table
        .inner_join(shares::table)
        .filter(l::with_self_reported.eq(scope))
        .filter(l::observed_at.ge(f.period.from))
        .filter(l::observed_at.lt(f.period.to))
        .select((
            l::share_id,
            shares::employee_id,
            l::likes,
            l::comments,
            l::reshares,
            l::impressions,
            shares::network,
        ))
        .into_boxed();
    if f.narrows_shares() {
        latest = latest.filter(KeptShares::of(f, "metrics_latest.share_id"));
    }
    let rows: Vec<Row> = latest.load(conn)?;
    let mut out: HashMap<i64, LatestMetrics> = rows
        .into_iter()
        .map(|(share_id, employee_id, l, c, r, impressions, network)| {
            (
                share_id,
                LatestMetrics {
                    employee_id,
                    engagement: kpi::engagement(l, c, r),
                    impressions,
                    network,
                },
            )
        })
        .collect();
    out.extend(latest_before_later(conn, f)?);
    Ok(out)
}

/// [`latest_engagement`] of the kept shares that have a snapshot after the period, from
/// their snapshots in it.
fn latest_before_later(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<HashMap<i64, LatestMetrics>, StoreError> {
    use crate::db::schema::metrics_latest as l;
    let scope = f.sources.include_self_reported;
    type Row = (i64, i64, i64, i64, i64, Option<i64>, String);
    let mut later = metrics_snapshots::table
        .inner_join(shares::table)
        .filter(
            metrics_snapshots::observed_at
                .ge(f.period.from)
                .and(metrics_snapshots::observed_at.lt(f.period.to)),
        )
        .filter(metrics_snapshots::source.ne_all(f.sources.excluded()))
        .filter(
            metrics_snapshots::share_id.eq_any(
                l::table
                    .filter(l::with_self_reported.eq(scope))
                    .filter(l::observed_at.ge(f.period.to))
                    .select(l::share_id),
            ),
        )
        .select((
            metrics_snapshots::share_id,
            shares::employee_id,
            metrics_snapshots::likes,
            metrics_snapshots::comments,
            metrics_snapshots::reshares,
            metrics_snapshots::impressions,
            shares::network,
        ))
        // Oldest first, so the last write per share is its latest snapshot.
        .order((
            metrics_snapshots::observed_at.asc(),
            metrics_snapshots::id.asc(),
        ))
        .into_boxed();
    if f.narrows_shares() {
        later = later.filter(KeptShares::of(f, "metrics_snapshots.share_id"));
    }
    Ok(later
        .load::<Row>(conn)?
        .into_iter()
        .map(|(share_id, employee_id, l, c, r, impressions, network)| {
            (
                share_id,
                LatestMetrics {
                    employee_id,
                    engagement: kpi::engagement(l, c, r),
                    impressions,
                    network,
                },
            )
        })
        .collect())
}

/// Per employee: Σ engagement of their kept shares' latest snapshots in the period (as
/// [`latest_engagement`] picks them). Likes, comments and reshares are summed per employee
/// by the database over the shares `metrics_latest` answers for (engagement is their sum,
/// so the sum of engagements is the engagement of the sums), then the shares with a later
/// snapshot are added one by one.
fn engagement_per_employee(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<HashMap<i64, i64>, StoreError> {
    use crate::db::schema::metrics_latest as l;
    let scope = f.sources.include_self_reported;
    let mut q = l::table
        .inner_join(shares::table)
        .filter(l::with_self_reported.eq(scope))
        .filter(l::observed_at.ge(f.period.from))
        .filter(l::observed_at.lt(f.period.to))
        .group_by(shares::employee_id)
        .select((
            shares::employee_id,
            sql::<BigInt>("CAST(SUM(metrics_latest.likes) AS BIGINT)"),
            sql::<BigInt>("CAST(SUM(metrics_latest.comments) AS BIGINT)"),
            sql::<BigInt>("CAST(SUM(metrics_latest.reshares) AS BIGINT)"),
        ))
        .into_boxed();
    if f.narrows_shares() {
        q = q.filter(KeptShares::of(f, "metrics_latest.share_id"));
    }
    let mut sums: HashMap<i64, i64> = HashMap::new();
    for (employee, likes, comments, reshares) in q.load::<(i64, i64, i64, i64)>(conn)? {
        let sum = sums.entry(employee).or_insert(0);
        *sum = sum.saturating_add(kpi::engagement(likes, comments, reshares));
    }
    for latest in latest_before_later(conn, f)?.into_values() {
        let sum = sums.entry(latest.employee_id).or_insert(0);
        *sum = sum.saturating_add(latest.engagement);
    }
    Ok(sums)
}

/// The (employee, network) and creation time of every kept share created in the period,
/// oldest first.
pub fn shares_created_in(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<Vec<(chrono::NaiveDateTime, i64, Network)>, StoreError> {
    let mut q = shares::table
        .filter(
            shares::created_at
                .ge(f.period.from)
                .and(shares::created_at.lt(f.period.to)),
        )
        .select((shares::created_at, shares::employee_id, shares::network))
        .order(shares::created_at.asc())
        .into_boxed();
    if f.narrows_shares() {
        q = q.filter(KeptShares::of(f, "shares.id"));
    }
    Ok(q.load::<(ReadTimestamp, i64, String)>(conn)?
        .into_iter()
        .filter_map(|(at, employee, network)| {
            Some((at.0, employee, Network::parse(&network).ok()?))
        })
        .collect())
}

/// A follower count of an (employee, network) profile at a time.
pub type FollowerRow = ((i64, Network), chrono::NaiveDateTime, i64);

/// Every follower snapshot observed before the period's end of the profiles the team and
/// network filters keep (a follower count belongs to no campaign), in the order written.
pub fn follower_history(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<Vec<FollowerRow>, StoreError> {
    let mut q = follower_snapshots::table
        .filter(follower_snapshots::observed_at.lt(f.period.to))
        .filter(follower_snapshots::source.ne_all(f.sources.excluded()))
        .select((
            follower_snapshots::employee_id,
            follower_snapshots::network,
            follower_snapshots::observed_at,
            follower_snapshots::followers,
        ))
        .order(follower_snapshots::id.asc())
        .into_boxed();
    if let Some(network) = &f.network {
        q = q.filter(follower_snapshots::network.eq(network.clone()));
    }
    if let Some(team) = &f.team {
        q = q.filter(
            follower_snapshots::employee_id.eq_any(
                employees::table
                    .filter(
                        employees::team_id.eq_any(
                            teams::table
                                .filter(teams::name.eq(team.clone()))
                                .select(teams::id.nullable()),
                        ),
                    )
                    .select(employees::id),
            ),
        );
    }
    Ok(q.load::<(i64, String, ReadTimestamp, i64)>(conn)?
        .into_iter()
        .filter_map(|(e, n, at, followers)| Some(((e, Network::parse(&n).ok()?), at.0, followers)))
        .collect())
}

/// Per employee: Σ followers over the networks they shared on in the period, each the
/// latest snapshot at or before the period's end.
fn reach_per_employee(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<HashMap<i64, i64>, StoreError> {
    let mut reach = HashMap::new();
    for (employee_id, _, followers) in reach_pairs(conn, f)? {
        let sum: &mut i64 = reach.entry(employee_id).or_insert(0);
        *sum = sum.saturating_add(followers);
    }
    Ok(reach)
}

/// Every distinct (employee, network) with a share created in the period, with the
/// employee's followers there: the latest snapshot at or before the period's end.
pub fn reach_pairs(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<Vec<(i64, Network, i64)>, StoreError> {
    let mut q = shares::table
        .filter(
            shares::created_at
                .ge(f.period.from)
                .and(shares::created_at.lt(f.period.to)),
        )
        .select((shares::employee_id, shares::network))
        .distinct()
        .into_boxed();
    if f.narrows_shares() {
        q = q.filter(KeptShares::of(f, "shares.id"));
    }
    let mut pairs: Vec<(i64, String)> = q.load(conn)?;
    pairs.sort();
    pairs.dedup();
    let pairs: Vec<(i64, Network)> = pairs
        .into_iter()
        .filter_map(|(e, n)| Some((e, Network::parse(&n).ok()?)))
        .collect();
    // The period's last instant: `to` itself is outside it.
    let end = f.period.to - chrono::TimeDelta::microseconds(1);
    Ok(snapshots::followers_at_many(conn, &pairs, end, f.sources)?
        .into_iter()
        .map(|((employee_id, network), followers)| (employee_id, network, followers))
        .collect())
}

/// Per employee: attributed conversions and Σ sale value (in the filter's currency).
fn conversions_per_employee(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    let mut q = conversions::table
        .filter(conversions::attributed.eq(true))
        .filter(
            conversions::occurred_at
                .ge(f.period.from)
                .and(conversions::occurred_at.lt(f.period.to)),
        )
        .select((
            conversions::employee_id,
            (
                conversions::kind,
                conversions::value_cents,
                conversions::currency,
            ),
        ))
        .into_boxed();
    if f.narrows_shares() {
        q = q.filter(KeptShares::of(f, "conversions.share_id"));
    }
    let rows: Vec<(Option<i64>, ConversionFacts)> = q.load(conn)?;
    let mut per: HashMap<i64, (i64, i64)> = HashMap::new();
    for (employee, (kind, value, currency)) in rows {
        let Some(employee) = employee else { continue };
        let entry = per.entry(employee).or_default();
        entry.0 += 1;
        if kind == "sale" && currency.as_deref().unwrap_or(&f.currency) == f.currency {
            entry.1 = entry.1.saturating_add(value.unwrap_or(0));
        }
    }
    Ok(per
        .into_iter()
        .map(|(id, (count, revenue))| (id, count, revenue))
        .collect())
}

/// Every conversion with a customer id, and every attributed sale without one (a
/// customer of its own), over all time, oldest first: the inputs of customer lifetime
/// value. A conversion counts as acquired through a click when it is attributed to a
/// share the filter keeps.
pub fn customer_conversions(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<Vec<kpi::CustomerConversion<chrono::NaiveDateTime>>, StoreError> {
    let keep: Option<std::collections::HashSet<i64>> =
        kept_shares(conn, f)?.map(|ids| ids.into_iter().collect());
    type Row = (
        i64,
        Option<String>,
        ReadTimestamp,
        bool,
        Option<i64>,
        ConversionFacts,
    );
    let rows: Vec<Row> = conversions::table
        .filter(
            conversions::customer_id.is_not_null().or(conversions::kind
                .eq("sale")
                .and(conversions::attributed.eq(true))),
        )
        .select((
            conversions::id,
            conversions::customer_id,
            conversions::occurred_at,
            conversions::attributed,
            conversions::share_id,
            (
                conversions::kind,
                conversions::value_cents,
                conversions::currency,
            ),
        ))
        .order((conversions::occurred_at.asc(), conversions::id.asc()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, customer, at, attributed, share, (kind, value, currency))| {
                let kept = match (&keep, share) {
                    (None, _) => true,
                    (Some(set), Some(share)) => set.contains(&share),
                    (Some(_), None) => false,
                };
                kpi::CustomerConversion {
                    customer: customer.unwrap_or_else(|| format!("\u{0}sale-{id}")),
                    at: at.0,
                    acquired_through_click: attributed && kept,
                    sale: (kind == "sale").then(|| {
                        (
                            currency.unwrap_or_else(|| f.currency.clone()),
                            value.unwrap_or(0),
                        )
                    }),
                }
            },
        )
        .collect())
}

/// A conversion's kind, value and currency.
type ConversionFacts = (String, Option<i64>, Option<String>);

/// The figures of one local day (or a bucket of days) that the KPI formulas take: counts
/// and sums only; what they mean is decided in `domain::kpi`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DailyFigures {
    /// Verified human clicks.
    pub clicks: i64,
    /// The same clicks per network of their share (API name).
    pub clicks_by_network: BTreeMap<String, i64>,
    pub unique_clicks: i64,
    /// Conversions attributed to a click.
    pub conversions: i64,
    /// Conversions without a valid click (kept, never attributed).
    pub unattributed_conversions: i64,
    /// Attributed conversions of kind `lead` or `signup`.
    pub leads: i64,
    /// Attributed conversions of kind `sale`.
    pub sales: i64,
    /// Σ value of attributed sales, per currency (a sale without one: the default).
    pub sales_cents: BTreeMap<String, i64>,
    /// Distinct customers of those sales, per currency of the sale (a customer buying
    /// in two currencies is listed under both).
    pub customers: BTreeMap<String, BTreeSet<String>>,
}

impl DailyFigures {
    /// Adds another day's figures (saturating: one absurd stored value must not wrap).
    pub fn add(&mut self, other: &DailyFigures) {
        self.clicks = self.clicks.saturating_add(other.clicks);
        self.unique_clicks = self.unique_clicks.saturating_add(other.unique_clicks);
        self.conversions = self.conversions.saturating_add(other.conversions);
        self.unattributed_conversions = self
            .unattributed_conversions
            .saturating_add(other.unattributed_conversions);
        self.leads = self.leads.saturating_add(other.leads);
        self.sales = self.sales.saturating_add(other.sales);
        for (currency, customers) in &other.customers {
            self.customers
                .entry(currency.clone())
                .or_default()
                .extend(customers.iter().cloned());
        }
        for (network, clicks) in &other.clicks_by_network {
            let sum = self.clicks_by_network.entry(network.clone()).or_default();
            *sum = sum.saturating_add(*clicks);
        }
        for (currency, cents) in &other.sales_cents {
            let sum = self.sales_cents.entry(currency.clone()).or_default();
            *sum = sum.saturating_add(*cents);
        }
    }
}

/// KPI figures per local day of the period.
pub fn daily_figures(
    conn: &mut DbConnection,
    f: &ReportFilter,
    tz: chrono_tz::Tz,
) -> Result<HashMap<NaiveDate, DailyFigures>, StoreError> {
    let mut days: HashMap<NaiveDate, DailyFigures> = HashMap::new();

    // Without a share filter the per-day, per-network rollup answers (a dozen rows a
    // day); with one, the share rollups of the kept shares are summed.
    let clicks: Vec<(NaiveDate, String, i64, i64)> = if f.narrows_shares() {
        let q = click_rollups::table
            .inner_join(shares::table)
            .filter(click_rollups::day.ge(f.period.first_day))
            .filter(click_rollups::day.le(f.period.last_day))
            .group_by((click_rollups::day, shares::network))
            .select((
                click_rollups::day,
                shares::network,
                sql::<BigInt>("CAST(SUM(click_rollups.human) AS BIGINT)"),
                sql::<BigInt>("CAST(SUM(click_rollups.unique_visitors) AS BIGINT)"),
            ))
            .into_boxed()
            .filter(KeptShares::of(f, "click_rollups.share_id"));
        q.load(conn)?
    } else {
        click_days::table
            .filter(click_days::day.ge(f.period.first_day))
            .filter(click_days::day.le(f.period.last_day))
            .select((
                click_days::day,
                click_days::network,
                click_days::human,
                click_days::unique_visitors,
            ))
            .load(conn)?
    };
    for (day, network, human, unique) in clicks {
        let d = days.entry(day).or_default();
        d.clicks = d.clicks.saturating_add(human);
        d.unique_clicks = d.unique_clicks.saturating_add(unique);
        let sum = d.clicks_by_network.entry(network).or_default();
        *sum = sum.saturating_add(human);
    }

    let mut q = conversions::table
        .filter(
            conversions::occurred_at
                .ge(f.period.from)
                .and(conversions::occurred_at.lt(f.period.to)),
        )
        .select((
            conversions::occurred_at,
            (
                conversions::kind,
                conversions::value_cents,
                conversions::currency,
            ),
            conversions::attributed,
            conversions::id,
            conversions::customer_id,
        ))
        .into_boxed();
    if f.narrows_shares() {
        q = q.filter(KeptShares::of(f, "conversions.share_id"));
    }
    type Row = (ReadTimestamp, ConversionFacts, bool, i64, Option<String>);
    let rows: Vec<Row> = q.load(conn)?;
    for (at, (kind, value, currency), attributed, id, customer) in rows {
        let day = chrono::TimeZone::from_utc_datetime(&chrono::Utc, &at.0)
            .with_timezone(&tz)
            .date_naive();
        let d = days.entry(day).or_default();
        if !attributed {
            d.unattributed_conversions += 1;
            continue;
        }
        d.conversions += 1;
        match kind.as_str() {
            "lead" | "signup" => d.leads += 1,
            "sale" => {
                d.sales += 1;
                let currency = currency.unwrap_or_else(|| f.currency.clone());
                // A sale without a customer id is a customer of its own.
                d.customers
                    .entry(currency.clone())
                    .or_default()
                    .insert(customer.unwrap_or_else(|| format!("\u{0}sale-{id}")));
                let sum = d.sales_cents.entry(currency).or_default();
                *sum = sum.saturating_add(value.unwrap_or(0));
            }
            _ => {}
        }
    }
    Ok(days)
}

/// Sums daily figures into interval buckets, every bucket present (zeros included).
pub fn bucketed(
    days: &HashMap<NaiveDate, DailyFigures>,
    interval: Interval,
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<(NaiveDate, DailyFigures)> {
    let mut buckets: Vec<(NaiveDate, DailyFigures)> = interval
        .buckets(first, last)
        .into_iter()
        .map(|start| (start, DailyFigures::default()))
        .collect();
    for (day, figures) in days {
        if *day < first || *day > last {
            continue;
        }
        let start = interval.bucket(*day);
        if let Some((_, b)) = buckets.iter_mut().find(|(s, _)| *s == start) {
            b.add(figures);
        }
    }
    buckets
}

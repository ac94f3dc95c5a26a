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

use super::snapshots::{self, Sources};
use super::social;
use super::StoreError;
use crate::db::schema::{
    click_rollups, content, conversions, employees, follower_snapshots, metrics_snapshots, shares,
    teams,
};
use crate::db::DbConnection;
use crate::domain::attribution::{self, Model};
use crate::domain::kpi;
use crate::domain::leaderboard::Board;
use crate::domain::network::Network;
use crate::domain::period::{Interval, Period};

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
    fn narrows_shares(&self) -> bool {
        self.campaign_id.is_some() || self.team.is_some() || self.network.is_some()
    }
}

/// Ids of the shares the filter keeps (campaign of the content, team of the employee,
/// network of the share).
fn matching_shares(conn: &mut DbConnection, f: &ReportFilter) -> Result<Vec<i64>, StoreError> {
    let mut q = shares::table
        .inner_join(employees::table)
        .inner_join(content::table)
        .select(shares::id)
        .into_boxed();
    if let Some(id) = f.campaign_id {
        q = q.filter(content::campaign_id.eq(id));
    }
    if let Some(network) = &f.network {
        q = q.filter(shares::network.eq(network.clone()));
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
    Ok(q.load(conn)?)
}

/// The shares a filter narrows to, or `None` when it keeps every share.
fn kept_shares(conn: &mut DbConnection, f: &ReportFilter) -> Result<Option<Vec<i64>>, StoreError> {
    if f.narrows_shares() {
        Ok(Some(matching_shares(conn, f)?))
    } else {
        Ok(None)
    }
}

/// Per share: (verified human clicks, unique visitors) in the period.
fn clicks_per_share(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<Vec<(i64, i64, i64)>, StoreError> {
    let keep = kept_shares(conn, f)?;
    let mut q = click_rollups::table
        .filter(click_rollups::day.ge(f.period.first_day))
        .filter(click_rollups::day.le(f.period.last_day))
        .group_by(click_rollups::share_id)
        .select((
            click_rollups::share_id,
            sql::<BigInt>("CAST(SUM(click_rollups.human) AS BIGINT)"),
            sql::<BigInt>("CAST(SUM(click_rollups.unique_visitors) AS BIGINT)"),
        ))
        .into_boxed();
    if let Some(ids) = keep {
        q = q.filter(click_rollups::share_id.eq_any(ids));
    }
    Ok(q.load(conn)?)
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
        entry.1 += value;
    }
    sums.into_iter()
        .map(|(id, (label, value))| (id, label, value))
        .collect()
}

/// The unranked rows `(id, label, value)` of a board. Conversion boards under first-click
/// or linear attribution, or influenced revenue, share credit fractionally.
pub fn board_rows(
    conn: &mut DbConnection,
    board: Board,
    f: &ReportFilter,
) -> Result<Vec<(i64, String, f64)>, StoreError> {
    if board == Board::Supporters {
        return supporter_rows(conn, f);
    }
    let credit_based = matches!(board, Board::EmployeesConversions | Board::EmployeesRevenue)
        && (f.model != Model::LastClick || f.influenced);
    if credit_based {
        return credited_rows(conn, board, f);
    }
    Ok(counted_rows(conn, board, f)?
        .into_iter()
        .map(|(id, label, v)| (id, label, v as f64))
        .collect())
}

/// Conversion boards from each conversion's touchpoints.
fn credited_rows(
    conn: &mut DbConnection,
    board: Board,
    f: &ReportFilter,
) -> Result<Vec<(i64, String, f64)>, StoreError> {
    let keep: Option<std::collections::HashSet<i64>> =
        kept_shares(conn, f)?.map(|ids| ids.into_iter().collect());
    let rows: Vec<(i64, ConversionFacts)> = conversions::table
        .filter(
            conversions::occurred_at
                .ge(f.period.from)
                .and(conversions::occurred_at.lt(f.period.to)),
        )
        .select((
            conversions::id,
            (
                conversions::kind,
                conversions::value_cents,
                conversions::currency,
            ),
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let touchpoints = super::conversions::touchpoints_of(conn, &ids)?;
    let mut per_employee: HashMap<i64, f64> = HashMap::new();
    for (id, (kind, value, currency)) in rows {
        let revenue = board == Board::EmployeesRevenue;
        if revenue && (kind != "sale" || currency.as_deref().unwrap_or(&f.currency) != f.currency) {
            continue;
        }
        let touches: Vec<Option<attribution::Touch>> = touchpoints
            .get(&id)
            .map(|tps| tps.iter().map(|t| t.touch()).collect())
            .unwrap_or_default();
        let value_cents = if revenue { value.unwrap_or(0) } else { 0 };
        // Credit is shared over every touchpoint first; a filter then keeps the parts its
        // shares earned (a team's half of a linear credit stays a half).
        let kept = |share_id: i64| keep.as_ref().is_none_or(|k| k.contains(&share_id));
        let credits = if f.influenced {
            let touches: Vec<Option<attribution::Touch>> = touches
                .into_iter()
                .map(|t| t.filter(|t| kept(t.share_id)))
                .collect();
            attribution::influenced(&touches, value_cents)
        } else {
            let shared: Vec<attribution::Credit> =
                attribution::credit(f.model, &touches, value_cents)
                    .into_iter()
                    .filter(|c| kept(c.share_id))
                    .collect();
            attribution::by_employee(&shared)
        };
        for c in credits {
            let amount = if revenue {
                c.value_cents as f64
            } else {
                c.fraction
            };
            *per_employee.entry(c.employee_id).or_default() += amount;
        }
    }
    let ids: Vec<i64> = per_employee.keys().copied().collect();
    let names = employee_names(conn, &ids)?;
    Ok(per_employee
        .into_iter()
        .filter_map(|(id, value)| Some((id, names.get(&id)?.clone(), value)))
        .collect())
}

fn counted_rows(
    conn: &mut DbConnection,
    board: Board,
    f: &ReportFilter,
) -> Result<Vec<(i64, String, i64)>, StoreError> {
    match board {
        // Valued by a share of influence, not a count: `board_rows` answers it with
        // `supporter_rows` before ever coming here.
        Board::Supporters => Ok(Vec::new()),
        Board::TopShares | Board::PopularContent | Board::EmployeesClicks => {
            let per_share = clicks_per_share(conn, f)?;
            let ids: Vec<i64> = per_share.iter().map(|r| r.0).collect();
            let info = share_info(conn, &ids)?;
            let rows = per_share
                .into_iter()
                .filter_map(|(share_id, human, unique)| {
                    let (eid, ename, cid, title, network) = info.get(&share_id)?.clone();
                    let value = if f.unique { unique } else { human };
                    Some(match board {
                        Board::TopShares => {
                            (share_id, format!("{title} · {ename} · {network}"), value)
                        }
                        Board::PopularContent => (cid, title, value),
                        _ => (eid, ename, value),
                    })
                });
            Ok(tally(rows))
        }
        Board::MostSharedContent | Board::EmployeesShares => {
            let created = shares_created(conn, f)?;
            let info = share_info(conn, &created)?;
            let rows = created.iter().filter_map(|id| {
                let (eid, ename, cid, title, _) = info.get(id)?.clone();
                Some(if board == Board::MostSharedContent {
                    (cid, title, 1)
                } else {
                    (eid, ename, 1)
                })
            });
            Ok(tally(rows))
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
            let engagement = latest_engagement(conn, f)?;
            let ids: Vec<i64> = engagement.keys().copied().collect();
            let info = share_info(conn, &ids)?;
            let rows = engagement.into_iter().filter_map(|(share_id, (value, _))| {
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

/// Shares created in the period that the filter keeps.
fn shares_created(conn: &mut DbConnection, f: &ReportFilter) -> Result<Vec<i64>, StoreError> {
    let mut q = shares::table
        .filter(
            shares::created_at
                .ge(f.period.from)
                .and(shares::created_at.lt(f.period.to)),
        )
        .select(shares::id)
        .into_boxed();
    if f.narrows_shares() {
        q = q.filter(shares::id.eq_any(matching_shares(conn, f)?));
    }
    Ok(q.load(conn)?)
}

/// Per share: engagement (likes + comments + reshares) and impressions of its latest
/// metrics snapshot in the period.
pub fn latest_engagement(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<HashMap<i64, (i64, Option<i64>)>, StoreError> {
    let mut q = metrics_snapshots::table
        .filter(
            metrics_snapshots::observed_at
                .ge(f.period.from)
                .and(metrics_snapshots::observed_at.lt(f.period.to)),
        )
        .select((
            metrics_snapshots::share_id,
            metrics_snapshots::likes,
            metrics_snapshots::comments,
            metrics_snapshots::reshares,
            metrics_snapshots::impressions,
        ))
        .filter(metrics_snapshots::source.ne_all(f.sources.excluded()))
        .order((
            metrics_snapshots::observed_at.asc(),
            metrics_snapshots::id.asc(),
        ))
        .into_boxed();
    if f.narrows_shares() {
        q = q.filter(metrics_snapshots::share_id.eq_any(matching_shares(conn, f)?));
    }
    let rows: Vec<(i64, i64, i64, i64, Option<i64>)> = q.load(conn)?;
    // Ordered oldest first, so the last write per share is its latest snapshot.
    Ok(rows
        .into_iter()
        .map(|(share, l, c, r, imp)| (share, (kpi::engagement(l, c, r), imp)))
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
    let created = shares_created(conn, f)?;
    let info = share_info(conn, &created)?;
    let mut pairs: Vec<(i64, String)> = info
        .values()
        .map(|(eid, _, _, _, network)| (*eid, network.clone()))
        .collect();
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

/// Per (employee, network) with a follower count observed before the period's end: the
/// count the period's growth starts from (the latest at or before its start; for a profile
/// first counted during the period, that first count) and the count at its end. Narrowed
/// by the team and network filters; a follower count belongs to no campaign.
pub fn follower_counts(
    conn: &mut DbConnection,
    f: &ReportFilter,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let mut q = follower_snapshots::table
        .filter(follower_snapshots::observed_at.lt(f.period.to))
        .filter(follower_snapshots::source.ne_all(f.sources.excluded()))
        .select((follower_snapshots::employee_id, follower_snapshots::network))
        .distinct()
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
    let pairs: Vec<(i64, Network)> = q
        .load::<(i64, String)>(conn)?
        .into_iter()
        .filter_map(|(e, n)| Some((e, Network::parse(&n).ok()?)))
        .collect();
    // The period's last instant: `to` itself is outside it.
    let end_at = f.period.to - chrono::TimeDelta::microseconds(1);
    let end = snapshots::followers_at_many(conn, &pairs, end_at, f.sources)?;
    let start = snapshots::followers_at_many(conn, &pairs, f.period.from, f.sources)?;
    let new: Vec<(i64, Network)> = pairs
        .iter()
        .filter(|p| !start.contains_key(p))
        .copied()
        .collect();
    let first =
        snapshots::earliest_followers_in(conn, &new, f.period.from, f.period.to, f.sources)?;
    Ok(pairs
        .iter()
        .filter_map(|pair| {
            let at_end = *end.get(pair)?;
            let baseline = start.get(pair).or_else(|| first.get(pair)).copied()?;
            Some((baseline, at_end))
        })
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
        q = q.filter(conversions::share_id.eq_any(matching_shares(conn, f)?));
    }
    let rows: Vec<(Option<i64>, ConversionFacts)> = q.load(conn)?;
    let mut per: HashMap<i64, (i64, i64)> = HashMap::new();
    for (employee, (kind, value, currency)) in rows {
        let Some(employee) = employee else { continue };
        let entry = per.entry(employee).or_default();
        entry.0 += 1;
        if kind == "sale" && currency.as_deref().unwrap_or(&f.currency) == f.currency {
            entry.1 += value.unwrap_or(0);
        }
    }
    Ok(per
        .into_iter()
        .map(|(id, (count, revenue))| (id, count, revenue))
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
    /// Distinct customers of those sales.
    pub customers: BTreeSet<String>,
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
        self.customers.extend(other.customers.iter().cloned());
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
    let keep = kept_shares(conn, f)?;
    let mut days: HashMap<NaiveDate, DailyFigures> = HashMap::new();

    let mut q = click_rollups::table
        .filter(click_rollups::day.ge(f.period.first_day))
        .filter(click_rollups::day.le(f.period.last_day))
        .group_by(click_rollups::day)
        .select((
            click_rollups::day,
            sql::<BigInt>("CAST(SUM(click_rollups.human) AS BIGINT)"),
            sql::<BigInt>("CAST(SUM(click_rollups.unique_visitors) AS BIGINT)"),
        ))
        .into_boxed();
    if let Some(ids) = &keep {
        q = q.filter(click_rollups::share_id.eq_any(ids.clone()));
    }
    for (day, human, unique) in q.load::<(NaiveDate, i64, i64)>(conn)? {
        let d = days.entry(day).or_default();
        d.clicks += human;
        d.unique_clicks += unique;
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
    if let Some(ids) = keep {
        q = q.filter(conversions::share_id.eq_any(ids));
    } else if let Some(id) = f.campaign_id {
        q = q.filter(conversions::campaign_id.eq(id));
    }
    type Row = (
        chrono::NaiveDateTime,
        ConversionFacts,
        bool,
        i64,
        Option<String>,
    );
    let rows: Vec<Row> = q.load(conn)?;
    for (at, (kind, value, currency), attributed, id, customer) in rows {
        let day = chrono::TimeZone::from_utc_datetime(&chrono::Utc, &at)
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
                // A sale without a customer id is a customer of its own.
                d.customers
                    .insert(customer.unwrap_or_else(|| format!("\u{0}sale-{id}")));
                let currency = currency.unwrap_or_else(|| f.currency.clone());
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

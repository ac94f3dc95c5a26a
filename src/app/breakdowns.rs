//! Breakdowns of verified human clicks (`GET /api/v1/breakdowns/{dimension}`, its CSV, and
//! later the dashboard): the `clicks` KPI of a period and filter, split by the share's
//! network or by the clicks' country, device class, browser or referrer host. Read from
//! rollups only (`store::breakdowns`), never from raw clicks. The drill-down reports of one
//! share ([`share_report`]) and one employee ([`employee_report`]) live here too: they are
//! these breakdowns narrowed to a share, beside the figures the API gives for it.

use chrono::NaiveDate;

use crate::db::DbConnection;
use crate::domain::kpi;
use crate::store;
use crate::store::breakdowns::{self, Facet};
use crate::store::conversions::{ConversionFilter, ConversionListing};
use crate::store::reports::ReportFilter;
use crate::store::shares::{Share, ShareStats};
use crate::store::snapshots::MetricsSnapshot;
use crate::store::StoreError;

/// What human clicks are split by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// The network the share was made for.
    Network,
    /// A facet of the click itself.
    Click(Facet),
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::Network,
        Dimension::Click(Facet::Country),
        Dimension::Click(Facet::Device),
        Dimension::Click(Facet::Browser),
        Dimension::Click(Facet::Referrer),
    ];

    /// The dimension a URL names, if any.
    pub fn parse(name: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Dimension::Network => "network",
            Dimension::Click(Facet::Country) => "country",
            Dimension::Click(Facet::Device) => "device",
            Dimension::Click(Facet::Browser) => "browser",
            Dimension::Click(Facet::Referrer) => "referrer",
        }
    }
}

/// What a breakdown is asked for.
#[derive(Debug, Clone)]
pub struct BreakdownRequest {
    pub dimension: Dimension,
    /// Period and the share filters (campaign, team, network), as for the `clicks` KPI.
    pub filter: ReportFilter,
    /// At most this many rows (the largest); `total` counts them all.
    pub limit: usize,
}

/// One value's human clicks.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakdownRow {
    /// `None`: unknown (no location, no referrer, …).
    pub value: Option<String>,
    pub clicks: i64,
    /// `clicks / total`.
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub dimension: Dimension,
    /// Every human click of the period and filter, those of rows beyond the limit included.
    pub total: i64,
    /// By clicks, most first; ties by value, unknown last.
    pub rows: Vec<BreakdownRow>,
}

/// The breakdown for a request, on the caller's connection.
pub fn breakdown(conn: &mut DbConnection, req: &BreakdownRequest) -> Result<Breakdown, StoreError> {
    breakdown_of(conn, req, None)
}

/// [`breakdown`] narrowed to one share's clicks when `share` is set (the share drill-down
/// and `GET /api/v1/breakdowns/{dimension}?share_id=`); `None` is [`breakdown`] itself.
/// The share filter sits beside the request rather than in it so the callers that split
/// every share's clicks keep their shape.
pub fn breakdown_of(
    conn: &mut DbConnection,
    req: &BreakdownRequest,
    share: Option<i64>,
) -> Result<Breakdown, StoreError> {
    let counts = match req.dimension {
        Dimension::Network => breakdowns::count_by_network(conn, &req.filter, share)?,
        Dimension::Click(facet) => breakdowns::count_by_facet(conn, facet, &req.filter, share)?,
    };
    let (total, rows) = rank(counts, req.limit);
    Ok(Breakdown {
        dimension: req.dimension,
        total,
        rows,
    })
}

/// Everything the share drill-down (`/admin/shares/{id}`) shows of one share.
#[derive(Debug, Clone)]
pub struct ShareReport {
    pub share: Share,
    pub employee_name: String,
    pub content_title: String,
    /// All time, exactly as `GET /api/v1/shares/{id}` reports them.
    pub stats: ShareStats,
    /// Human clicks on every local day of the period, zero days included.
    pub days: Vec<(NaiveDate, i64)>,
    /// Human clicks of the period by country, device and referrer ([`breakdown_of`]).
    pub country: Breakdown,
    pub device: Breakdown,
    pub referrer: Breakdown,
    /// Conversions of the period attributed to the share, newest first.
    pub conversions: Vec<ConversionListing>,
    /// Its metrics snapshots, newest first.
    pub snapshots: Vec<MetricsSnapshot>,
}

/// Most rows of each breakdown, conversion list and snapshot list on the drill-down.
const SHARE_ROWS: usize = 50;

/// The share drill-down of share `id` over `filter`'s period (its other filters are not
/// used: the share fixes campaign, team and network).
///
/// # Errors
/// `StoreError::NotFound` when there is no such share.
pub fn share_report(
    conn: &mut DbConnection,
    id: i64,
    filter: &ReportFilter,
) -> Result<ShareReport, StoreError> {
    let share = store::shares::find_by_id(conn, id)?;
    let employee_name = store::employees::find_by_id(conn, share.employee_id)?.name;
    let content_title = store::content::find_by_id(conn, share.content_id)?.title;
    let stats = store::shares::stats(conn, id, &filter.currency, filter.sources)?;
    let mut by_day: std::collections::HashMap<NaiveDate, i64> =
        breakdowns::count_share_by_day(conn, filter, id)?
            .into_iter()
            .collect();
    let days = filter
        .period
        .first_day
        .iter_days()
        .take_while(|d| *d <= filter.period.last_day)
        .map(|d| (d, by_day.remove(&d).unwrap_or(0)))
        .collect();
    let mut split = |facet: Facet| {
        breakdown_of(
            conn,
            &BreakdownRequest {
                dimension: Dimension::Click(facet),
                filter: filter.clone(),
                limit: SHARE_ROWS,
            },
            Some(id),
        )
    };
    let country = split(Facet::Country)?;
    let device = split(Facet::Device)?;
    let referrer = split(Facet::Referrer)?;
    let conversions = store::conversions::list(
        conn,
        &ConversionFilter {
            from: Some(filter.period.from),
            to: Some(filter.period.to),
            share_id: Some(id),
            ..ConversionFilter::default()
        },
        SHARE_ROWS as i64,
        0,
    )?;
    let snapshots = store::snapshots::list_metrics(conn, id, filter.sources, SHARE_ROWS as i64)?;
    Ok(ShareReport {
        share,
        employee_name,
        content_title,
        stats,
        days,
        country,
        device,
        referrer,
        conversions,
        snapshots,
    })
}

/// Everything the employee drill-down (`/admin/employees/{id}/stats`) shows.
#[derive(Debug, Clone)]
pub struct EmployeeReport {
    pub name: String,
    /// Their row on every employee board ([`crate::app::my_stats::my_ranks`]).
    pub ranks: Vec<crate::app::my_stats::MyRank>,
    /// Their shares, newest first, each with its human clicks of the period
    /// ([`breakdown_of`], the API's `share_id` filter).
    pub shares: Vec<(store::shares::ShareListing, i64)>,
    /// Conversions of the period attributed to them, newest first.
    pub conversions: Vec<ConversionListing>,
}

/// The employee drill-down of employee `id` over `filter`; ranks follow the privacy
/// `mode` as "my stats" does (hidden under `teams_only`).
///
/// # Errors
/// `StoreError::NotFound` when there is no such employee.
pub fn employee_report(
    conn: &mut DbConnection,
    id: i64,
    filter: &ReportFilter,
    mode: crate::config::PrivacyMode,
) -> Result<EmployeeReport, StoreError> {
    let name = store::employees::find_by_id(conn, id)?.name;
    let ranks = crate::app::my_stats::my_ranks(conn, id, filter, mode)?;
    let shares = store::shares::list_with_names(conn, Some(id), SHARE_ROWS as i64)?
        .into_iter()
        .map(|listing| {
            let clicks = breakdown_of(
                conn,
                &BreakdownRequest {
                    dimension: Dimension::Network,
                    filter: filter.clone(),
                    limit: 1,
                },
                Some(listing.share.id),
            )?
            .total;
            Ok((listing, clicks))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let conversions = store::conversions::list(
        conn,
        &ConversionFilter {
            from: Some(filter.period.from),
            to: Some(filter.period.to),
            employee_id: Some(id),
            ..ConversionFilter::default()
        },
        SHARE_ROWS as i64,
        0,
    )?;
    Ok(EmployeeReport {
        name,
        ranks,
        shares,
        conversions,
    })
}

/// One share of a content item on its drill-down, with its human clicks of the period.
#[derive(Debug, Clone)]
pub struct ContentShare {
    pub share: Share,
    /// The employee as the privacy mode shows them to an admin ([`person_label`]).
    pub employee: String,
    pub clicks: i64,
}

/// Everything the content drill-down (`/admin/content/{id}/stats`) shows.
#[derive(Debug, Clone)]
pub struct ContentReport {
    pub title: String,
    /// Its shares, newest first (at most 50), each with its human clicks.
    pub shares: Vec<ContentShare>,
    /// Human clicks on its shares on every local day of the period, zero days included.
    pub days: Vec<(NaiveDate, i64)>,
    /// Human clicks of the period by network and by employee (label, clicks), most first.
    pub by_network: Vec<(String, i64)>,
    pub by_employee: Vec<(String, i64)>,
    /// Attributed conversions of the period on its shares.
    pub conversions: i64,
    /// Attributed sales of the period, converted into the filter's currency as the
    /// `revenue_cents` KPI is ([`kpi::convert_revenue`]).
    pub revenue: kpi::Converted,
}

/// How an employee is named to an admin under `mode`: by team when boards show teams,
/// else as the leaderboards name them ([`crate::app::privacy::row_shown`]).
fn person_label(
    mode: crate::config::PrivacyMode,
    facts: Option<&store::employees::PrivacyFacts>,
    words: &crate::app::privacy::Words,
    id: i64,
) -> String {
    use crate::app::privacy::{self, BoardAccess, Person, Shown, Viewer};
    let Some(f) = facts else {
        return words.erased.clone();
    };
    if privacy::board_access(mode, Viewer::Admin) == BoardAccess::ByTeam {
        return f.team.clone().unwrap_or_else(|| words.no_team.clone());
    }
    let person = Person {
        id,
        opted_in: f.opted_in,
        erased: f.erased,
    };
    match privacy::row_shown(mode, Viewer::Admin, person) {
        Shown::Named => f.name.clone(),
        Shown::Anonymous => words.anonymous.clone(),
        Shown::Erased => words.erased.clone(),
    }
}

/// Sums per label, most first, ties by label.
fn summed(pairs: impl Iterator<Item = (String, i64)>) -> Vec<(String, i64)> {
    let mut sums: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    for (label, n) in pairs {
        let sum = sums.entry(label).or_default();
        *sum = sum.saturating_add(n);
    }
    let mut rows: Vec<(String, i64)> = sums.into_iter().filter(|(_, n)| *n > 0).collect();
    rows.sort_by(|(la, a), (lb, b)| b.cmp(a).then_with(|| la.cmp(lb)));
    rows
}

/// The content drill-down of content item `id` over `filter`'s period: every figure is
/// its shares' ([`breakdown_of`] and `count_share_by_day` with a share filter, as the
/// share drill-down; conversions as the API lists them with `share_id`), employees named
/// under the privacy `mode` with `words`.
///
/// # Errors
/// `StoreError::NotFound` when there is no such content item.
pub fn content_report(
    conn: &mut DbConnection,
    id: i64,
    filter: &ReportFilter,
    mode: crate::config::PrivacyMode,
    words: &crate::app::privacy::Words,
    rates: &std::collections::BTreeMap<String, f64>,
) -> Result<ContentReport, StoreError> {
    let title = store::content::find_by_id(conn, id)?.title;
    let all = store::shares::list(
        conn,
        &store::shares::ShareFilter {
            content_id: Some(id),
            ..Default::default()
        },
    )?;
    let ids: Vec<i64> = all.iter().map(|s| s.employee_id).collect();
    let facts = store::employees::privacy_facts(conn, &ids)?;
    // Clicks and conversions of every share in two grouped queries, not a few per share.
    let mut by_day: std::collections::HashMap<NaiveDate, i64> = std::collections::HashMap::new();
    let mut by_share: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    for (share_id, day, n) in breakdowns::count_content_by_share_and_day(conn, filter, id)? {
        let sum = by_day.entry(day).or_default();
        *sum = sum.saturating_add(n);
        let sum = by_share.entry(share_id).or_default();
        *sum = sum.saturating_add(n);
    }
    let converted = store::conversions::list_attributed_to_content(
        conn,
        id,
        filter.period.from,
        filter.period.to,
    )?;
    let conversions = converted.len() as i64;
    let sales_cents = crate::domain::conversion::sales_by_currency(
        converted
            .iter()
            .map(|(kind, value, currency)| (kind.as_str(), *value, currency.as_deref())),
        &filter.currency,
    );
    let mut shares: Vec<ContentShare> = all
        .into_iter()
        .map(|share| ContentShare {
            clicks: by_share.get(&share.id).copied().unwrap_or(0),
            employee: person_label(
                mode,
                facts.get(&share.employee_id),
                words,
                share.employee_id,
            ),
            share,
        })
        .collect();
    let days = filter
        .period
        .first_day
        .iter_days()
        .take_while(|d| *d <= filter.period.last_day)
        .map(|d| (d, by_day.remove(&d).unwrap_or(0)))
        .collect();
    let by_network = summed(shares.iter().map(|s| (s.share.network.clone(), s.clicks)));
    let by_employee = summed(shares.iter().map(|s| (s.employee.clone(), s.clicks)));
    shares.truncate(SHARE_ROWS);
    Ok(ContentReport {
        title,
        shares,
        days,
        by_network,
        by_employee,
        conversions,
        revenue: kpi::convert_revenue(&sales_cents, &filter.currency, rates),
    })
}

/// Orders counts per value into rows: values without clicks left out (a demoted click
/// leaves a zero behind), most clicks first, ties by value with unknown last; the total of
/// every value, and at most `limit` rows, each with its share of the total.
fn rank(counts: Vec<(Option<String>, i64)>, limit: usize) -> (i64, Vec<BreakdownRow>) {
    let mut counts: Vec<(Option<String>, i64)> =
        counts.into_iter().filter(|(_, n)| *n > 0).collect();
    let total = counts
        .iter()
        .fold(0i64, |sum, (_, n)| sum.saturating_add(*n));
    counts.sort_by(|(va, a), (vb, b)| {
        b.cmp(a).then_with(|| match (va, vb) {
            (Some(va), Some(vb)) => va.cmp(vb),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
    });
    let rows = counts
        .into_iter()
        .take(limit)
        .map(|(value, clicks)| BreakdownRow {
            value,
            clicks,
            share: clicks as f64 / total as f64,
        })
        .collect();
    (total, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(Option<&str>, i64)]) -> Vec<(Option<String>, i64)> {
        pairs
            .iter()
            .map(|(v, n)| (v.map(str::to_string), *n))
            .collect()
    }

    fn shown(rows: &[BreakdownRow]) -> Vec<(Option<&str>, i64)> {
        rows.iter()
            .map(|r| (r.value.as_deref(), r.clicks))
            .collect()
    }

    #[test]
    fn every_dimension_parses_from_its_name() {
        for d in Dimension::ALL {
            assert_eq!(Dimension::parse(d.name()), Some(d));
        }
        assert_eq!(Dimension::parse("os"), None);
        assert_eq!(Dimension::parse("Country"), None, "names are lower case");
        assert_eq!(Dimension::parse(""), None);
    }

    #[test]
    fn rows_go_by_clicks_then_value_with_unknown_last() {
        let (total, rows) = rank(
            counts(&[
                (Some("SE"), 2),
                (None, 3),
                (Some("KR"), 3),
                (Some("GB"), 5),
                (Some("DE"), 2),
            ]),
            10,
        );
        assert_eq!(total, 15);
        assert_eq!(
            shown(&rows),
            [
                (Some("GB"), 5),
                (Some("KR"), 3),
                (None, 3),
                (Some("DE"), 2),
                (Some("SE"), 2)
            ]
        );
        assert_eq!(rows[0].share, 5.0 / 15.0);
        let shares: f64 = rows.iter().map(|r| r.share).sum();
        assert!((shares - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_limit_cuts_rows_but_not_the_total() {
        let (total, rows) = rank(counts(&[(Some("a"), 1), (Some("b"), 3)]), 1);
        assert_eq!(total, 4);
        assert_eq!(shown(&rows), [(Some("b"), 3)]);
        assert_eq!(rows[0].share, 0.75);
    }

    #[test]
    fn values_without_clicks_are_left_out_and_nothing_gives_no_rows() {
        let (total, rows) = rank(counts(&[(Some("a"), 0), (Some("b"), 2)]), 10);
        assert_eq!((total, shown(&rows)), (2, vec![(Some("b"), 2)]));
        let (total, rows) = rank(counts(&[(Some("a"), 0)]), 10);
        assert_eq!((total, rows), (0, vec![]));
        let (total, rows) = rank(Vec::new(), 10);
        assert_eq!((total, rows), (0, vec![]));
    }
}

//! The admin dashboard (`/admin`): the KPI report of a period and of the period of equal
//! length just before it, human clicks by network, and the top rows of a few boards.
//! Every figure comes from the use case the API calls for it ([`kpis::kpi_report`] as
//! `/kpis`, [`breakdowns::breakdown`] as `/breakdowns/network`, [`leaderboards::ranked`]
//! as `/leaderboards/{board}`); this module only adds the comparison of two periods.

use std::collections::BTreeMap;

use super::breakdowns::{self, Breakdown, BreakdownRequest, Dimension};
use super::kpis::{self, Figure, KpiError, KpiReport, KpiRequest};
use super::leaderboards::{self, BoardRequest};
use crate::db::DbConnection;
use crate::domain::emv::EmvRates;
use crate::domain::kpi::MetricKind;
use crate::domain::leaderboard::{Board, Ranked};
use crate::domain::period::{Interval, Period, PeriodError};
use crate::store::breakdowns::Facet;
use crate::store::reports::ReportFilter;
use crate::store::StoreError;

/// What the dashboard is asked for.
#[derive(Debug, Clone)]
pub struct DashboardRequest {
    /// The period and the share filters (campaign, team, network).
    pub filter: ReportFilter,
    pub timezone: chrono_tz::Tz,
    /// Units of the default currency per unit of each other currency.
    pub rates: BTreeMap<String, f64>,
    pub emv_rates: EmvRates,
    /// The boards whose first rows the dashboard shows.
    pub boards: Vec<Board>,
    /// How many rows of each.
    pub top: usize,
    /// Who looks, under which privacy mode (the boards apply it).
    pub audience: super::privacy::Audience,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// The period itself, per day (`/kpis?interval=day` with the same query).
    pub current: KpiReport,
    /// The period of equal length just before it, per day.
    pub previous: KpiReport,
    pub previous_period: Period,
    /// Human clicks by the share's network (`/breakdowns/network`).
    pub by_network: Breakdown,
    /// Human clicks by country, device and referrer host, the largest [`FACET_ROWS`]
    /// of each (`/breakdowns/{country,device,referrer}?limit=10`).
    pub by_facet: Vec<Breakdown>,
    /// The first rows of each asked board, in the order asked.
    pub boards: Vec<(Board, Vec<Ranked>)>,
    /// Clicks against revenue (`/trends?kpi=clicks` with the same query), from `current`.
    pub trend: super::trends::TrendReport,
}

/// The click facets the dashboard splits human clicks by, in order.
pub const FACETS: [Dimension; 3] = [
    Dimension::Click(Facet::Country),
    Dimension::Click(Facet::Device),
    Dimension::Click(Facet::Referrer),
];

/// Rows of each facet's breakdown on the dashboard.
pub const FACET_ROWS: usize = 10;

/// Lags (days) and trailing window (days) of the dashboard's trend: a week each way.
pub const TREND_DAYS: usize = 7;

/// The period of the same length that ends where `period` starts.
pub fn previous_period(period: &Period, tz: chrono_tz::Tz) -> Result<Period, PeriodError> {
    let length = period.to - period.from;
    Period::new(period.from - length, period.from, tz)
}

/// Builds the dashboard on the caller's connection.
pub fn dashboard(conn: &mut DbConnection, req: &DashboardRequest) -> Result<Dashboard, KpiError> {
    let previous_period =
        previous_period(&req.filter.period, req.timezone).unwrap_or(req.filter.period);
    let kpi_request = |filter: ReportFilter| KpiRequest {
        filter,
        channel: None,
        interval: Interval::Day,
        timezone: req.timezone,
        rates: req.rates.clone(),
        brand: None,
        emv_rates: req.emv_rates.clone(),
    };
    let current = kpis::kpi_report(conn, &kpi_request(req.filter.clone()))?;
    let trend = super::trends::trend_of(
        conn,
        &current,
        &super::trends::TrendRequest {
            kpis: kpi_request(req.filter.clone()),
            kpi: "clicks".to_string(),
            max_lag: TREND_DAYS,
            window: TREND_DAYS,
        },
    )
    .map_err(|e| match e {
        super::trends::TrendError::Kpi(e) => e,
        // "clicks" is always a KPI of the report.
        super::trends::TrendError::UnknownKpi(_) => KpiError::Store(StoreError::NotFound),
    })?;
    let previous = kpis::kpi_report(
        conn,
        &kpi_request(ReportFilter {
            period: previous_period,
            ..req.filter.clone()
        }),
    )?;
    let by_network = breakdowns::breakdown(
        conn,
        &BreakdownRequest {
            dimension: Dimension::Network,
            filter: req.filter.clone(),
            limit: crate::domain::network::Network::ALL.len(),
        },
    )?;
    let by_facet = FACETS
        .into_iter()
        .map(|dimension| {
            breakdowns::breakdown(
                conn,
                &BreakdownRequest {
                    dimension,
                    filter: req.filter.clone(),
                    limit: FACET_ROWS,
                },
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut boards = Vec::with_capacity(req.boards.len());
    for board in &req.boards {
        let rows = leaderboards::ranked(
            conn,
            &BoardRequest {
                board: *board,
                filter: req.filter.clone(),
                limit: req.top,
                audience: req.audience.clone(),
            },
        )?;
        boards.push((*board, rows));
    }
    Ok(Dashboard {
        current,
        previous,
        previous_period,
        by_network,
        by_facet,
        boards,
        trend,
    })
}

/// A figure as a plain number; `None` is no data.
pub fn figure_value(figure: Figure) -> Option<f64> {
    match figure {
        Figure::Count(n) => Some(n as f64),
        Figure::Amount(a) => a.map(|a| a as f64),
        Figure::Number(x) => x,
    }
}

/// How a KPI moved against the previous period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// (current − previous) / previous: counts, money and durations.
    Relative(f64),
    /// current − previous of a ratio (0.02 = two percentage points).
    Points(f64),
    /// Something now, nothing before: no ratio to show.
    FromZero,
}

impl Change {
    /// The sign of the move: 1 up, -1 down, 0 flat.
    pub fn direction(self) -> i8 {
        let x = match self {
            Change::Relative(x) | Change::Points(x) => x,
            Change::FromZero => 1.0,
        };
        if x > 0.0 {
            1
        } else if x < 0.0 {
            -1
        } else {
            0
        }
    }
}

/// The change of a KPI of `kind` from `previous` to `current`; `None` when either has
/// no data (nothing to compare), or both are zero for a count (no change to speak of is
/// still "0 %" then: `Relative(0.0)`).
pub fn change(kind: MetricKind, current: Option<f64>, previous: Option<f64>) -> Option<Change> {
    let (current, previous) = (current?, previous?);
    if !current.is_finite() || !previous.is_finite() {
        return None;
    }
    if kind == MetricKind::Ratio {
        return Some(Change::Points(current - previous));
    }
    if previous == 0.0 {
        return Some(if current == 0.0 {
            Change::Relative(0.0)
        } else {
            Change::FromZero
        });
    }
    Some(Change::Relative((current - previous) / previous.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn the_previous_period_has_the_same_length_and_ends_where_the_period_starts() {
        let tz = chrono_tz::Asia::Seoul;
        let p = Period::parse(
            Some("2026-03-01"),
            Some("2026-03-08"),
            tz,
            chrono::Utc::now(),
        )
        .unwrap();
        let prev = previous_period(&p, tz).unwrap();
        assert_eq!(prev.to, p.from);
        assert_eq!(prev.to - prev.from, p.to - p.from);
        assert_eq!(
            prev.first_day,
            NaiveDate::from_ymd_opt(2026, 2, 22).unwrap()
        );
        assert_eq!(prev.last_day, NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());
    }

    #[test]
    fn changes_are_relative_for_counts_and_points_for_ratios() {
        use MetricKind::*;
        assert_eq!(
            change(Count, Some(150.0), Some(100.0)),
            Some(Change::Relative(0.5))
        );
        assert_eq!(
            change(Money, Some(50.0), Some(100.0)),
            Some(Change::Relative(-0.5))
        );
        assert_eq!(change(Count, Some(3.0), Some(0.0)), Some(Change::FromZero));
        assert_eq!(
            change(Count, Some(0.0), Some(0.0)),
            Some(Change::Relative(0.0))
        );
        let points = change(Ratio, Some(0.25), Some(0.2)).unwrap();
        assert!(matches!(points, Change::Points(x) if (x - 0.05).abs() < 1e-12));
        assert_eq!(change(Ratio, None, Some(0.2)), None);
        assert_eq!(change(Seconds, Some(10.0), None), None);
        assert_eq!(change(Count, Some(f64::NAN), Some(1.0)), None);
        assert_eq!(Change::FromZero.direction(), 1);
        assert_eq!(Change::Relative(-0.1).direction(), -1);
        assert_eq!(Change::Points(0.0).direction(), 0);
    }

    #[test]
    fn figures_read_as_numbers_or_no_data() {
        assert_eq!(figure_value(Figure::Count(3)), Some(3.0));
        assert_eq!(figure_value(Figure::Amount(None)), None);
        assert_eq!(figure_value(Figure::Amount(Some(250))), Some(250.0));
        assert_eq!(figure_value(Figure::Number(Some(0.5))), Some(0.5));
    }
}

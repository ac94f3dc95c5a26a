//! Trends of one KPI (DESIGN.md §5): its correlation with revenue at lags 0..k and its
//! spikes and drops, each with the topics most mentioned in that bucket and the words its
//! mentions use most. The series are the KPI report's own (`app::kpis`), so a trend
//! never computes a KPI differently.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::app::dashboard::figure_value;
use crate::app::kpis::{kpi_report, Figure, KpiError, KpiReport, KpiRequest};
use crate::db::DbConnection;
use crate::domain::trends::{self, Direction, LagCorrelation};
use crate::store::social::{self, SocialFilter};

/// The KPI every trend is correlated with.
pub const AGAINST: &str = "revenue_cents";
/// Outliers are those beyond this many standard deviations of the trailing window.
pub const SIGMAS: f64 = 2.0;
/// Topics listed per outlier.
const TOPICS_PER_OUTLIER: usize = 3;
/// Keywords listed per outlier.
const KEYWORDS_PER_OUTLIER: usize = 5;
/// Most mention texts read for an outlier's keywords (the latest).
const TEXTS_PER_OUTLIER: i64 = 2_000;
/// Outliers listed (the most extreme last ones first would hide the rest: keep the latest).
const MAX_OUTLIERS: usize = 20;

#[derive(Debug, Clone)]
pub struct TrendRequest {
    pub kpis: KpiRequest,
    /// A KPI name of the report (`clicks`, `engagement_rate`, …).
    pub kpi: String,
    pub max_lag: usize,
    /// Buckets in the trailing window of the outlier test.
    pub window: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum TrendError {
    #[error("{0:?} is not a KPI with a series")]
    UnknownKpi(String),
    #[error(transparent)]
    Kpi(#[from] KpiError),
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendReport {
    pub kpi: String,
    pub against: &'static str,
    /// Each bucket: its first day, the KPI and revenue (`null`: no data).
    pub series: Vec<TrendPoint>,
    pub correlations: Vec<LagCorrelation>,
    /// Points a correlation needs; fewer: `r` is `null` ("not enough data").
    pub min_points: usize,
    pub sigmas: f64,
    pub window: usize,
    pub outliers: Vec<OutlierView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub period_start: NaiveDate,
    pub value: Option<f64>,
    pub revenue_cents: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutlierView {
    pub period_start: NaiveDate,
    pub direction: Direction,
    pub value: f64,
    pub trailing_mean: f64,
    pub trailing_sd: f64,
    pub z: Option<f64>,
    /// The topics most mentioned (all brands) in that bucket, most first.
    pub topics: Vec<TopicCount>,
    /// The words most used by that bucket's mentions (all brands; brand names and
    /// keywords and stop words left out), by the number of mentions using them.
    pub keywords: Vec<KeywordCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeywordCount {
    pub keyword: String,
    pub mentions: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicCount {
    pub topic: String,
    pub mentions: i64,
}

pub fn trend_report(
    conn: &mut DbConnection,
    req: &TrendRequest,
) -> Result<TrendReport, TrendError> {
    let report = kpi_report(conn, &req.kpis)?;
    trend_of(conn, &report, req)
}

/// The trend of `req.kpi` in a KPI report already made for `req.kpis` (the dashboard has
/// one and need not make it twice).
pub fn trend_of(
    conn: &mut DbConnection,
    report: &KpiReport,
    req: &TrendRequest,
) -> Result<TrendReport, TrendError> {
    let pick = |name: &str, row: &[(&'static str, Figure)]| {
        row.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| figure_value(*f))
    };
    if report
        .series
        .first()
        .is_some_and(|(_, row)| pick(&req.kpi, row).is_none())
        || !report.totals.iter().any(|(n, _)| *n == req.kpi)
    {
        return Err(TrendError::UnknownKpi(req.kpi.clone()));
    }
    let series: Vec<TrendPoint> = report
        .series
        .iter()
        .map(|(start, row)| TrendPoint {
            period_start: *start,
            value: pick(&req.kpi, row).flatten(),
            revenue_cents: pick(AGAINST, row).flatten(),
        })
        .collect();
    let kpi: Vec<Option<f64>> = series.iter().map(|p| p.value).collect();
    let revenue: Vec<Option<f64>> = series.iter().map(|p| p.revenue_cents).collect();
    let correlations = trends::lagged_correlations(&kpi, &revenue, req.max_lag, trends::MIN_POINTS);

    let period = &req.kpis.filter.period;
    let mut found = trends::outliers(&kpi, req.window, SIGMAS);
    if found.len() > MAX_OUTLIERS {
        found.drain(..found.len() - MAX_OUTLIERS);
    }
    let mut outliers = Vec::with_capacity(found.len());
    let brand_words = if found.is_empty() {
        Vec::new()
    } else {
        social::brand_words(conn).map_err(KpiError::from)?
    };
    for o in found {
        let start = series[o.index].period_start;
        let end = series
            .get(o.index + 1)
            .map(|next| next.period_start - Duration::days(1))
            .unwrap_or(period.last_day);
        let bucket = SocialFilter {
            first_day: start.max(period.first_day),
            last_day: end,
            from: period.from,
            to: period.to,
            channel: req.kpis.channel.clone(),
            brand_id: None,
        };
        let texts =
            social::mention_texts(conn, &bucket, TEXTS_PER_OUTLIER).map_err(KpiError::from)?;
        let keywords = trends::top_keywords(
            texts.iter().map(String::as_str),
            &brand_words,
            KEYWORDS_PER_OUTLIER,
        )
        .into_iter()
        .map(|(keyword, mentions)| KeywordCount { keyword, mentions })
        .collect();
        let mut topics: Vec<TopicCount> = social::topic_facts(conn, &bucket)
            .map_err(KpiError::from)?
            .into_iter()
            .map(|t| TopicCount {
                topic: t.topic,
                mentions: t.all_mentions,
            })
            .collect();
        topics.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.topic.cmp(&b.topic)));
        topics.truncate(TOPICS_PER_OUTLIER);
        outliers.push(OutlierView {
            period_start: start,
            direction: o.direction,
            value: o.value,
            trailing_mean: o.trailing_mean,
            trailing_sd: o.trailing_sd,
            z: o.z,
            topics,
            keywords,
        });
    }
    Ok(TrendReport {
        kpi: req.kpi.clone(),
        against: AGAINST,
        series,
        correlations,
        min_points: trends::MIN_POINTS,
        sigmas: SIGMAS,
        window: req.window,
        outliers,
    })
}

//! `/api/v1/leaderboards/{board}` and `/api/v1/kpis`.

use actix_web::{web, HttpResponse};
use chrono::{NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::app::kpis::{self, KpiRequest};
use crate::app::leaderboards::{self, BoardRequest};
use crate::domain::attribution::Model;
use crate::domain::channel::Channel;
use crate::domain::kpi::Influence;
use crate::domain::leaderboard::{self, Board};
use crate::domain::network::Network;
use crate::domain::period::{Interval, Period};
use crate::error::ApiError;
use crate::store::reports::ReportFilter;
use crate::store::snapshots::Sources;
use crate::web::auth::FullAccess;
use crate::web::AppState;

#[derive(Deserialize)]
pub struct ReportQuery {
    from: Option<String>,
    to: Option<String>,
    campaign_id: Option<i64>,
    team: Option<String>,
    network: Option<String>,
    pub(crate) limit: Option<usize>,
    unique: Option<bool>,
    interval: Option<String>,
    model: Option<String>,
    revenue: Option<String>,
    /// `false` leaves self-reported snapshots out of engagement and reach.
    self_reported: Option<bool>,
    /// Mention and support-case channel of the brand KPIs and the supporters board.
    channel: Option<String>,
    /// Supporters board: `reach` (default) or `mentions`.
    influence: Option<String>,
    /// The brand (name) the mention KPIs are about; the own brand by default.
    brand: Option<String>,
}

impl ReportQuery {
    /// The period and filters of a report query, as every report reads them.
    pub(crate) fn filter(&self, state: &AppState) -> Result<ReportFilter, ApiError> {
        let period = Period::parse(
            self.from.as_deref(),
            self.to.as_deref(),
            state.effective().timezone,
            Utc::now(),
        )
        .map_err(|e| ApiError::unprocessable("invalid_period", e.to_string()))?;
        let network = match self.network.as_deref().filter(|n| !n.is_empty()) {
            None => None,
            Some(n) => Some(
                Network::parse(n)
                    .map_err(|e| ApiError::unprocessable("invalid_network", e.to_string()))?
                    .as_str()
                    .to_string(),
            ),
        };
        Ok(ReportFilter {
            period,
            campaign_id: self.campaign_id,
            team: self.team.clone().filter(|t| !t.trim().is_empty()),
            network,
            unique: self.unique.unwrap_or(false),
            currency: state.effective().default_currency.clone(),
            model: match self.model.as_deref() {
                None => Model::LastClick,
                Some(m) => Model::parse(m).ok_or_else(|| {
                    ApiError::unprocessable(
                        "invalid_model",
                        "model must be last_click, first_click or linear",
                    )
                })?,
            },
            influenced: match self.revenue.as_deref() {
                None | Some("sourced") => false,
                Some("influenced") => true,
                Some(_) => {
                    return Err(ApiError::unprocessable(
                        "invalid_revenue",
                        "revenue must be sourced or influenced",
                    ))
                }
            },
            sources: Sources {
                include_self_reported: self.self_reported.unwrap_or(true),
            },
            channel: match self.channel.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(c) => Some(
                    Channel::parse(c)
                        .map_err(|e| {
                            ApiError::unprocessable("invalid_channel", format!("channel: {e}"))
                        })?
                        .as_str()
                        .to_string(),
                ),
            },
            influence: match self.influence.as_deref() {
                None => Influence::Reach,
                Some(v) => Influence::parse(v).ok_or_else(|| {
                    ApiError::unprocessable(
                        "invalid_influence",
                        "influence must be reach or mentions",
                    )
                })?,
            },
        })
    }
}

pub(crate) fn rfc3339(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The rows of a board as `/leaderboards/{board}` and its CSV show them
/// (`app::leaderboards`, which the leaderboards page calls too).
async fn ranked_board(
    state: &AppState,
    name: &str,
    query: &ReportQuery,
) -> Result<(Board, ReportFilter, Vec<leaderboard::Ranked>), ApiError> {
    let board = Board::parse(name).ok_or_else(|| {
        let known: Vec<&str> = Board::ALL.iter().map(|b| b.name()).collect();
        ApiError::NotFound(format!("no board {name:?}; boards: {}", known.join(", ")))
    })?;
    let filter = query.filter(state)?;
    let limit = query.limit.unwrap_or(leaderboards::DEFAULT_LIMIT);
    state.clicks.settle().await;
    if !leaderboards::valid_limit(limit) {
        return Err(ApiError::unprocessable(
            "invalid_limit",
            "limit must be between 1 and 1000",
        ));
    }
    let request = BoardRequest {
        board,
        filter: filter.clone(),
        limit,
        audience: crate::app::privacy::Audience::api(state.effective().privacy_mode),
    };
    let rows = state
        .db
        .run(move |conn| leaderboards::ranked(conn, &request))
        .await?;
    Ok((board, filter, rows))
}

pub async fn leaderboard(
    _: FullAccess,
    state: web::Data<AppState>,
    board: web::Path<String>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let (board, filter, rows) = ranked_board(&state, &board, &query).await?;
    Ok(HttpResponse::Ok().json(json!({
        "board": board.name(),
        "from": rfc3339(filter.period.from_utc()),
        "to": rfc3339(filter.period.to_utc()),
        "rows": rows,
    })))
}

/// `GET /export/leaderboards/{board}.csv`: exactly the rows `/leaderboards/{board}`
/// answers for the same query.
pub async fn leaderboard_csv(
    _: FullAccess,
    state: web::Data<AppState>,
    board: web::Path<String>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let (board, _, rows) = ranked_board(&state, &board, &query).await?;
    let body = leaderboards::csv(&rows).map_err(csv_failed)?;
    Ok(crate::web::csv_export::csv_attachment(&leaderboards::csv_filename(board)).body(body))
}

/// `GET /export/kpis.csv`: the `/kpis` report as a table, one row per bucket and a last
/// row with the period's totals.
pub async fn kpis_csv(
    _: FullAccess,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let (_, _, report) = kpi_report(&state, &query).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut write = |cells: Vec<String>| out.write_record(&cells).map_err(csv_failed);
    let mut header = vec!["period_start".to_string()];
    header.extend(report.totals.iter().map(|(name, _)| name.to_string()));
    write(header)?;
    let cell = |figure: &kpis::Figure| match json!(figure) {
        Value::Null => String::new(),
        value => value.to_string(),
    };
    for (start, values) in &report.series {
        let mut row = vec![start.to_string()];
        row.extend(values.iter().map(|(_, v)| cell(v)));
        write(row)?;
    }
    let mut row = vec!["total".to_string()];
    row.extend(report.totals.iter().map(|(_, v)| cell(v)));
    write(row)?;
    csv_attachment(out, "kpis.csv")
}

fn csv_failed(err: csv::Error) -> ApiError {
    tracing::error!(error = %err, "cannot write a CSV report");
    ApiError::Internal
}

fn csv_attachment(out: csv::Writer<Vec<u8>>, filename: &str) -> Result<HttpResponse, ApiError> {
    let body = out
        .into_inner()
        .map_err(|err| csv_failed(err.into_error().into()))?;
    Ok(crate::web::csv_export::csv_attachment(filename).body(body))
}

/// The KPI report for a query, as `/kpis` and its CSV show it.
async fn kpi_report(
    state: &AppState,
    query: &ReportQuery,
) -> Result<(ReportFilter, Interval, kpis::KpiReport), ApiError> {
    let (filter, interval, request) = kpi_request(state, query)?;
    state.clicks.settle().await;
    let report = state
        .db
        .run(move |conn| Ok(kpis::kpi_report(conn, &request)))
        .await??;
    Ok((filter, interval, report))
}

/// The KPI report a query asks for (also the base of `/trends`).
pub(crate) fn kpi_request(
    state: &AppState,
    query: &ReportQuery,
) -> Result<(ReportFilter, Interval, KpiRequest), ApiError> {
    let filter = query.filter(state)?;
    let interval = match query.interval.as_deref() {
        None => Interval::Day,
        Some(v) => Interval::parse(v).ok_or_else(|| {
            ApiError::unprocessable("invalid_interval", "interval must be day, week or month")
        })?,
    };
    let effective = state.effective();
    let request = KpiRequest {
        filter: filter.clone(),
        channel: filter.channel.clone(),
        interval,
        timezone: effective.timezone,
        rates: effective.exchange_rates.clone(),
        brand: query
            .brand
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(String::from),
        emv_rates: effective.emv_rates.clone(),
    };
    Ok((filter, interval, request))
}

pub async fn kpis(
    _: FullAccess,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let (filter, interval, report) = kpi_report(&state, &query).await?;
    let tz = state.effective().timezone;
    let start_of = |day: NaiveDate| {
        day.and_hms_opt(0, 0, 0)
            .and_then(|m| tz.from_local_datetime(&m).earliest())
            .map(|t| rfc3339(t.with_timezone(&Utc)))
            .unwrap_or_else(|| day.to_string())
    };
    let mut series = Map::new();
    for (i, (name, _)) in report.totals.iter().enumerate() {
        let points: Vec<Value> = report
            .series
            .iter()
            .map(|(start, values)| {
                let value = values.get(i).map_or(Value::Null, |(_, v)| json!(v));
                json!({"start": start_of(*start), "value": value})
            })
            .collect();
        series.insert(name.to_string(), Value::Array(points));
    }
    let revenue_conversion = json!({
        "converted": report.revenue.converted.iter().map(|c| json!({
            "currency": c.currency, "cents": c.original_cents, "rate": c.rate, "converted_cents": c.cents,
        })).collect::<Vec<_>>(),
        "unconverted": report.revenue.unconverted.iter().map(|u| json!({
            "currency": u.currency, "cents": u.cents,
        })).collect::<Vec<_>>(),
    });
    let totals: Map<String, Value> = report
        .totals
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let revenue_by_currency = json!(report.revenue_by_currency);
    let engagement_levels: Vec<Value> = report
        .engagement_levels
        .steps
        .iter()
        .map(|step| {
            json!({"level": step.level.as_str(), "measure": step.level.measure(),
                   "count": step.count, "from_previous": step.from_previous})
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "from": rfc3339(filter.period.from_utc()),
        "to": rfc3339(filter.period.to_utc()),
        "interval": match interval { Interval::Day => "day", Interval::Week => "week", Interval::Month => "month" },
        "currency": filter.currency,
        "channel": filter.channel,
        "totals": totals,
        "revenue_by_currency": revenue_by_currency,
        "revenue_conversion": revenue_conversion,
        "engagement_rate_basis": report.engagement_rate_basis.map(|b| b.as_str()),
        "engagement_levels": engagement_levels,
        "by_channel": report.by_channel,
        "by_topic": report.by_topic,
        "by_brand": report.by_brand,
        "series": series,
        "brand": query.brand.as_deref().map(str::trim).filter(|b| !b.is_empty()),
        "note": "Clicks are verified human clicks; conversions, leads and revenue count attributed conversions (unattributed_conversions beside them); revenue_cents is in `currency`, other currencies converted at the configured fixed rates (revenue_conversion lists any without a rate). Everything is counted by event time (the local day it happened). earned_media_value_cents is what the same impressions and clicks would have cost as paid media: read it beside revenue_cents, never alone.",
    })))
}

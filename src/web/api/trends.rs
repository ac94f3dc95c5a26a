//! `GET /trends`: one KPI's correlation with revenue at lags 0..k and its spikes and drops
//! (see `app::trends`), for the same period and filters as `/kpis`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::app::trends::{self, TrendError, TrendRequest};
use crate::error::ApiError;
use crate::web::api::reports::{kpi_request, ReportQuery};
use crate::web::auth::FullAccess;
use crate::web::AppState;

/// Lags beyond this say nothing a marketer can act on and only cost points.
const MAX_LAGS: usize = 30;
const DEFAULT_LAGS: usize = 7;
const DEFAULT_WINDOW: usize = 7;

#[derive(Deserialize)]
pub struct TrendQuery {
    kpi: Option<String>,
    lags: Option<usize>,
    window: Option<usize>,
}

impl From<TrendError> for ApiError {
    fn from(err: TrendError) -> ApiError {
        match err {
            TrendError::UnknownKpi(name) => ApiError::unprocessable(
                "unknown_kpi",
                format!("{name:?} is not a KPI of /kpis with a series"),
            ),
            TrendError::Kpi(e) => e.into(),
        }
    }
}

pub async fn show(
    _: FullAccess,
    state: web::Data<AppState>,
    report: web::Query<ReportQuery>,
    query: web::Query<TrendQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let max_lag = query.lags.unwrap_or(DEFAULT_LAGS);
    if max_lag > MAX_LAGS {
        return Err(ApiError::unprocessable(
            "invalid_lags",
            format!("lags must be between 0 and {MAX_LAGS}"),
        ));
    }
    let window = query.window.unwrap_or(DEFAULT_WINDOW);
    if !(2..=90).contains(&window) {
        return Err(ApiError::unprocessable(
            "invalid_window",
            "window must be between 2 and 90 buckets",
        ));
    }
    let (_, _, kpis) = kpi_request(&state, &report)?;
    let request = TrendRequest {
        kpis,
        kpi: query.kpi.unwrap_or_else(|| "clicks".to_string()),
        max_lag,
        window,
    };
    state.clicks.settle().await;
    let trend = state
        .db
        .run(move |conn| Ok(trends::trend_report(conn, &request)))
        .await??;
    Ok(HttpResponse::Ok().json(trend))
}

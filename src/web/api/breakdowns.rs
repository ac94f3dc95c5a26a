//! `GET /api/v1/breakdowns/{dimension}`: the verified human clicks of a period split by
//! network, country, device, browser or referrer host (`app::breakdowns`). Its CSV is
//! `export::breakdown`, from the same [`report`].

use actix_web::{web, HttpResponse};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::app::breakdowns::{self, Breakdown, BreakdownRequest, Dimension};
use crate::domain::period::Period;
use crate::error::ApiError;
use crate::web::auth::FullAccess;
use crate::web::AppState;

/// The leaderboards' query: period, share filters and `limit`.
pub type BreakdownQuery = super::reports::ReportQuery;

/// Rows when the query names no `limit` (as the leaderboards).
const DEFAULT_LIMIT: usize = 10;
/// The most rows a breakdown answers.
pub const MAX_LIMIT: usize = 1000;

/// `share_id`: one share's clicks alone (beside the leaderboards' query, which it shares).
#[derive(Deserialize)]
pub struct ShareQuery {
    share_id: Option<i64>,
}

/// The breakdown a path and query ask for, with its period: what the JSON and the CSV
/// show. An unknown dimension is a 404, as an unknown leaderboard is.
pub async fn report(
    state: &AppState,
    name: &str,
    query: &BreakdownQuery,
) -> Result<(Period, Breakdown), ApiError> {
    report_of(state, name, query, None).await
}

/// [`report`] narrowed to the share `share` when set; an unknown share is a 404.
pub async fn report_of(
    state: &AppState,
    name: &str,
    query: &BreakdownQuery,
    share: Option<i64>,
) -> Result<(Period, Breakdown), ApiError> {
    let dimension = Dimension::parse(name).ok_or_else(|| {
        let known: Vec<&str> = Dimension::ALL.iter().map(|d| d.name()).collect();
        ApiError::NotFound(format!(
            "no breakdown by {name:?}; dimensions: {}",
            known.join(", ")
        ))
    })?;
    let filter = query.filter(state)?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::unprocessable(
            "invalid_limit",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let period = filter.period;
    let request = BreakdownRequest {
        dimension,
        filter,
        limit,
    };
    // Clicks answered before this request count in it.
    state.clicks.settle().await;
    let breakdown = state
        .db
        .run(move |conn| {
            if let Some(id) = share {
                crate::store::shares::find_by_id(conn, id)?;
            }
            breakdowns::breakdown_of(conn, &request, share)
        })
        .await
        .map_err(|e| match (e, share) {
            (crate::store::StoreError::NotFound, Some(id)) => {
                ApiError::NotFound(format!("no share {id}"))
            }
            (other, _) => other.into(),
        })?;
    Ok((period, breakdown))
}

#[derive(Serialize)]
struct Body<'a> {
    dimension: &'static str,
    from: String,
    to: String,
    total: i64,
    rows: Vec<Row<'a>>,
}

#[derive(Serialize)]
struct Row<'a> {
    value: Option<&'a str>,
    clicks: i64,
    share: f64,
}

fn rfc3339(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub async fn show(
    _: FullAccess,
    state: web::Data<AppState>,
    dimension: web::Path<String>,
    query: web::Query<BreakdownQuery>,
    share: web::Query<ShareQuery>,
) -> Result<HttpResponse, ApiError> {
    let (period, breakdown) = report_of(&state, &dimension, &query, share.share_id).await?;
    Ok(HttpResponse::Ok().json(Body {
        dimension: breakdown.dimension.name(),
        from: rfc3339(period.from_utc()),
        to: rfc3339(period.to_utc()),
        total: breakdown.total,
        rows: breakdown
            .rows
            .iter()
            .map(|r| Row {
                value: r.value.as_deref(),
                clicks: r.clicks,
                share: r.share,
            })
            .collect(),
    }))
}

//! `/api/v1/export/{clicks,conversions,shares,mentions}.csv`: CSV exports with a header
//! row, times in RFC 3339 UTC, streamed a page at a time (`web::csv_export`).

use actix_web::web;
use actix_web::HttpResponse;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::query_period;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::store;
use crate::store::clicks::ClickExportRow;
use crate::store::mentions::MentionExportRow;
use crate::store::shares::ShareExportRow;
use crate::web::api::conversions::FilterQuery;
use crate::web::auth::FullAccess;
use crate::web::csv_export::{
    click_cells, conversions_csv, csv_attachment, mention_cells, share_cells, stream_csv, text,
    Pager, CLICKS_HEADER, MENTIONS_HEADER, SHARES_HEADER,
};
use crate::web::AppState;

/// `from`/`to` of the exports that filter on nothing else.
#[derive(Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

impl PeriodQuery {
    /// RFC 3339 or a bare date (midnight in the configured zone), as every list takes
    /// them; `to` is exclusive.
    fn period(
        &self,
        tz: chrono_tz::Tz,
    ) -> Result<(Option<NaiveDateTime>, Option<NaiveDateTime>), ApiError> {
        query_period(self.from.as_deref(), self.to.as_deref(), tz)
    }
}

// ---------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------

/// `GET /export/clicks.csv?from&to`: every recorded click (of every kind) whose
/// `occurred_at` falls in the period, in the order they were stored.
pub async fn clicks(
    _: FullAccess,
    state: web::Data<AppState>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = query.period(state.effective().timezone)?;
    // A click answered a moment ago must be in the file.
    state.clicks.settle().await;
    let read = move |conn: &mut DbConnection, after: Option<i64>, limit: i64| {
        store::clicks::list_for_export(conn, from, to, after, limit)
    };
    Ok(stream_csv(
        state.db.clone(),
        Pager {
            filename: "clicks.csv",
            header: &CLICKS_HEADER,
            read,
            cursor: |r: &ClickExportRow| r.id,
            cells: click_cells,
        },
    )
    .await?)
}

/// `GET /export/shares.csv?from&to`: every share created in the period, by id.
pub async fn shares(
    _: FullAccess,
    state: web::Data<AppState>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = query.period(state.effective().timezone)?;
    // The click totals come from rollups the writer keeps: let it catch up first.
    state.clicks.settle().await;
    let base = state.settings.public_base().to_owned();
    let read = move |conn: &mut DbConnection, after: Option<i64>, limit: i64| {
        store::shares::list_for_export(conn, from, to, after, limit)
    };
    let response = stream_csv(
        state.db.clone(),
        Pager {
            filename: "shares.csv",
            header: &SHARES_HEADER,
            read,
            cursor: |r: &ShareExportRow| r.id,
            cells: move |r: &ShareExportRow| share_cells(r, &base),
        },
    )
    .await?;
    Ok(response)
}

/// `GET /export/mentions.csv?from&to`: every mention that occurred in the period, by id.
pub async fn mentions(
    _: FullAccess,
    state: web::Data<AppState>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = query.period(state.effective().timezone)?;
    let read = move |conn: &mut DbConnection, after: Option<i64>, limit: i64| {
        store::mentions::list_for_export(conn, from, to, after, limit)
    };
    Ok(stream_csv(
        state.db.clone(),
        Pager {
            filename: "mentions.csv",
            header: &MENTIONS_HEADER,
            read,
            cursor: |r: &MentionExportRow| r.id,
            cells: mention_cells,
        },
    )
    .await?)
}

/// `GET /export/conversions.csv?from&to&kind&attributed&campaign_id&employee_id`: every
/// matching conversion, attributed or not, oldest first.
pub async fn conversions(
    _: FullAccess,
    state: web::Data<AppState>,
    query: web::Query<FilterQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = query.filter(state.effective().timezone)?;
    Ok(conversions_csv(state.db.clone(), filter).await?)
}

/// `GET /export/breakdowns/{dimension}.csv`: exactly the rows `/breakdowns/{dimension}`
/// answers for the same query (`value,clicks,share`; an unknown value is an empty cell).
/// At most [`MAX_LIMIT`](super::breakdowns::MAX_LIMIT) rows: built whole, not streamed.
pub async fn breakdown(
    _: FullAccess,
    state: web::Data<AppState>,
    dimension: web::Path<String>,
    query: web::Query<super::breakdowns::BreakdownQuery>,
) -> Result<HttpResponse, ApiError> {
    let (_, breakdown) = super::breakdowns::report(&state, &dimension, &query).await?;
    let failed = |err: csv::Error| {
        tracing::error!(error = %err, "cannot write a breakdown CSV");
        ApiError::Internal
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["value", "clicks", "share"])
        .map_err(failed)?;
    for row in &breakdown.rows {
        out.write_record([
            text(row.value.as_deref()),
            row.clicks.to_string(),
            row.share.to_string(),
        ])
        .map_err(failed)?;
    }
    let body = out
        .into_inner()
        .map_err(|err| failed(err.into_error().into()))?;
    let filename = format!("breakdown-{}.csv", breakdown.dimension.name());
    Ok(csv_attachment(&filename).body(body))
}

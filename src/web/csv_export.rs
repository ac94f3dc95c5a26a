//! CSV downloads shared by the JSON API's exports and the pages' downloads: a
//! `text/csv` attachment ([`csv_attachment`]), exports streamed a page at a time
//! ([`stream_csv`]), and the columns of each export, free-text cells made safe for
//! spreadsheets ([`csv_cell::safe`]).
//!
//! An export may cover millions of clicks, so none is built whole in memory: [`stream_csv`]
//! reads [`PAGE`] rows per query (keyset paging, each page on the database's blocking
//! door [`Db::run`], never holding a connection between pages) and sends each page as one
//! chunk of a streamed body. The next page is read only when the client has taken the
//! previous one, so a slow reader holds at most a page in memory, not the export.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::HttpResponse;
use chrono::{NaiveDateTime, SecondsFormat};

use crate::db::{Db, DbConnection};
use crate::domain::{csv_cell, share};
use crate::store::clicks::ClickExportRow;
use crate::store::conversions::{ConversionFilter, ConversionListing};
use crate::store::mentions::MentionExportRow;
use crate::store::shares::ShareExportRow;
use crate::store::{self, StoreError};

/// Rows read per query: large enough that the per-query cost disappears, small enough
/// that a page (a few hundred kilobytes of CSV) is a modest chunk.
pub const PAGE: i64 = 1_000;

/// The conversions matching `filter` as a streamed CSV attachment (see
/// [`CONVERSIONS_HEADER`]); the API's export and the admin page's download. Oldest first, paged by
/// `(occurred_at, id)` so the order is the conversions' own, not the order of recording.
pub async fn conversions_csv(db: Db, filter: ConversionFilter) -> Result<HttpResponse, StoreError> {
    let read = move |conn: &mut DbConnection, after: Option<(NaiveDateTime, i64)>, limit: i64| {
        store::conversions::list_chronological(conn, &filter, after, limit)
    };
    stream_csv(
        db,
        Pager {
            filename: "conversions.csv",
            header: &CONVERSIONS_HEADER,
            read,
            cursor: |r: &ConversionListing| (r.conversion.occurred_at.naive_utc(), r.conversion.id),
            cells: conversion_cells,
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------
// The streaming machinery
// ---------------------------------------------------------------------------------------

/// How one export reads and writes its rows (the bounds are on [`stream_csv`]).
pub struct Pager<F, K, W> {
    /// The attachment's file name.
    pub filename: &'static str,
    pub header: &'static [&'static str],
    /// One page: at most `limit` rows after the cursor (`None`: from the start).
    pub read: F,
    /// Where the page after this row starts.
    pub cursor: K,
    /// The row's cells, in header order, text already made safe.
    pub cells: W,
}

/// Where the stream stands between chunks.
enum Step<C> {
    /// A page read before the response started, still to send.
    Ready(Bytes, Option<C>),
    /// Read the page after this cursor next.
    After(C),
    Done,
}

/// The rows of `pager` as a `text/csv` attachment, streamed a page at a time.
///
/// The first page (with the header row) is read before answering, so a database that is
/// down gives the usual error response. A failure on a later page can no longer change the
/// status: it is logged and the body is cut off, so the client sees an incomplete
/// transfer rather than a file that merely looks short.
pub async fn stream_csv<R, C, F, K, W>(
    db: Db,
    pager: Pager<F, K, W>,
) -> Result<HttpResponse, StoreError>
where
    R: 'static,
    C: Send + 'static,
    F: Fn(&mut DbConnection, Option<C>, i64) -> Result<Vec<R>, StoreError> + Send + Sync + 'static,
    K: Fn(&R) -> C + Send + Sync + 'static,
    W: Fn(&R) -> Vec<String> + Send + Sync + 'static,
{
    let filename = pager.filename;
    let pager = Arc::new(pager);
    let (first, next) = read_page(&db, &pager, None, true).await?;
    let body = futures_util::stream::unfold(Step::Ready(first, next), move |step| {
        let db = db.clone();
        let pager = Arc::clone(&pager);
        async move {
            let (chunk, next) = match step {
                Step::Done => return None,
                Step::Ready(chunk, next) => (chunk, next),
                Step::After(after) => match read_page(&db, &pager, Some(after), false).await {
                    Ok(page) => page,
                    Err(e) => {
                        tracing::error!(error = %e, file = pager.filename, "CSV export cut off");
                        return Some((Err(e), Step::Done));
                    }
                },
            };
            // Only a short page (the last) can be empty: end rather than send nothing.
            if chunk.is_empty() {
                return None;
            }
            Some((Ok(chunk), next.map_or(Step::Done, Step::After)))
        }
    });
    Ok(csv_attachment(filename).streaming(body))
}

/// A `200 text/csv` attachment named `filename`, never cached (every CSV download here).
pub fn csv_attachment(filename: &str) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    response
}

/// One page as CSV bytes (preceded by the header row when `with_header`), and the cursor
/// of the next page when this one was full.
async fn read_page<R, C, F, K, W>(
    db: &Db,
    pager: &Arc<Pager<F, K, W>>,
    after: Option<C>,
    with_header: bool,
) -> Result<(Bytes, Option<C>), StoreError>
where
    R: 'static,
    C: Send + 'static,
    F: Fn(&mut DbConnection, Option<C>, i64) -> Result<Vec<R>, StoreError> + Send + Sync + 'static,
    K: Fn(&R) -> C + Send + Sync + 'static,
    W: Fn(&R) -> Vec<String> + Send + Sync + 'static,
{
    let pager = Arc::clone(pager);
    db.run(move |conn| {
        let rows = (pager.read)(conn, after, PAGE)?;
        let failed = |e: csv::Error| {
            tracing::error!(error = %e, "writing CSV to memory failed");
            StoreError::Unavailable
        };
        let mut out = csv::Writer::from_writer(Vec::new());
        if with_header {
            out.write_record(pager.header).map_err(failed)?;
        }
        for row in &rows {
            out.write_record((pager.cells)(row)).map_err(failed)?;
        }
        let next = match rows.last() {
            Some(last) if rows.len() as i64 == PAGE => Some((pager.cursor)(last)),
            _ => None,
        };
        let bytes = out
            .into_inner()
            .map_err(|e| failed(e.into_error().into()))?;
        Ok((Bytes::from(bytes), next))
    })
    .await
}

// ---------------------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------------------

fn time(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn number(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

pub(crate) fn text(v: Option<&str>) -> String {
    v.map(|v| csv_cell::safe(v).into_owned())
        .unwrap_or_default()
}

/// The columns of the clicks export, in order. No visitor hash: it is pseudonymous
/// personal data (it ties one person's clicks together), and an exported file escapes the
/// retention rules the database keeps.
pub const CLICKS_HEADER: [&str; 16] = [
    "click_id",
    "occurred_at",
    "day",
    "share_id",
    "slug",
    "employee_id",
    "network",
    "kind",
    "flag_reason",
    "country",
    "region",
    "city",
    "referrer_host",
    "browser",
    "os",
    "device",
];

pub(crate) fn click_cells(r: &ClickExportRow) -> Vec<String> {
    vec![
        text(Some(&r.click_id)),
        time(r.occurred_at),
        r.day.to_string(),
        r.share_id.to_string(),
        text(Some(&r.slug)),
        r.employee_id.to_string(),
        text(Some(&r.network)),
        text(Some(&r.kind)),
        text(r.flag_reason.as_deref()),
        text(r.country.as_deref()),
        text(r.region.as_deref()),
        text(r.city.as_deref()),
        text(r.referrer_host.as_deref()),
        text(r.browser.as_deref()),
        text(r.os.as_deref()),
        text(r.device.as_deref()),
    ]
}

/// The columns of the shares export, in order; the click totals are all-time, from the
/// daily rollups.
pub const SHARES_HEADER: [&str; 12] = [
    "id",
    "created_at",
    "slug",
    "short_url",
    "employee_id",
    "employee_name",
    "content_id",
    "content_title",
    "network",
    "campaign_id",
    "raw_clicks",
    "human_clicks",
];

pub(crate) fn share_cells(r: &ShareExportRow, public_base: &str) -> Vec<String> {
    vec![
        r.id.to_string(),
        time(r.created_at),
        text(Some(&r.slug)),
        text(Some(&share::short_url(public_base, &r.slug))),
        r.employee_id.to_string(),
        text(Some(&r.employee_name)),
        r.content_id.to_string(),
        text(Some(&r.content_title)),
        text(Some(&r.network)),
        number(r.campaign_id),
        r.raw_clicks.to_string(),
        r.human_clicks.to_string(),
    ]
}

/// The columns of the mentions export, in order.
pub const MENTIONS_HEADER: [&str; 11] = [
    "id",
    "occurred_at",
    "brand",
    "own",
    "channel",
    "kind",
    "author",
    "author_reach",
    "sentiment",
    "url",
    "text",
];

pub(crate) fn mention_cells(r: &MentionExportRow) -> Vec<String> {
    vec![
        r.id.to_string(),
        time(r.occurred_at),
        text(Some(&r.brand)),
        r.own.to_string(),
        text(Some(&r.channel)),
        text(Some(&r.kind)),
        text(Some(&r.author)),
        number(r.author_reach),
        text(Some(&r.sentiment)),
        text(r.url.as_deref()),
        text(Some(&r.text)),
    ]
}

/// The columns of the conversions export, in order.
pub const CONVERSIONS_HEADER: [&str; 14] = [
    "id",
    "occurred_at",
    "kind",
    "value_cents",
    "currency",
    "customer_id",
    "external_id",
    "attributed",
    "click_id",
    "share_id",
    "employee_id",
    "employee_name",
    "campaign_id",
    "campaign",
];

pub(crate) fn conversion_cells(row: &ConversionListing) -> Vec<String> {
    let c = &row.conversion;
    vec![
        c.id.to_string(),
        c.occurred_at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        text(Some(&c.kind)),
        number(c.value_cents),
        text(c.currency.as_deref()),
        text(c.customer_id.as_deref()),
        text(c.external_id.as_deref()),
        c.attributed.to_string(),
        text(c.click_id.as_deref()),
        number(c.share_id),
        number(c.employee_id),
        text(row.employee_name.as_deref()),
        number(c.campaign_id),
        text(row.campaign_name.as_deref()),
    ]
}

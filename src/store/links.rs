//! What the redirect needs to know about a short link, read by slug.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::StoreError;
use crate::db::schema::{content, shares};
use crate::db::DbConnection;

/// A short link as the redirect sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    pub share_id: i64,
    pub employee_id: i64,
    pub destination: String,
    /// Whether the click id may be appended (content items with signed URLs say no).
    pub click_param: bool,
    pub expires_at: Option<NaiveDateTime>,
    pub disabled: bool,
}

type Row = (
    i64,
    i64,
    String,
    bool,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

fn columns() -> (
    shares::id,
    shares::employee_id,
    shares::destination,
    content::click_param,
    shares::expires_at,
    shares::disabled_at,
) {
    (
        shares::id,
        shares::employee_id,
        shares::destination,
        content::click_param,
        shares::expires_at,
        shares::disabled_at,
    )
}

fn from_row(
    (share_id, employee_id, destination, click_param, expires_at, disabled_at): Row,
) -> LinkRow {
    LinkRow {
        share_id,
        employee_id,
        destination,
        click_param,
        expires_at,
        disabled: disabled_at.is_some(),
    }
}

pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> Result<Option<LinkRow>, StoreError> {
    let row: Option<Row> = shares::table
        .inner_join(content::table)
        .filter(shares::slug.eq(slug))
        .select(columns())
        .first(conn)
        .optional()?;
    Ok(row.map(from_row))
}

/// Every link, newest first, at most `limit` (to warm the cache at start).
pub fn list_recent(
    conn: &mut DbConnection,
    limit: i64,
) -> Result<Vec<(String, LinkRow)>, StoreError> {
    let rows: Vec<(String, Row)> = shares::table
        .inner_join(content::table)
        .select((shares::slug, columns()))
        .order(shares::id.desc())
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(slug, row)| (slug, from_row(row)))
        .collect())
}

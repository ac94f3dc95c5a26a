//! Live counts for the admin home.

use diesel::prelude::*;
use serde::Serialize;

use super::StoreError;
use crate::db::schema::{campaigns, clicks, content, conversions, employees, shares, teams};
use crate::db::DbConnection;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub employees: i64,
    pub teams: i64,
    pub campaigns: i64,
    pub content: i64,
    pub shares: i64,
    pub clicks: i64,
    pub conversions: i64,
}

pub fn overview(conn: &mut DbConnection) -> Result<Counts, StoreError> {
    Ok(Counts {
        employees: employees::table
            .filter(employees::erased_at.is_null())
            .count()
            .get_result(conn)?,
        teams: teams::table.count().get_result(conn)?,
        campaigns: campaigns::table.count().get_result(conn)?,
        content: content::table.count().get_result(conn)?,
        shares: shares::table.count().get_result(conn)?,
        clicks: clicks::table.count().get_result(conn)?,
        conversions: conversions::table.count().get_result(conn)?,
    })
}

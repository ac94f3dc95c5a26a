//! Live counts for the admin home. Raw clicks and conversions are not among them: the
//! dashboard shows those as KPIs, and counting 10 M click rows took ~180 ms a page.

use diesel::prelude::*;
use serde::Serialize;

use super::StoreError;
use crate::db::schema::{campaigns, content, employees, shares, teams};
use crate::db::DbConnection;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub employees: i64,
    pub teams: i64,
    pub campaigns: i64,
    pub content: i64,
    pub shares: i64,
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
    })
}

//! Daily salts for visitor hashes, shared by every instance through the database.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::StoreError;
use crate::db::schema::visitor_salts;
use crate::db::DbConnection;

/// The salt of `day`, created from `generate` when missing. Instances racing to create
/// it all end up with the one that was stored first.
pub fn get_or_create(
    conn: &mut DbConnection,
    day: NaiveDate,
    generate: impl FnOnce() -> Vec<u8>,
) -> Result<Vec<u8>, StoreError> {
    let find = |conn: &mut DbConnection| -> Result<Option<Vec<u8>>, StoreError> {
        Ok(visitor_salts::table
            .find(day)
            .select(visitor_salts::salt)
            .first(conn)
            .optional()?)
    };
    if let Some(salt) = find(conn)? {
        return Ok(salt);
    }
    let inserted = diesel::insert_into(visitor_salts::table)
        .values((
            visitor_salts::day.eq(day),
            visitor_salts::salt.eq(generate()),
        ))
        .execute(conn)
        .map_err(StoreError::from);
    match inserted {
        Ok(_) | Err(StoreError::Conflict(_)) => find(conn)?.ok_or(StoreError::NotFound),
        Err(other) => Err(other),
    }
}

/// Deletes the salts of days before `day`: once gone, old hashes cannot be recomputed.
pub fn delete_before(conn: &mut DbConnection, day: NaiveDate) -> Result<usize, StoreError> {
    Ok(diesel::delete(visitor_salts::table.filter(visitor_salts::day.lt(day))).execute(conn)?)
}

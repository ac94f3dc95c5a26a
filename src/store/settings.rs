//! Settings changed at run time (admin pages, the API), shared by every instance on the
//! same database: one text value per key, reread by every instance every few seconds, so a
//! change takes effect everywhere without a restart. The configuration file and environment
//! give the defaults that a missing key falls back to.

use diesel::prelude::*;

use super::{now, per_backend, StoreError};
use crate::db::schema::settings;
use crate::db::DbConnection;

/// The stored value of a key, if any.
pub fn get(conn: &mut DbConnection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(settings::table
        .filter(settings::key.eq(key))
        .select(settings::value)
        .first(conn)
        .optional()?)
}

/// Every stored key and value (a handful of rows: each instance reads them all every few
/// seconds, see `app::settings::LiveSettings`).
pub fn list(conn: &mut DbConnection) -> Result<Vec<(String, String)>, StoreError> {
    Ok(settings::table
        .select((settings::key, settings::value))
        .order(settings::key.asc())
        .load(conn)?)
}

/// Stores a value, replacing the previous one.
pub fn put(conn: &mut DbConnection, key: &str, value: &str) -> Result<(), StoreError> {
    let at = now();
    per_backend!(conn, c => diesel::insert_into(settings::table)
        .values((settings::key.eq(key), settings::value.eq(value), settings::updated_at.eq(at)))
        .on_conflict(settings::key)
        .do_update()
        .set((settings::value.eq(value), settings::updated_at.eq(at)))
        .execute(c))?;
    Ok(())
}

/// Forgets a key: the configured default applies again.
pub fn remove(conn: &mut DbConnection, key: &str) -> Result<(), StoreError> {
    diesel::delete(settings::table.filter(settings::key.eq(key))).execute(conn)?;
    Ok(())
}

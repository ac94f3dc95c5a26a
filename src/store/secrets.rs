//! Instance secrets shared by every Chorus instance on the same database.

use diesel::prelude::*;

use super::{now, StoreError};
use crate::db::schema::instance_secrets;
use crate::db::DbConnection;

/// The secret of that name, created from `generate` on first use. When two instances race
/// on first start, the loser's insert conflicts and it reads the winner's value.
pub fn get_or_create(
    conn: &mut DbConnection,
    name: &str,
    generate: impl FnOnce() -> Vec<u8>,
) -> Result<Vec<u8>, StoreError> {
    let find = |conn: &mut DbConnection| -> Result<Option<Vec<u8>>, StoreError> {
        Ok(instance_secrets::table
            .filter(instance_secrets::name.eq(name))
            .select(instance_secrets::value)
            .first(conn)
            .optional()?)
    };
    if let Some(value) = find(conn)? {
        return Ok(value);
    }
    let value = generate();
    let inserted = diesel::insert_into(instance_secrets::table)
        .values((
            instance_secrets::name.eq(name),
            instance_secrets::value.eq(&value),
            instance_secrets::created_at.eq(now()),
        ))
        .execute(conn);
    match inserted.map_err(StoreError::from) {
        Ok(_) => Ok(value),
        Err(StoreError::Conflict(_)) => find(conn)?.ok_or(StoreError::NotFound),
        Err(other) => Err(other),
    }
}

//! Login sessions: the row behind each session cookie.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{now, StoreError};
use crate::db::schema::{employees, sessions};
use crate::db::DbConnection;

/// The signed-in person a valid session belongs to.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub employee_id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
}

pub fn insert(
    conn: &mut DbConnection,
    token_hash: &str,
    employee_id: i64,
    expires_at: NaiveDateTime,
) -> Result<(), StoreError> {
    let t = now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::employee_id.eq(employee_id),
            sessions::created_at.eq(t),
            sessions::expires_at.eq(expires_at),
            sessions::last_seen_at.eq(t),
        ))
        .execute(conn)?;
    Ok(())
}

/// The user of an unexpired session whose account is still active.
pub fn find_user(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<SessionUser>, StoreError> {
    let row: Option<(i64, String, String, String)> = sessions::table
        .inner_join(employees::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now()))
        .filter(
            employees::active
                .eq(true)
                .and(employees::erased_at.is_null()),
        )
        .select((
            employees::id,
            employees::email,
            employees::name,
            employees::role,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(employee_id, email, name, role)| SessionUser {
        employee_id,
        email,
        name,
        role,
    }))
}

pub fn delete(conn: &mut DbConnection, token_hash: &str) -> Result<(), StoreError> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(conn)?;
    Ok(())
}

pub fn delete_expired(conn: &mut DbConnection) -> Result<usize, StoreError> {
    Ok(diesel::delete(sessions::table.filter(sessions::expires_at.le(now()))).execute(conn)?)
}

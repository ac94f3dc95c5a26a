//! Login sessions: the row behind each session cookie.
//!
//! A session lives until `expires_at` (set at sign-in, `CHORUS_SESSION_DAYS`) and only while
//! it is used: a session whose `last_seen_at` is older than the idle timeout
//! (`CHORUS_SESSION_IDLE_DAYS`) is as dead as an expired one. `last_seen_at` is written at
//! most once per [`TOUCH_EVERY`], not on every request. Dead rows are deleted at each
//! sign-in and by a periodic sweep ([`delete_expired`], two indexed range deletes).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{now, StoreError};
use crate::db::schema::{employees, sessions};
use crate::db::DbConnection;

/// How stale `last_seen_at` may get before a request refreshes it: the idle timeout is
/// counted in days, so minutes of slack cost nothing and spare a write per request.
pub const TOUCH_EVERY: Duration = Duration::minutes(5);

/// The signed-in person a valid session belongs to.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub employee_id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub last_seen_at: NaiveDateTime,
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

/// The user of a live session (not expired, used since `idle_since`) whose account is still
/// active.
pub fn find_user(
    conn: &mut DbConnection,
    token_hash: &str,
    idle_since: NaiveDateTime,
) -> Result<Option<SessionUser>, StoreError> {
    let row: Option<(i64, String, String, String, NaiveDateTime)> = sessions::table
        .inner_join(employees::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now()))
        .filter(sessions::last_seen_at.gt(idle_since))
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
            sessions::last_seen_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(employee_id, email, name, role, last_seen_at)| SessionUser {
            employee_id,
            email,
            name,
            role,
            last_seen_at,
        },
    ))
}

/// Records that the session was used at `at`.
pub fn touch(
    conn: &mut DbConnection,
    token_hash: &str,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(sessions::table.filter(sessions::token_hash.eq(token_hash)))
        .set(sessions::last_seen_at.eq(at))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConnection, token_hash: &str) -> Result<(), StoreError> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(conn)?;
    Ok(())
}

/// Deletes the sessions that can no longer sign anyone in: past their end, or unused since
/// `idle_since`. Both are range deletes on an index, cheap enough for every sign-in.
pub fn delete_expired(
    conn: &mut DbConnection,
    idle_since: NaiveDateTime,
) -> Result<usize, StoreError> {
    let ended =
        diesel::delete(sessions::table.filter(sessions::expires_at.le(now()))).execute(conn)?;
    let idle = diesel::delete(sessions::table.filter(sessions::last_seen_at.le(idle_since)))
        .execute(conn)?;
    Ok(ended + idle)
}

/// Ends every session of the employee, except the one whose token hash is `keep` (the
/// session that changed its own password). Returns how many ended.
pub fn end_all(
    conn: &mut DbConnection,
    employee_id: i64,
    keep: Option<&str>,
) -> Result<usize, StoreError> {
    let mine = sessions::table.filter(sessions::employee_id.eq(employee_id));
    Ok(match keep {
        Some(keep) => diesel::delete(mine.filter(sessions::token_hash.ne(keep))).execute(conn)?,
        None => diesel::delete(mine).execute(conn)?,
    })
}

/// How many live sessions the employee has (signed in on how many browsers).
pub fn count_live(
    conn: &mut DbConnection,
    employee_id: i64,
    idle_since: NaiveDateTime,
) -> Result<i64, StoreError> {
    Ok(sessions::table
        .filter(sessions::employee_id.eq(employee_id))
        .filter(sessions::expires_at.gt(now()))
        .filter(sessions::last_seen_at.gt(idle_since))
        .count()
        .get_result(conn)?)
}

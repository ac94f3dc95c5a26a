//! API keys, stored hashed.

use diesel::prelude::*;
use serde::Serialize;

use super::{insert_returning_id, now, StoreError};
use crate::db::schema::api_keys;
use crate::db::DbConnection;
use crate::domain::api_key::{origin_allowed, parse_origins, NewKey, Scope};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scope: String,
    pub allowed_origins: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub last_used_at: Option<chrono::NaiveDateTime>,
    pub revoked_at: Option<chrono::NaiveDateTime>,
}

/// A key that authenticated a request.
#[derive(Debug, Clone)]
pub struct AuthenticatedKey {
    pub id: i64,
    pub scope: Scope,
    pub allowed_origins: Vec<String>,
}

pub fn insert(
    conn: &mut DbConnection,
    name: &str,
    scope: Scope,
    key: &NewKey,
    allowed_origins: Option<&str>,
) -> Result<i64, StoreError> {
    Ok(insert_returning_id!(
        conn,
        api_keys::table,
        (
            api_keys::name.eq(name),
            api_keys::prefix.eq(&key.prefix),
            api_keys::key_hash.eq(&key.hash),
            api_keys::scope.eq(scope.as_str()),
            api_keys::allowed_origins.eq(allowed_origins),
            api_keys::created_at.eq(now()),
        ),
        api_keys::id
    )?)
}

/// Every key, revoked ones too, oldest first.
pub fn list(conn: &mut DbConnection) -> Result<Vec<ApiKeyRow>, StoreError> {
    Ok(api_keys::table
        .select(ApiKeyRow::as_select())
        .order(api_keys::id.asc())
        .load(conn)?)
}

/// A key by id, revoked or not.
pub fn find_by_id(conn: &mut DbConnection, id: i64) -> Result<ApiKeyRow, StoreError> {
    Ok(api_keys::table
        .find(id)
        .select(ApiKeyRow::as_select())
        .first(conn)?)
}

/// How finely a key's last use is kept: `last_used_at` is written at most once per this
/// many seconds per key (on every instance together), never once per request.
pub const LAST_USE_RESOLUTION_SECONDS: i64 = 60;

/// Looks a presented key up by its hash; revoked keys do not authenticate. Notes the use
/// when the stored last use is older than [`LAST_USE_RESOLUTION_SECONDS`] (a failure to
/// note it is logged, never the caller's problem).
pub fn find_active_by_hash(
    conn: &mut DbConnection,
    hash: &str,
) -> Result<Option<AuthenticatedKey>, StoreError> {
    let row: Option<(i64, String, Option<String>, Option<chrono::NaiveDateTime>)> = api_keys::table
        .filter(
            api_keys::key_hash
                .eq(hash)
                .and(api_keys::revoked_at.is_null()),
        )
        .select((
            api_keys::id,
            api_keys::scope,
            api_keys::allowed_origins,
            api_keys::last_used_at,
        ))
        .first(conn)
        .optional()?;
    let Some((id, scope, origins, last_used_at)) = row else {
        return Ok(None);
    };
    let at = now();
    let cutoff = at - chrono::TimeDelta::seconds(LAST_USE_RESOLUTION_SECONDS);
    if last_used_at.is_none_or(|last| last < cutoff) {
        if let Err(err) = note_use(conn, id, at, cutoff) {
            tracing::warn!(key = id, error = %err, "could not note the API key's last use");
        }
    }
    Ok(Scope::parse(&scope).map(|scope| AuthenticatedKey {
        id,
        scope,
        allowed_origins: parse_origins(origins.as_deref()),
    }))
}

/// Writes `at` as the key's last use unless another request (on any instance) did so
/// within the resolution already: the condition is in the statement, so racing requests
/// write once.
fn note_use(
    conn: &mut DbConnection,
    id: i64,
    at: chrono::NaiveDateTime,
    cutoff: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(
        api_keys::table.find(id).filter(
            api_keys::last_used_at
                .is_null()
                .or(api_keys::last_used_at.lt(cutoff)),
        ),
    )
    .set(api_keys::last_used_at.eq(at))
    .execute(conn)?;
    Ok(())
}

/// Revokes by id; `NotFound` when no active key has it (unknown, or revoked already).
pub fn revoke(conn: &mut DbConnection, id: i64) -> Result<(), StoreError> {
    let n = diesel::update(
        api_keys::table
            .find(id)
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(now()))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Whether any active publishable key lists `origin` among its allowed origins: the
/// answer to a CORS preflight, which carries no key.
pub fn any_publishable_allows(conn: &mut DbConnection, origin: &str) -> Result<bool, StoreError> {
    let lists: Vec<Option<String>> = api_keys::table
        .filter(api_keys::scope.eq(Scope::Publishable.as_str()))
        .filter(api_keys::revoked_at.is_null())
        .select(api_keys::allowed_origins)
        .load(conn)?;
    Ok(lists
        .iter()
        .any(|list| origin_allowed(&parse_origins(list.as_deref()), origin)))
}

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

pub fn list(conn: &mut DbConnection) -> Result<Vec<ApiKeyRow>, StoreError> {
    Ok(api_keys::table
        .select(ApiKeyRow::as_select())
        .order(api_keys::id.asc())
        .load(conn)?)
}

/// Looks a presented key up by its hash; revoked keys do not authenticate.
pub fn find_active_by_hash(
    conn: &mut DbConnection,
    hash: &str,
) -> Result<Option<AuthenticatedKey>, StoreError> {
    let row: Option<(i64, String, Option<String>)> = api_keys::table
        .filter(
            api_keys::key_hash
                .eq(hash)
                .and(api_keys::revoked_at.is_null()),
        )
        .select((api_keys::id, api_keys::scope, api_keys::allowed_origins))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(id, scope, origins)| {
        Some(AuthenticatedKey {
            id,
            scope: Scope::parse(&scope)?,
            allowed_origins: parse_origins(origins.as_deref()),
        })
    }))
}

/// Revokes by id; `NotFound` when no active key has it.
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

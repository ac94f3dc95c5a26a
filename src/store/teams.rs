//! Teams: departments or groups that leaderboards filter by.

use diesel::prelude::*;
use serde::Serialize;

use super::{insert_returning_id, now, per_backend, StoreError};
use crate::db::schema::{employees, teams};
use crate::db::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = teams)]
pub struct Team {
    pub id: i64,
    pub name: String,
    #[serde(skip)]
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamWithSize {
    pub id: i64,
    pub name: String,
    pub employees: i64,
}

pub fn insert(conn: &mut DbConnection, name: &str) -> Result<Team, StoreError> {
    let created_at = now();
    let id = insert_returning_id!(
        conn,
        teams::table,
        (teams::name.eq(name), teams::created_at.eq(created_at)),
        teams::id
    )?;
    Ok(Team {
        id,
        name: name.to_string(),
        created_at,
    })
}

pub fn find_by_name(conn: &mut DbConnection, name: &str) -> Result<Option<Team>, StoreError> {
    Ok(teams::table
        .filter(teams::name.eq(name))
        .select(Team::as_select())
        .first(conn)
        .optional()?)
}

/// The team of that name, created when missing (employees name their team as text).
/// Concurrent requests naming the same new team all get the one that was stored: the
/// insert gives way on the unique name (on PostgreSQL it waits for the other transaction).
pub fn find_or_insert(conn: &mut DbConnection, name: &str) -> Result<Team, StoreError> {
    if let Some(team) = find_by_name(conn, name)? {
        return Ok(team);
    }
    let created_at = now();
    per_backend!(conn, c => diesel::insert_into(teams::table)
        .values((teams::name.eq(name), teams::created_at.eq(created_at)))
        .on_conflict(teams::name)
        .do_nothing()
        .execute(c))?;
    find_by_name(conn, name)?.ok_or(StoreError::NotFound)
}

/// Renames the team; a name another team has is `StoreError::Conflict`, an unknown team
/// `StoreError::NotFound`.
pub fn rename(conn: &mut DbConnection, id: i64, name: &str) -> Result<TeamWithSize, StoreError> {
    let changed = diesel::update(teams::table.find(id))
        .set(teams::name.eq(name))
        .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    list_with_sizes(conn)?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(StoreError::NotFound)
}

pub fn list_with_sizes(conn: &mut DbConnection) -> Result<Vec<TeamWithSize>, StoreError> {
    let rows: Vec<(i64, String, i64)> = teams::table
        .left_join(
            employees::table.on(employees::team_id
                .eq(teams::id.nullable())
                .and(employees::erased_at.is_null())),
        )
        .group_by((teams::id, teams::name))
        .select((
            teams::id,
            teams::name,
            diesel::dsl::count(employees::id.nullable()),
        ))
        .order(teams::name.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, employees)| TeamWithSize {
            id,
            name,
            employees,
        })
        .collect())
}

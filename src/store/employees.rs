//! Employees (who are also the users who log in).

use diesel::prelude::*;
use serde::Serialize;

use super::tx::write_transaction;
use super::{insert_returning_id, now, teams, StoreError};
use crate::db::schema::{employees, teams as teams_t};
use crate::db::DbConnection;
use crate::domain::email::Email;
use crate::domain::person::{Label, Role};

/// An employee as the API and pages show one.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Employee {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub team: Option<String>,
    pub role: String,
}

/// What creating an employee needs, already parsed.
pub struct NewEmployee {
    pub email: Email,
    pub name: Label,
    pub team: Option<Label>,
    pub role: Role,
    pub password_hash: Option<String>,
}

type EmployeeRow = (i64, String, String, Option<String>, String);

fn columns() -> (
    employees::id,
    employees::email,
    employees::name,
    diesel::dsl::Nullable<teams_t::name>,
    employees::role,
) {
    (
        employees::id,
        employees::email,
        employees::name,
        teams_t::name.nullable(),
        employees::role,
    )
}

fn from_row((id, email, name, team, role): EmployeeRow) -> Employee {
    Employee {
        id,
        email,
        name,
        team,
        role,
    }
}

/// Creates the employee (and its team when new) in one transaction, so a refused
/// employee leaves no team behind. A taken e-mail is `StoreError::Conflict`.
pub fn insert(conn: &mut DbConnection, new: NewEmployee) -> Result<Employee, StoreError> {
    write_transaction(conn, |conn| {
        let team = new
            .team
            .as_ref()
            .map(|t| teams::find_or_insert(conn, t.as_str()))
            .transpose()?;
        let id = insert_returning_id!(
            conn,
            employees::table,
            (
                employees::email.eq(new.email.as_str()),
                employees::name.eq(new.name.as_str()),
                employees::team_id.eq(team.as_ref().map(|t| t.id)),
                employees::role.eq(new.role.as_str()),
                employees::password_hash.eq(new.password_hash.as_deref()),
                employees::active.eq(true),
                employees::leaderboard_opt_in.eq(true),
                employees::created_at.eq(now()),
            ),
            employees::id
        )?;
        Ok(Employee {
            id,
            email: new.email.as_str().to_string(),
            name: new.name.into_string(),
            team: team.map(|t| t.name),
            role: new.role.as_str().to_string(),
        })
    })
}

pub fn list(conn: &mut DbConnection) -> Result<Vec<Employee>, StoreError> {
    let rows: Vec<EmployeeRow> = employees::table
        .left_join(teams_t::table)
        .filter(employees::erased_at.is_null())
        .select(columns())
        .order((employees::name.asc(), employees::id.asc()))
        .load(conn)?;
    Ok(rows.into_iter().map(from_row).collect())
}

pub fn find_by_id(conn: &mut DbConnection, id: i64) -> Result<Employee, StoreError> {
    let row: EmployeeRow = employees::table
        .left_join(teams_t::table)
        .filter(employees::id.eq(id).and(employees::erased_at.is_null()))
        .select(columns())
        .first(conn)?;
    Ok(from_row(row))
}

/// Login data for an e-mail: (id, password hash). Inactive or erased accounts have none.
pub fn find_credentials(
    conn: &mut DbConnection,
    email: &Email,
) -> Result<Option<(i64, String)>, StoreError> {
    let row: Option<(i64, Option<String>)> = employees::table
        .filter(employees::email.eq(email.as_str()))
        .filter(
            employees::active
                .eq(true)
                .and(employees::erased_at.is_null()),
        )
        .select((employees::id, employees::password_hash))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(id, hash)| hash.map(|h| (id, h))))
}

/// Rows per `IN (…)` list of the lookups below.
const LOOKUP_CHUNK: usize = 500;

/// The employees among `ids` that exist and are not erased.
pub fn existing_ids(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<std::collections::HashSet<i64>, StoreError> {
    let mut found = std::collections::HashSet::with_capacity(ids.len());
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        let rows: Vec<i64> = employees::table
            .filter(employees::id.eq_any(chunk))
            .filter(employees::erased_at.is_null())
            .select(employees::id)
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}

/// Employee ids by e-mail address, for the addresses among `emails` that belong to an
/// employee who is not erased.
pub fn ids_by_email(
    conn: &mut DbConnection,
    emails: &[&str],
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let mut found = std::collections::HashMap::with_capacity(emails.len());
    for chunk in emails.chunks(LOOKUP_CHUNK) {
        let rows: Vec<(String, i64)> = employees::table
            .filter(employees::email.eq_any(chunk))
            .filter(employees::erased_at.is_null())
            .select((employees::email, employees::id))
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}

pub fn set_password_hash(conn: &mut DbConnection, id: i64, hash: &str) -> Result<(), StoreError> {
    let n = diesel::update(employees::table.find(id))
        .set(employees::password_hash.eq(hash))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub fn count_admins(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(employees::table
        .filter(employees::role.eq(Role::Admin.as_str()))
        .filter(employees::password_hash.is_not_null())
        .filter(employees::erased_at.is_null())
        .count()
        .get_result(conn)?)
}

/// The UI language chosen by the employee of a live session (`employees.locale`), if any.
pub fn locale_of_session(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<String>, StoreError> {
    use crate::db::schema::sessions;
    let row: Option<Option<String>> = sessions::table
        .inner_join(employees::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now()))
        .filter(
            employees::active
                .eq(true)
                .and(employees::erased_at.is_null()),
        )
        .select(employees::locale)
        .first(conn)
        .optional()?;
    Ok(row.flatten())
}

/// The employee's UI language (`None`: follow the browser, then the instance default).
pub fn locale(conn: &mut DbConnection, id: i64) -> Result<Option<String>, StoreError> {
    let row: Option<Option<String>> = employees::table
        .find(id)
        .select(employees::locale)
        .first(conn)
        .optional()?;
    Ok(row.flatten())
}

/// Stores the employee's UI language; an unknown employee is `StoreError::NotFound`.
pub fn set_locale(
    conn: &mut DbConnection,
    id: i64,
    locale: Option<&str>,
) -> Result<(), StoreError> {
    let changed = diesel::update(employees::table.find(id))
        .set(employees::locale.eq(locale))
        .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

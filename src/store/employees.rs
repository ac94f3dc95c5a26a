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
    /// Deactivated employees cannot sign in or make new shares; their links keep working.
    pub active: bool,
    /// Has a password (can sign in); `false` until an invitation is accepted.
    #[serde(skip)]
    pub can_sign_in: bool,
}

/// What creating an employee needs, already parsed.
pub struct NewEmployee {
    pub email: Email,
    pub name: Label,
    pub team: Option<Label>,
    pub role: Role,
    pub password_hash: Option<String>,
}

type EmployeeRow = (i64, String, String, Option<String>, String, bool, bool);

#[allow(clippy::type_complexity)]
fn columns() -> (
    employees::id,
    employees::email,
    employees::name,
    diesel::dsl::Nullable<teams_t::name>,
    employees::role,
    employees::active,
    diesel::dsl::IsNotNull<employees::password_hash>,
) {
    (
        employees::id,
        employees::email,
        employees::name,
        teams_t::name.nullable(),
        employees::role,
        employees::active,
        employees::password_hash.is_not_null(),
    )
}

fn from_row((id, email, name, team, role, active, can_sign_in): EmployeeRow) -> Employee {
    Employee {
        id,
        email,
        name,
        team,
        role,
        active,
        can_sign_in,
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
                // Privacy mode `opt_in`: nobody appears by name until they choose to.
                employees::leaderboard_opt_in.eq(false),
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
            active: true,
            can_sign_in: new.password_hash.is_some(),
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

/// Sign-in data for an e-mail, deactivated accounts included (so the page can tell their
/// owner why): (id, password hash, active). Erased accounts have none.
pub fn find_login(
    conn: &mut DbConnection,
    email: &Email,
) -> Result<Option<(i64, Option<String>, bool)>, StoreError> {
    Ok(employees::table
        .filter(employees::email.eq(email.as_str()))
        .filter(employees::erased_at.is_null())
        .select((employees::id, employees::password_hash, employees::active))
        .first(conn)
        .optional()?)
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

/// What an admin may change about an employee; `None` leaves a field as it is. `team:
/// Some(None)` takes the employee out of any team.
#[derive(Default)]
pub struct EmployeeChanges {
    pub email: Option<Email>,
    pub name: Option<Label>,
    pub team: Option<Option<Label>>,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

/// Why [`update`] refused.
#[derive(Debug, thiserror::Error)]
pub enum UpdateRefused {
    #[error("no such employee")]
    NotFound,
    #[error("the e-mail belongs to another employee")]
    EmailTaken,
    /// The change would leave no active admin who can sign in.
    #[error("the last active admin cannot be demoted or deactivated")]
    LastAdmin,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for UpdateRefused {
    fn from(err: diesel::result::Error) -> UpdateRefused {
        UpdateRefused::Store(err.into())
    }
}

/// Applies `changes` in one transaction (a new team is created on the way). Deactivating
/// also ends every session and voids the employee's unused account links. Demoting or
/// deactivating the last active admin who can sign in is refused; on PostgreSQL the admin
/// rows are locked first, so two admins demoting each other at once cannot both succeed.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    changes: &EmployeeChanges,
) -> Result<Employee, UpdateRefused> {
    write_transaction(conn, |conn| {
        let current = match find_by_id(conn, id) {
            Ok(e) => e,
            Err(StoreError::NotFound) => return Err(UpdateRefused::NotFound),
            Err(e) => return Err(e.into()),
        };
        let was_admin = current.role == Role::Admin.as_str() && current.active;
        let stays_admin = changes.role.is_none_or(|r| r == Role::Admin)
            && changes.active.unwrap_or(current.active);
        if was_admin && !stays_admin {
            let others = other_active_admins(conn, id)?;
            if others == 0 {
                return Err(UpdateRefused::LastAdmin);
            }
        }
        if let Some(email) = &changes.email {
            let taken: i64 = employees::table
                .filter(employees::email.eq(email.as_str()))
                .filter(employees::id.ne(id))
                .count()
                .get_result(conn)?;
            if taken > 0 {
                return Err(UpdateRefused::EmailTaken);
            }
            diesel::update(employees::table.find(id))
                .set(employees::email.eq(email.as_str()))
                .execute(conn)?;
        }
        if let Some(name) = &changes.name {
            diesel::update(employees::table.find(id))
                .set(employees::name.eq(name.as_str()))
                .execute(conn)?;
        }
        if let Some(team) = &changes.team {
            let team_id = team
                .as_ref()
                .map(|t| teams::find_or_insert(conn, t.as_str()))
                .transpose()?
                .map(|t| t.id);
            diesel::update(employees::table.find(id))
                .set(employees::team_id.eq(team_id))
                .execute(conn)?;
        }
        if let Some(role) = changes.role {
            diesel::update(employees::table.find(id))
                .set(employees::role.eq(role.as_str()))
                .execute(conn)?;
        }
        if let Some(active) = changes.active {
            diesel::update(employees::table.find(id))
                .set(employees::active.eq(active))
                .execute(conn)?;
            if !active {
                super::sessions::end_all(conn, id, None)?;
                super::invitations::revoke_all(conn, id)?;
            }
        }
        Ok(find_by_id(conn, id)?)
    })
    .map_err(|e| match e {
        UpdateRefused::Store(StoreError::Conflict(_)) => UpdateRefused::EmailTaken,
        other => other,
    })
}

/// Active admins other than `id` who can sign in (have a password). On PostgreSQL their rows
/// are locked until the transaction ends.
/// Whether `employee` is the only active admin who can sign in: the rule [`erase`] (and a
/// demotion or deactivation through `update`) enforces, read without locking for a page
/// that says so before the click.
pub fn is_last_admin(conn: &mut DbConnection, employee: &Employee) -> Result<bool, StoreError> {
    if employee.role != Role::Admin.as_str() || !employee.active {
        return Ok(false);
    }
    let others: i64 = employees::table
        .filter(employees::role.eq(Role::Admin.as_str()))
        .filter(employees::active.eq(true))
        .filter(employees::erased_at.is_null())
        .filter(employees::password_hash.is_not_null())
        .filter(employees::id.ne(employee.id))
        .count()
        .get_result(conn)?;
    Ok(others == 0)
}

fn other_active_admins(conn: &mut DbConnection, id: i64) -> Result<usize, StoreError> {
    let query = employees::table
        .filter(employees::role.eq(Role::Admin.as_str()))
        .filter(employees::active.eq(true))
        .filter(employees::erased_at.is_null())
        .filter(employees::password_hash.is_not_null())
        .filter(employees::id.ne(id))
        .select(employees::id);
    let ids: Vec<i64> = match conn {
        DbConnection::Postgres(c) => query.for_update().load(c)?,
        // SQLite: the write transaction (BEGIN IMMEDIATE) already excludes other writers.
        DbConnection::Sqlite(c) => query.load(c)?,
    };
    Ok(ids.len())
}

/// Whether the employee exists, is not erased and is active (may make new shares).
pub fn is_active(conn: &mut DbConnection, id: i64) -> Result<Option<bool>, StoreError> {
    Ok(employees::table
        .filter(employees::id.eq(id))
        .filter(employees::erased_at.is_null())
        .select(employees::active)
        .first(conn)
        .optional()?)
}

/// The active employee with that e-mail (for "forgot password"): (id, name, locale).
pub fn find_active_by_email(
    conn: &mut DbConnection,
    email: &Email,
) -> Result<Option<(i64, String, Option<String>)>, StoreError> {
    Ok(employees::table
        .filter(employees::email.eq(email.as_str()))
        .filter(employees::active.eq(true))
        .filter(employees::erased_at.is_null())
        .select((employees::id, employees::name, employees::locale))
        .first(conn)
        .optional()?)
}

/// The stored password hash of an active employee (for "change password").
pub fn password_hash(conn: &mut DbConnection, id: i64) -> Result<Option<String>, StoreError> {
    Ok(employees::table
        .filter(employees::id.eq(id))
        .filter(employees::active.eq(true))
        .filter(employees::erased_at.is_null())
        .select(employees::password_hash)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
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

/// What the privacy mode needs of an employee on a board (`app::privacy`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivacyFacts {
    pub name: String,
    pub opted_in: bool,
    pub erased: bool,
    pub team_id: Option<i64>,
    pub team: Option<String>,
}

/// [`PrivacyFacts`] of the employees among `ids` (erased ones included).
pub fn privacy_facts(
    conn: &mut DbConnection,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, PrivacyFacts>, StoreError> {
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        #[allow(clippy::type_complexity)]
        let rows: Vec<(
            i64,
            String,
            bool,
            Option<chrono::NaiveDateTime>,
            Option<i64>,
            Option<String>,
        )> = employees::table
            .left_join(teams_t::table)
            .filter(employees::id.eq_any(chunk))
            .select((
                employees::id,
                employees::name,
                employees::leaderboard_opt_in,
                employees::erased_at,
                employees::team_id,
                teams_t::name.nullable(),
            ))
            .load(conn)?;
        found.extend(
            rows.into_iter()
                .map(|(id, name, opted_in, erased, team_id, team)| {
                    (
                        id,
                        PrivacyFacts {
                            name,
                            opted_in,
                            erased: erased.is_some(),
                            team_id,
                            team,
                        },
                    )
                }),
        );
    }
    Ok(found)
}

/// The employee who made each of the shares among `share_ids`.
pub fn share_owners(
    conn: &mut DbConnection,
    share_ids: &[i64],
) -> Result<std::collections::HashMap<i64, i64>, StoreError> {
    use crate::db::schema::shares;
    let mut found = std::collections::HashMap::with_capacity(share_ids.len());
    for chunk in share_ids.chunks(LOOKUP_CHUNK) {
        let rows: Vec<(i64, i64)> = shares::table
            .filter(shares::id.eq_any(chunk))
            .select((shares::id, shares::employee_id))
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}

/// Whether the employee chose to appear by name on boards (privacy mode `opt_in`).
pub fn find_opt_in(conn: &mut DbConnection, id: i64) -> Result<bool, StoreError> {
    Ok(employees::table
        .filter(employees::id.eq(id).and(employees::erased_at.is_null()))
        .select(employees::leaderboard_opt_in)
        .first(conn)?)
}

/// Stores the employee's own choice to appear by name; an unknown or erased employee is
/// `StoreError::NotFound`.
pub fn set_opt_in(conn: &mut DbConnection, id: i64, opted_in: bool) -> Result<(), StoreError> {
    let changed = diesel::update(
        employees::table.filter(employees::id.eq(id).and(employees::erased_at.is_null())),
    )
    .set(employees::leaderboard_opt_in.eq(opted_in))
    .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The name every erased employee carries: pages and the API translate it where they
/// show it.
pub const ERASED_NAME: &str = "Erased employee";

/// Why an erasure was refused.
#[derive(Debug, thiserror::Error)]
pub enum EraseRefused {
    #[error("no such employee")]
    NotFound,
    #[error("the employee is already erased")]
    AlreadyErased,
    #[error("the last active admin cannot be erased")]
    LastAdmin,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for EraseRefused {
    fn from(err: diesel::result::Error) -> EraseRefused {
        EraseRefused::Store(err.into())
    }
}

/// Erases the person in one transaction: name, e-mail (an address that can never be
/// reached), password, language, opt-in, every session, account link and social profile
/// go; `erased_at` is set. Shares, clicks, rollups, conversions and follower counts stay
/// attributed to the row, so every total stays the same. Refused for a missing employee,
/// an erased one, or the last active admin who can sign in.
pub fn erase(conn: &mut DbConnection, id: i64) -> Result<(), EraseRefused> {
    use crate::db::schema::{account_links, sessions, social_profiles};
    write_transaction(conn, |conn| {
        let row: Option<(String, bool, Option<chrono::NaiveDateTime>)> = employees::table
            .find(id)
            .select((employees::role, employees::active, employees::erased_at))
            .first(conn)
            .optional()?;
        let Some((role, active, erased_at)) = row else {
            return Err(EraseRefused::NotFound);
        };
        if erased_at.is_some() {
            return Err(EraseRefused::AlreadyErased);
        }
        if role == Role::Admin.as_str() && active && other_active_admins(conn, id)? == 0 {
            return Err(EraseRefused::LastAdmin);
        }
        diesel::update(employees::table.find(id))
            .set((
                employees::name.eq(ERASED_NAME),
                employees::email.eq(format!("erased-{id}@erased.invalid")),
                employees::password_hash.eq(None::<String>),
                employees::active.eq(false),
                employees::leaderboard_opt_in.eq(false),
                employees::locale.eq(None::<String>),
                employees::erased_at.eq(Some(now())),
            ))
            .execute(conn)?;
        diesel::delete(sessions::table.filter(sessions::employee_id.eq(id))).execute(conn)?;
        diesel::delete(account_links::table.filter(account_links::employee_id.eq(id)))
            .execute(conn)?;
        diesel::delete(social_profiles::table.filter(social_profiles::employee_id.eq(id)))
            .execute(conn)?;
        Ok(())
    })
}

/// Everything stored about one employee, for the download of their own data
/// (`app::personal_data`). Rows of other people are never read: conversions carry no
/// customer fields, sessions no tokens.
#[derive(Debug, Clone, Serialize)]
pub struct PersonalRecords {
    pub created_at: chrono::NaiveDateTime,
    pub locale: Option<String>,
    pub leaderboard_opt_in: bool,
    pub social_profiles: Vec<SocialProfileRecord>,
    pub shares: Vec<ShareRecord>,
    /// `(share_id, day, verified human clicks, unique visitors)`.
    pub clicks_by_day: Vec<(i64, chrono::NaiveDate, i64, i64)>,
    pub conversions: Vec<ConversionRecord>,
    pub follower_snapshots: Vec<FollowerRecord>,
    pub metrics_snapshots: Vec<MetricsRecord>,
    pub sessions: Vec<SessionRecord>,
}

#[derive(Debug, Clone, Serialize, Queryable)]
pub struct SocialProfileRecord {
    pub network: String,
    pub handle: Option<String>,
    pub profile_url: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, Queryable)]
pub struct ShareRecord {
    pub id: i64,
    pub slug: String,
    pub network: String,
    pub content_id: i64,
    pub content_title: String,
    pub destination: String,
    pub created_at: chrono::NaiveDateTime,
    pub expires_at: Option<chrono::NaiveDateTime>,
    pub disabled_at: Option<chrono::NaiveDateTime>,
}

#[derive(Debug, Clone, Serialize, Queryable)]
pub struct ConversionRecord {
    pub id: i64,
    pub kind: String,
    pub value_cents: Option<i64>,
    pub currency: Option<String>,
    pub occurred_at: chrono::NaiveDateTime,
    pub share_id: Option<i64>,
    pub campaign_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Queryable)]
pub struct FollowerRecord {
    pub network: String,
    pub followers: i64,
    pub observed_at: chrono::NaiveDateTime,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Queryable)]
pub struct MetricsRecord {
    pub share_id: i64,
    pub likes: i64,
    pub comments: i64,
    pub reshares: i64,
    pub impressions: Option<i64>,
    pub observed_at: chrono::NaiveDateTime,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Queryable)]
pub struct SessionRecord {
    pub created_at: chrono::NaiveDateTime,
    pub last_seen_at: chrono::NaiveDateTime,
    pub expires_at: chrono::NaiveDateTime,
}

/// [`PersonalRecords`] of a live (not erased) employee; `StoreError::NotFound` otherwise.
pub fn find_personal_records(
    conn: &mut DbConnection,
    id: i64,
) -> Result<PersonalRecords, StoreError> {
    use crate::db::schema::{
        click_rollups, content, conversions, follower_snapshots, metrics_snapshots, sessions,
        shares, social_profiles,
    };
    let (created_at, locale, leaderboard_opt_in): (chrono::NaiveDateTime, Option<String>, bool) =
        employees::table
            .filter(employees::id.eq(id).and(employees::erased_at.is_null()))
            .select((
                employees::created_at,
                employees::locale,
                employees::leaderboard_opt_in,
            ))
            .first(conn)?;
    let social_profiles = social_profiles::table
        .filter(social_profiles::employee_id.eq(id))
        .select((
            social_profiles::network,
            social_profiles::handle,
            social_profiles::profile_url,
            social_profiles::created_at,
        ))
        .order(social_profiles::id.asc())
        .load(conn)?;
    let shares: Vec<ShareRecord> = shares::table
        .inner_join(content::table)
        .filter(shares::employee_id.eq(id))
        .select((
            shares::id,
            shares::slug,
            shares::network,
            content::id,
            content::title,
            shares::destination,
            shares::created_at,
            shares::expires_at,
            shares::disabled_at,
        ))
        .order(shares::id.asc())
        .load(conn)?;
    let share_ids: Vec<i64> = shares.iter().map(|s| s.id).collect();
    let mut clicks_by_day = Vec::new();
    let mut metrics_snapshots = Vec::new();
    for chunk in share_ids.chunks(LOOKUP_CHUNK) {
        let rows: Vec<(i64, chrono::NaiveDate, i64, i64)> = click_rollups::table
            .filter(click_rollups::share_id.eq_any(chunk))
            .select((
                click_rollups::share_id,
                click_rollups::day,
                click_rollups::human,
                click_rollups::unique_visitors,
            ))
            .order((click_rollups::share_id.asc(), click_rollups::day.asc()))
            .load(conn)?;
        clicks_by_day.extend(rows);
        let rows: Vec<MetricsRecord> = metrics_snapshots::table
            .filter(metrics_snapshots::share_id.eq_any(chunk))
            .select((
                metrics_snapshots::share_id,
                metrics_snapshots::likes,
                metrics_snapshots::comments,
                metrics_snapshots::reshares,
                metrics_snapshots::impressions,
                metrics_snapshots::observed_at,
                metrics_snapshots::source,
            ))
            .order(metrics_snapshots::id.asc())
            .load(conn)?;
        metrics_snapshots.extend(rows);
    }
    let conversions = conversions::table
        .filter(conversions::employee_id.eq(id))
        .select((
            conversions::id,
            conversions::kind,
            conversions::value_cents,
            conversions::currency,
            conversions::occurred_at,
            conversions::share_id,
            conversions::campaign_id,
        ))
        .order(conversions::id.asc())
        .load(conn)?;
    let follower_snapshots = follower_snapshots::table
        .filter(follower_snapshots::employee_id.eq(id))
        .select((
            follower_snapshots::network,
            follower_snapshots::followers,
            follower_snapshots::observed_at,
            follower_snapshots::source,
        ))
        .order(follower_snapshots::id.asc())
        .load(conn)?;
    let sessions = sessions::table
        .filter(sessions::employee_id.eq(id))
        .select((
            sessions::created_at,
            sessions::last_seen_at,
            sessions::expires_at,
        ))
        .order(sessions::id.asc())
        .load(conn)?;
    Ok(PersonalRecords {
        created_at,
        locale,
        leaderboard_opt_in,
        social_profiles,
        shares,
        clicks_by_day,
        conversions,
        follower_snapshots,
        metrics_snapshots,
        sessions,
    })
}

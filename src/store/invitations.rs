//! One-time account links (`account_links`): invitations and password resets.
//!
//! The token itself is never stored: `token_hash` (SHA-256, the lookup) and the `nonce` it is
//! derived from with the instance secret (see `web::auth::link_token`). An employee has at
//! most one unused link per purpose: issuing a new one deletes the old one, so re-inviting
//! kills the earlier link. Redeeming is one conditional update (`used_at IS NULL` and not
//! expired), so two tabs racing with the same link cannot both use it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::tx::write_transaction;
use super::{now, sessions, StoreError};
use crate::db::schema::{account_links, employees};
use crate::db::DbConnection;

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Sets the first password of an invited employee, then signs them in.
    Invite,
    /// Replaces a forgotten password; every session of the employee ends.
    Reset,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Invite => "invite",
            Purpose::Reset => "reset",
        }
    }

    fn parse(text: &str) -> Option<Purpose> {
        match text {
            "invite" => Some(Purpose::Invite),
            "reset" => Some(Purpose::Reset),
            _ => None,
        }
    }
}

/// A link to store: the hash of its token and the nonce the token was derived from.
pub struct NewLink<'a> {
    pub employee_id: i64,
    pub purpose: Purpose,
    pub token_hash: &'a str,
    pub nonce: &'a str,
    pub created_by: Option<i64>,
    pub expires_at: NaiveDateTime,
}

/// Stores `new` in place of the employee's earlier unused link of the same purpose.
pub fn replace(conn: &mut DbConnection, new: &NewLink<'_>) -> Result<(), StoreError> {
    write_transaction(conn, |conn| {
        diesel::delete(
            account_links::table
                .filter(account_links::employee_id.eq(new.employee_id))
                .filter(account_links::purpose.eq(new.purpose.as_str())),
        )
        .execute(conn)?;
        diesel::insert_into(account_links::table)
            .values((
                account_links::employee_id.eq(new.employee_id),
                account_links::purpose.eq(new.purpose.as_str()),
                account_links::token_hash.eq(new.token_hash),
                account_links::nonce.eq(new.nonce),
                account_links::created_by.eq(new.created_by),
                account_links::created_at.eq(now()),
                account_links::expires_at.eq(new.expires_at),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// A link as its page needs it, with the employee it belongs to.
#[derive(Debug, Clone)]
pub struct Link {
    pub id: i64,
    pub purpose: Purpose,
    pub employee_id: i64,
    pub email: String,
    pub name: String,
    pub expires_at: NaiveDateTime,
    pub used: bool,
    /// The employee is deactivated or erased: the link opens nothing.
    pub inactive: bool,
}

impl Link {
    /// Usable now: not used, not expired, and the employee may sign in.
    pub fn is_live(&self) -> bool {
        !self.used && !self.inactive && self.expires_at > now()
    }
}

/// The link whose token hashes to `token_hash`, whatever its state.
pub fn find(conn: &mut DbConnection, token_hash: &str) -> Result<Option<Link>, StoreError> {
    type Row = (
        i64,
        String,
        i64,
        String,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
        bool,
        Option<NaiveDateTime>,
    );
    let row: Option<Row> = account_links::table
        .inner_join(employees::table)
        .filter(account_links::token_hash.eq(token_hash))
        .select((
            account_links::id,
            account_links::purpose,
            employees::id,
            employees::email,
            employees::name,
            account_links::expires_at,
            account_links::used_at,
            employees::active,
            employees::erased_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.and_then(
        |(id, purpose, employee_id, email, name, expires_at, used_at, active, erased_at)| {
            Some(Link {
                id,
                purpose: Purpose::parse(&purpose)?,
                employee_id,
                email,
                name,
                expires_at,
                used: used_at.is_some(),
                inactive: !active || erased_at.is_some(),
            })
        },
    ))
}

/// Uses the link: marks it used (only if still unused and unexpired), stores the password
/// hash and ends every session of the employee, in one transaction. `false` when the link
/// was used or expired meanwhile (nothing changed then).
pub fn redeem(
    conn: &mut DbConnection,
    link_id: i64,
    employee_id: i64,
    password_hash: &str,
) -> Result<bool, StoreError> {
    write_transaction(conn, |conn| {
        let t = now();
        let claimed = diesel::update(
            account_links::table
                .filter(account_links::id.eq(link_id))
                .filter(account_links::used_at.is_null())
                .filter(account_links::expires_at.gt(t)),
        )
        .set(account_links::used_at.eq(Some(t)))
        .execute(conn)?;
        if claimed == 0 {
            return Ok(false);
        }
        let changed = diesel::update(
            employees::table
                .filter(employees::id.eq(employee_id))
                .filter(employees::active.eq(true))
                .filter(employees::erased_at.is_null()),
        )
        .set(employees::password_hash.eq(password_hash))
        .execute(conn)?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        // A password set through a link replaces whatever signed in before.
        sessions::end_all(conn, employee_id, None)?;
        // The other purpose's link is moot now (an invitation after a reset, or the reverse).
        diesel::delete(
            account_links::table
                .filter(account_links::employee_id.eq(employee_id))
                .filter(account_links::used_at.is_null()),
        )
        .execute(conn)?;
        Ok(true)
    })
}

/// The unused, unexpired link of that purpose for the employee that an admin may see again:
/// (nonce, expiry). Every invitation (made on a page or through the API); reset links only
/// when an admin made them, not those asked for by e-mail.
pub fn pending_admin_link(
    conn: &mut DbConnection,
    employee_id: i64,
    purpose: Purpose,
) -> Result<Option<(String, NaiveDateTime)>, StoreError> {
    let mut query = account_links::table
        .filter(account_links::employee_id.eq(employee_id))
        .filter(account_links::purpose.eq(purpose.as_str()))
        .filter(account_links::used_at.is_null())
        .filter(account_links::expires_at.gt(now()))
        .select((account_links::nonce, account_links::expires_at))
        .into_boxed();
    if purpose == Purpose::Reset {
        query = query.filter(account_links::created_by.is_not_null());
    }
    Ok(query.first(conn).optional()?)
}

/// Employees with a pending invitation (unused, unexpired), for the list's status column.
pub fn invited_ids(conn: &mut DbConnection) -> Result<std::collections::HashSet<i64>, StoreError> {
    let ids: Vec<i64> = account_links::table
        .filter(account_links::purpose.eq(Purpose::Invite.as_str()))
        .filter(account_links::used_at.is_null())
        .filter(account_links::expires_at.gt(now()))
        .select(account_links::employee_id)
        .load(conn)?;
    Ok(ids.into_iter().collect())
}

/// Deletes the employee's unused links (deactivation: nothing may open the account).
pub fn revoke_all(conn: &mut DbConnection, employee_id: i64) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        account_links::table
            .filter(account_links::employee_id.eq(employee_id))
            .filter(account_links::used_at.is_null()),
    )
    .execute(conn)?)
}

//! Erasing an employee (DESIGN.md §6): the person goes, their numbers stay. The name
//! becomes "Erased employee", the e-mail an unreachable placeholder; the password,
//! language, opt-in, sessions, invitations and password-reset links, and social profiles
//! are deleted; `erased_at` is set, so they can never sign in again and no page or API
//! call finds them. Shares, clicks, rollups, conversions and follower counts stay
//! attributed to the erased row, so boards and KPIs keep their totals (boards show the
//! row as "Erased employee", `app::privacy`). Erasure cannot be undone, is refused twice,
//! and is refused for the last active admin.

use crate::db::Db;
pub use crate::store::employees::EraseRefused;

/// Erases employee `id`; `by` is the admin (or `None` for an API key) for the log.
pub async fn erase(db: &Db, id: i64, by: Option<i64>) -> Result<(), EraseRefused> {
    db.run(move |conn| Ok(crate::store::employees::erase(conn, id)))
        .await
        .map_err(EraseRefused::Store)??;
    tracing::info!(employee_id = id, by, "employee erased");
    Ok(())
}

//! Raw-click retention (DESIGN.md §6): with `click_retention_days` set (settings page,
//! `PUT /api/v1/settings` or `CHORUS_CLICK_RETENTION_DAYS`), raw clicks older than that
//! are deleted; the daily rollups, facet counts and per-day figures they were counted in
//! stay, so every report keeps its numbers. The setting may not be shorter than the
//! attribution window (checked where it is set), so a click can always still earn a
//! conversion while it exists.
//!
//! The same task deletes the visitor salts of past local days as soon as the day is over,
//! traffic or not, from the database and from the memory of this instance
//! (`clicks::salts` does so by itself only when a click needs the new day's salt):
//! without the salt, a stored visitor hash can no longer be recomputed from an address.
//!
//! Every instance runs the check (a delete of rows already gone is a no-op); each pass
//! deletes in batches, each its own short write transaction, so the click writer is never
//! held up for long.

use std::time::Duration;

use crate::app::settings::LiveSettings;
use crate::clicks::salts::Salts;
use crate::db::Db;
use crate::store::{self, StoreError};

/// Rows per delete transaction.
const BATCH: i64 = 5_000;

/// One pass: deletes every raw click older than the retention period in force, if one is
/// set. Answers how many were deleted.
pub async fn prune(db: &Db, live: &LiveSettings) -> Result<usize, StoreError> {
    let Some(days) = live.current().click_retention_days else {
        return Ok(0);
    };
    let before = store::now() - chrono::Duration::days(i64::from(days));
    let mut deleted = 0;
    loop {
        let n = db
            .run(move |conn| store::clicks::delete_raw_before(conn, before, BATCH))
            .await?;
        deleted += n;
        if n < BATCH as usize {
            return Ok(deleted);
        }
        // Let the click writer and reports in between batches.
        actix_web::rt::task::yield_now().await;
    }
}

/// Deletes the visitor salts of local days before today (in the time zone in force), in
/// the database and in `salts`' memory.
pub async fn forget_past_salts(
    db: &Db,
    live: &LiveSettings,
    salts: &Salts,
) -> Result<usize, StoreError> {
    let today = chrono::Utc::now()
        .with_timezone(&live.timezone())
        .date_naive();
    let in_memory = usize::from(salts.forget_before(today));
    let stored = db
        .run(move |conn| store::salts::delete_before(conn, today))
        .await?;
    Ok(stored + in_memory)
}

/// How soon after midnight a past day's salt is gone, at most.
const SALT_SWEEP: Duration = Duration::from_secs(60);

/// Runs [`prune`] every `every` and [`forget_past_salts`] every minute (or `every`, when
/// shorter) for the life of the server.
pub fn spawn(db: Db, live: LiveSettings, salts: Salts, every: Duration) {
    let (salt_db, salt_live) = (db.clone(), live.clone());
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(every.min(SALT_SWEEP));
        loop {
            tick.tick().await;
            match forget_past_salts(&salt_db, &salt_live, &salts).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(salts = n, "visitor salts of past days deleted"),
                Err(err) => tracing::warn!(error = %err, "salt sweep failed"),
            }
        }
    });
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(every);
        loop {
            tick.tick().await;
            match prune(&db, &live).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(clicks = n, "raw clicks past the retention period deleted"),
                Err(err) => tracing::warn!(error = %err, "raw-click retention: pass failed"),
            }
        }
    });
}

//! Transactions that read, then write.
//!
//! SQLite's default `BEGIN` is *deferred*: the transaction takes the write lock at its
//! first write. When it has read before that and another connection committed meanwhile,
//! WAL mode refuses the upgrade at once with `SQLITE_BUSY` — `busy_timeout` does not
//! help, because waiting cannot make the stale snapshot current. So a check-then-insert
//! (does this share exist? is this slug free?) must start with `BEGIN IMMEDIATE`, which
//! takes the write lock up front and queues behind other writers for `busy_timeout`.
//! PostgreSQL needs nothing special: a plain `BEGIN`, with unique indexes settling races.

use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};
use diesel::result::Error as DieselError;

use crate::db::DbConnection;

/// Runs `work` in a transaction that intends to write: `BEGIN IMMEDIATE` on SQLite,
/// `BEGIN` on PostgreSQL. Commits when `work` returns `Ok`, rolls back otherwise and
/// returns the error of `work` (or of the rollback, should that fail), as diesel's own
/// `transaction` does.
///
/// Called inside another transaction it becomes a nested one (a savepoint): the outer
/// transaction already decided how it locks.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<DieselError>,
{
    let begun = match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        DbConnection::Postgres(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN"),
    };
    match begun {
        Ok(()) => {}
        Err(DieselError::AlreadyInTransaction) => return conn.transaction(work),
        Err(e) => return Err(e.into()),
    }
    match work(conn) {
        Ok(value) => {
            <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            match <DbConnection as Connection>::TransactionManager::rollback_transaction(conn) {
                Ok(()) | Err(DieselError::BrokenTransactionManager) => Err(error),
                Err(rollback) => Err(rollback.into()),
            }
        }
    }
}

#[derive(diesel::QueryableByName)]
struct CacheSize {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    cache_size: i64,
}

/// Runs `work` with this connection's SQLite page cache at `kib` KiB, then puts back the
/// size it had (so a pooled connection does not keep the memory). A write transaction
/// larger than the cache spills dirty pages to the WAL and reads them back, which is most
/// of a bulk import's time with the default 2 MiB. PostgreSQL: `work` alone.
pub fn with_page_cache<T, E, F>(conn: &mut DbConnection, kib: u32, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<DieselError>,
{
    use diesel::connection::SimpleConnection;
    use diesel::RunQueryDsl;

    let DbConnection::Sqlite(sqlite) = conn else {
        return work(conn);
    };
    let before = diesel::sql_query("PRAGMA cache_size")
        .get_result::<CacheSize>(sqlite)?
        .cache_size;
    // Negative: a size in KiB rather than in pages.
    sqlite.batch_execute(&format!("PRAGMA cache_size = -{kib}"))?;
    let result = work(conn);
    if let DbConnection::Sqlite(sqlite) = conn {
        sqlite.batch_execute(&format!("PRAGMA cache_size = {before}"))?;
    }
    result
}

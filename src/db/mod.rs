//! The database door: one connection enum over SQLite and PostgreSQL, a pool whose
//! manager picks the backend from the URL scheme (diesel's own `establish` would guess,
//! and SQLite accepts any string as a path), per-connection settings, embedded
//! migrations, and [`Db::run`], the only way async code reaches diesel.

pub mod checkpoint;
pub mod schema;
pub mod time_read;
pub mod time_text;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::{DatabaseUrl, SqliteSync};
use crate::store::StoreError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// An open connection to either backend. Store code writes queries once against this
/// type; only the store matches on the variant (upserts, `RETURNING`).
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Opens connections for the pool (and for the click writer, which keeps its own).
#[derive(Debug, Clone)]
pub struct Connector {
    url: DatabaseUrl,
    sqlite_sync: SqliteSync,
}

impl Connector {
    pub fn new(url: DatabaseUrl, sqlite_sync: SqliteSync) -> Connector {
        Connector { url, sqlite_sync }
    }

    pub fn backend(&self) -> Backend {
        match self.url {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }

    pub fn connect(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn = SqliteConnection::establish(&path)?;
                // Foreign keys are off on every new SQLite connection; busy_timeout lets
                // writers queue instead of failing while another transaction commits.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = {};",
                    self.sqlite_sync.pragma()
                ))
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                conn.batch_execute("SET TIME ZONE 'UTC'")
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Postgres(conn))
            }
        }
    }
}

impl Connector {
    /// A connection for the click writer, which must give up quickly on a sick database
    /// (and spool) rather than hold redirects: short lock waits, connect and statement
    /// timeouts.
    pub fn connect_for_writer(&self) -> Result<DbConnection, diesel::ConnectionError> {
        let setup = |conn: &mut DbConnection, sql: &str| {
            conn.batch_execute(sql)
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)
        };
        match &self.url {
            DatabaseUrl::Sqlite(_) => {
                let mut conn = self.connect()?;
                // A 16 MiB page cache holds a batch's dirty pages and the rollups' index: the
                // writer appends at the end of its B-trees (time-ordered click ids, unique
                // visitors in memory), so more cache measured no faster. Checkpoints run on their own thread (`checkpoint`); the
                // writer's automatic one (100 000 pages, 400 MB) is only a safety net.
                // Foreign keys are not checked here: the writer only inserts clicks and
                // rollups of shares it found in the link cache, which come from the shares
                // table, and shares are never deleted; the check was a B-tree probe per row.
                setup(
                    &mut conn,
                    "PRAGMA busy_timeout = 1000; PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 100000; PRAGMA foreign_keys = OFF;",
                )?;
                Ok(conn)
            }
            DatabaseUrl::Postgres(url) => {
                let url = if url.contains("connect_timeout=") {
                    url.clone()
                } else {
                    format!(
                        "{url}{}connect_timeout=3",
                        if url.contains('?') { '&' } else { '?' }
                    )
                };
                let mut conn = DbConnection::Postgres(PgConnection::establish(&url)?);
                setup(
                    &mut conn,
                    "SET TIME ZONE 'UTC'; SET statement_timeout = '5s'; SET lock_timeout = '1s';",
                )?;
                Ok(conn)
            }
        }
    }
}

impl r2d2::ManageConnection for Connector {
    type Connection = DbConnection;
    type Error = diesel::ConnectionError;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        Connector::connect(self)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)
    }

    /// A connection dropped while its work panics (see [`Db::run`]) may be inside a
    /// transaction nobody will close, or halfway through reading a statement: it is
    /// discarded, never handed to the next caller. So is one whose transaction manager
    /// says a transaction is still open or broke.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::connection::{Connection, TransactionManager};
        std::thread::panicking()
            || <DbConnection as Connection>::TransactionManager::is_broken_transaction_manager(conn)
    }
}

pub type Pool = r2d2::Pool<Connector>;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot open the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("cannot open the database: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("cannot prepare the database: {0}")]
    Setup(#[from] diesel::result::Error),
    #[error("migration failed: {0}")]
    Migration(String),
}

/// Applies pending migrations. On PostgreSQL an advisory lock keeps instances that start
/// together from migrating at once.
pub fn migrate(connector: &Connector) -> Result<Vec<String>, DbError> {
    let mut conn = connector.connect()?;
    let applied = match &mut conn {
        DbConnection::Sqlite(c) => {
            // WAL is a property of the file, so setting it once here is enough.
            c.batch_execute("PRAGMA journal_mode = WAL;")?;
            c.run_pending_migrations(SQLITE_MIGRATIONS)
                .map_err(|e| DbError::Migration(e.to_string()))?
                .iter()
                .map(|v| v.to_string())
                .collect()
        }
        DbConnection::Postgres(c) => {
            c.batch_execute("SELECT pg_advisory_lock(73952026)")?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|vs| vs.iter().map(|v| v.to_string()).collect::<Vec<_>>())
                .map_err(|e| DbError::Migration(e.to_string()));
            c.batch_execute("SELECT pg_advisory_unlock(73952026)")?;
            result?
        }
    };
    Ok(applied)
}

/// The message of a caught panic (`panic!("…")` carries a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// The shared handle to the pool.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
}

impl Db {
    pub fn open(connector: Connector, size: u32) -> Result<Db, DbError> {
        let backend = connector.backend();
        // SQLite allows one writer at a time; more connections only add lock waits.
        let size = if backend == Backend::Sqlite {
            size.min(8)
        } else {
            size
        };
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .connection_timeout(Duration::from_secs(10))
            .build(connector)?;
        Ok(Db { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool_state(&self) -> r2d2::State {
        self.pool.state()
    }

    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// Runs blocking database work on actix's blocking threads; a pooled connection is
    /// never held across an `.await`.
    ///
    /// # Errors
    /// What `work` returns; [`StoreError::Pool`] when no connection comes within the pool's
    /// timeout; [`StoreError::Panicked`] with the panic's message when `work` panics (a bug,
    /// not an outage: the connection it held is discarded, see `has_broken`);
    /// [`StoreError::Unavailable`] when the blocking threads are gone (shutting down).
    pub async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            // The connection lives inside the guarded closure, so a panic drops it while
            // unwinding, when the pool's `has_broken` sees `panicking()` and discards it.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
                let mut conn = pool.get().map_err(StoreError::Pool)?;
                work(&mut conn)
            }))
            .unwrap_or_else(|payload| Err(StoreError::Panicked(panic_message(payload.as_ref()))))
        })
        .await
        .map_err(|_| StoreError::Unavailable)?
    }

    /// The same work for synchronous callers (CLI commands).
    pub fn run_sync<T>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.pool.get().map_err(StoreError::Pool)?;
        work(&mut conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(dir: &std::path::Path, pool: u32) -> Db {
        let connector = Connector::new(DatabaseUrl::Sqlite(dir.join("t.db")), SqliteSync::Normal);
        migrate(&connector).unwrap();
        Db::open(connector, pool).unwrap()
    }

    fn count_teams(conn: &mut DbConnection, name: &str) -> Result<i64, StoreError> {
        use crate::db::schema::teams;
        Ok(teams::table
            .filter(teams::name.eq(name))
            .count()
            .get_result(conn)?)
    }

    #[actix_web::test]
    async fn a_panicking_call_is_reported_as_a_panic_with_its_message() {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite(dir.path(), 2);
        let outcome = db
            .run(|_| -> Result<(), StoreError> { panic!("boom {}", 42) })
            .await;
        match outcome {
            Err(StoreError::Panicked(message)) => assert_eq!(message, "boom 42"),
            other => panic!("expected a panic, got {other:?}"),
        }
        // The pool goes on.
        assert_eq!(db.run(|c| count_teams(c, "x")).await.unwrap(), 0);
    }

    #[actix_web::test]
    async fn a_panic_inside_a_transaction_leaves_nothing_and_the_connection_is_not_reused() {
        use crate::db::schema::teams;
        let dir = tempfile::tempdir().unwrap();
        // One connection: were the panicked one handed back, the next call would run
        // inside its open transaction and see the row.
        let db = sqlite(dir.path(), 1);
        let outcome = db
            .run(|conn| {
                conn.transaction::<(), diesel::result::Error, _>(|conn| {
                    diesel::insert_into(teams::table)
                        .values((
                            teams::name.eq("ghost"),
                            teams::created_at.eq(crate::store::now()),
                        ))
                        .execute(conn)?;
                    panic!("inside a transaction")
                })?;
                Ok(())
            })
            .await;
        assert!(
            matches!(outcome, Err(StoreError::Panicked(_))),
            "{outcome:?}"
        );
        assert_eq!(db.run(|c| count_teams(c, "ghost")).await.unwrap(), 0);
        let written = db
            .run(|conn| {
                diesel::insert_into(teams::table)
                    .values((
                        teams::name.eq("real"),
                        teams::created_at.eq(crate::store::now()),
                    ))
                    .execute(conn)?;
                Ok(())
            })
            .await;
        assert!(written.is_ok(), "{written:?}");
        assert_eq!(db.run(|c| count_teams(c, "real")).await.unwrap(), 1);
    }
}

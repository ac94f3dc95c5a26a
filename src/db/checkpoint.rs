//! SQLite WAL checkpoints on a thread of their own.
//!
//! A checkpoint copies the pages written to the WAL back into the database file and syncs
//! it. Left to SQLite, it runs inside whichever commit pushes the WAL over its limit —
//! usually the click writer's, which then holds every waiting click for the copy and the
//! sync. Here a separate connection checkpoints every [`EVERY`] (`PASSIVE`: it never
//! blocks the writer or readers), and the writer's own automatic checkpoint is only a far
//! safety net should this thread fall behind.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use diesel::connection::SimpleConnection;

use super::{Connector, DbConnection};

const EVERY: Duration = Duration::from_millis(500);

pub struct Checkpointer {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread (SQLite only; PostgreSQL checkpoints by itself).
    pub fn start(connector: &Connector) -> Option<Checkpointer> {
        if connector.backend() != super::Backend::Sqlite {
            return None;
        }
        let connector = connector.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::Builder::new()
            .name("wal-checkpoint".into())
            .spawn(move || run(&connector, &stopping))
            .map_err(|err| tracing::warn!(error = %err, "no checkpoint thread; SQLite checkpoints in commits"))
            .ok()?;
        Some(Checkpointer {
            stop,
            thread: Some(thread),
        })
    }

    /// Stops the thread after a last checkpoint that also empties the WAL file.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

fn run(connector: &Connector, stop: &AtomicBool) {
    let mut conn: Option<DbConnection> = None;
    while !stop.load(Ordering::Relaxed) {
        std::thread::park_timeout(EVERY);
        checkpoint(connector, &mut conn, "PASSIVE");
    }
    checkpoint(connector, &mut conn, "TRUNCATE");
}

fn checkpoint(connector: &Connector, conn: &mut Option<DbConnection>, mode: &str) {
    if conn.is_none() {
        *conn = connector.connect().ok();
    }
    if let Some(c) = conn.as_mut() {
        if let Err(err) = c.batch_execute(&format!("PRAGMA wal_checkpoint({mode});")) {
            tracing::debug!(error = %err, "checkpoint skipped");
            *conn = None;
        }
    }
}

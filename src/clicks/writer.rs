//! The click writer: one thread that commits clicks in batches (group commit).
//!
//! A click becomes durable before its redirect is answered in one of two ways
//! (`click_durability`): by default the handler appends it to the [`Journal`] (one `write`,
//! survives a crash of the process) and hands it to the writer without waiting; with
//! `database`, the handler waits until the writer has committed it. Either way the queue
//! is bounded and a full queue makes handlers wait (backpressure); a click is never
//! dropped. The writer takes whatever is queued (up to the batch size), flags repeats and
//! scanner bursts, and commits clicks, unique visitors and daily rollups in one
//! transaction; journaled clicks are then reported back so finished segments are deleted.
//! On SQLite in journal mode the rollups above the daily ones (per network, month, owner
//! and facet) are held for up to a second and written with a later batch; a read that
//! settles writes them first, and a crash leaves their days marked for a rebuild at start
//! ([`clicks::insert_batch_holding`]). When the database cannot commit — down, locked,
//! unreachable — the batch goes to the [`Spool`] instead (flushed to disk before anyone is
//! answered) and is replayed once the database is back. Only if even the spool cannot be
//! written does a redirect fail, and then it is not answered as a success.
//!
//! The thread is supervised: should the writer panic (a bug), the panic is logged, the
//! batch in hand is written again, and the writer goes on with the same queue, journal
//! and spool ([`WriterStats::restarts`] counts it; `/healthz` is degraded meanwhile). A
//! dead writer would fail every redirect until the process restarted.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use super::journal::{self, Journal, SegmentId};
use super::spool::Spool;
use crate::db::{panic_message, Connector, DbConnection};
use crate::domain::verify::{Policy, Verifier};
use crate::store::clicks::{self, ClickKind, Delivery, HeldRollups, NewClick, Visitors};

/// How long a failing database is left alone before the spool is replayed again.
const RETRY_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct WriterConfig {
    pub batch_max: usize,
    pub batch_wait: Duration,
    pub queue: usize,
    pub policy: Policy,
}

/// Counters for `/metrics`, `/healthz` and benchmarks.
#[derive(Debug, Default)]
pub struct WriterStats {
    pub committed: AtomicU64,
    pub spooled: AtomicU64,
    pub replayed: AtomicU64,
    pub batches: AtomicU64,
    pub failed: AtomicU64,
    /// Clicks handed to the writer and not yet committed or spooled: the queue and the
    /// batch being written.
    pub pending: AtomicU64,
    /// When (Unix milliseconds) the oldest click of the batch being written happened; 0
    /// while the writer is idle. The queue is first in, first out, so no queued click is
    /// older.
    writing_since_ms: AtomicI64,
    /// When the oldest click waiting in the spool happened; 0 with an empty spool.
    spooled_since_ms: AtomicI64,
    /// How many times the writer panicked and was restarted.
    pub restarts: AtomicU64,
    /// Set from a panic until the writer runs again (health is degraded meanwhile).
    pub restarting: AtomicBool,
    /// Reads that waited for the writer to commit the clicks answered before them
    /// ([`ClickSink::settle`]); each one ends a batch early.
    pub settles: AtomicU64,
}

impl WriterStats {
    /// How long the oldest click that is answered but not yet in the database has been
    /// waiting (queued, being written, or in the spool); `None` when there is none.
    pub fn oldest_uncommitted(&self, now_ms: i64) -> Option<Duration> {
        [&self.writing_since_ms, &self.spooled_since_ms]
            .into_iter()
            .map(|at| at.load(Ordering::Relaxed))
            .filter(|at| *at > 0)
            .min()
            .map(|at| Duration::from_millis(u64::try_from(now_ms - at).unwrap_or(0)))
    }
}

fn millis(at: chrono::NaiveDateTime) -> i64 {
    at.and_utc().timestamp_millis()
}

enum Job {
    Click(Box<NewClick>, Ack),
    /// Answered once every click queued before it is committed.
    Settle(oneshot::Sender<()>),
    /// The writer's next batch hangs as on a stuck disk, for this long or until the
    /// shutdown deadline, when it is abandoned as a crash would (tests of a writer that
    /// fell behind).
    Stall(Duration),
    /// The writer's next batch panics once it is verified, before it is written, as a bug
    /// would (tests of the supervisor).
    Panic,
    Shutdown,
}

/// What the writer owes a click once it is in the database.
enum Ack {
    /// A redirect waits for the commit.
    Waiting(oneshot::Sender<()>),
    /// The redirect is answered; the journal segment holding the click is told.
    Journaled(SegmentId),
}

/// How long a read waits for queued clicks to reach the database before it goes ahead
/// with what is there.
const SETTLE_AT_MOST: Duration = Duration::from_secs(2);

/// The handlers' end of the queue.
#[derive(Clone)]
pub struct ClickSink {
    tx: mpsc::Sender<Job>,
    journal: Option<Arc<Journal>>,
    stats: Arc<WriterStats>,
}

#[derive(Debug, thiserror::Error)]
#[error("the click could not be stored")]
pub struct NotStored;

impl ClickSink {
    /// Resolves once the click is durable: in the journal, or committed (or spooled) when
    /// there is no journal or it cannot be written.
    pub async fn record(&self, click: NewClick) -> Result<(), NotStored> {
        if let Some(journal) = &self.journal {
            match journal.append(&click) {
                Ok(segment) => {
                    return self
                        .enqueue(Job::Click(Box::new(click), Ack::Journaled(segment)))
                        .await;
                }
                Err(err) => {
                    tracing::error!(error = %err, "cannot append to the click journal; waiting for the database instead")
                }
            }
        }
        let (done, wait) = oneshot::channel();
        self.enqueue(Job::Click(Box::new(click), Ack::Waiting(done)))
            .await?;
        wait.await.map_err(|_| NotStored)
    }

    async fn enqueue(&self, job: Job) -> Result<(), NotStored> {
        self.stats.pending.fetch_add(1, Ordering::Relaxed);
        self.tx.send(job).await.map_err(|_| {
            self.stats.pending.fetch_sub(1, Ordering::Relaxed);
            NotStored
        })
    }

    /// Makes the writer stall for `duration` (or until shutdown gives up on it), as a hung
    /// disk would: clicks keep being answered from the journal and wait. For tests.
    #[doc(hidden)]
    pub async fn stall(&self, duration: Duration) {
        let _ = self.tx.send(Job::Stall(duration)).await;
    }

    /// Makes the writer panic once, in the middle of its next batch of clicks, as a bug
    /// would; the supervisor restarts it and writes that batch again. For tests.
    #[doc(hidden)]
    pub async fn panic_once(&self) {
        let _ = self.tx.send(Job::Panic).await;
    }

    /// Waits (a bounded time) until every click answered so far is in the database, so
    /// that a read right after a redirect sees it: reports, share stats, attribution.
    pub async fn settle(&self) {
        if self.journal.is_none() {
            return; // every answered click is committed already
        }
        self.stats.settles.fetch_add(1, Ordering::Relaxed);
        let (done, wait) = oneshot::channel();
        let settled = async {
            if self.tx.send(Job::Settle(done)).await.is_ok() {
                let _ = wait.await;
            }
        };
        if tokio::time::timeout(SETTLE_AT_MOST, settled).await.is_err() {
            tracing::warn!(
                "clicks are queued for longer than {SETTLE_AT_MOST:?}; reading without them"
            );
        }
    }
}

/// The running writer thread.
pub struct ClickWriter {
    tx: mpsc::Sender<Job>,
    thread: Option<JoinHandle<()>>,
    pub stats: Arc<WriterStats>,
    /// Set by [`ClickWriter::shutdown`]: past it, the writer stops between batches and
    /// leaves what is still queued to the journal.
    give_up_at: Arc<OnceLock<Instant>>,
}

/// How long past the shutdown deadline the writer may take to finish the batch it is
/// writing (a commit on a sick database times out within about a second).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

impl ClickWriter {
    /// Replays what an earlier run left in the spool and the journal, then starts the
    /// thread. The journal directory is opened (locked, leftovers replayed) whatever the
    /// durability: a run in `database` mode after one in `journal` mode must still store
    /// the clicks that run answered. With `answer_from_journal` false, no click is
    /// appended to it and every redirect waits for its commit.
    pub fn start(
        connector: Connector,
        spool: Spool,
        (journal, leftovers): (Journal, Vec<PathBuf>),
        answer_from_journal: bool,
        config: WriterConfig,
    ) -> std::io::Result<(ClickSink, ClickWriter)> {
        let (tx, rx) = mpsc::channel(config.queue.max(1));
        let stats = Arc::new(WriterStats::default());
        let give_up_at = Arc::new(OnceLock::new());
        let mut worker = Worker {
            give_up_at: give_up_at.clone(),
            stall_next: None,
            panic_next: false,
            out: Output {
                connector,
                conn: None,
                visitors: None,
                spool,
                stats: stats.clone(),
                last_failure: None,
                held: HeldRollups::default(),
                held_since: None,
                write_held_next: false,
                may_hold: answer_from_journal,
                rebuild_marked: true,
            },
            verifier: Verifier::new(config.policy),
            config,
            journal: None,
            current: Batch::default(),
        };
        worker.out.rebuild_marked_days();
        worker.out.replay();
        let journal = Arc::new(journal);
        worker.journal = Some(journal.clone());
        worker.replay_journal(&leftovers);
        let journal = answer_from_journal.then_some(journal);
        let thread = std::thread::Builder::new()
            .name("click-writer".into())
            .spawn(move || worker.supervise(rx))?;
        Ok((
            ClickSink {
                tx: tx.clone(),
                journal,
                stats: stats.clone(),
            },
            ClickWriter {
                tx,
                thread: Some(thread),
                stats,
                give_up_at,
            },
        ))
    }

    /// Commits what is queued and stops the thread (graceful shutdown), taking at most
    /// `within` (plus the batch being written): journaled clicks still queued then stay in
    /// the journal, and the next start stores them. Clicks whose redirects wait for the
    /// database (no journal) are not answered as stored.
    pub async fn shutdown(mut self, within: Duration) {
        let deadline = Instant::now() + within;
        let _ = self.give_up_at.set(deadline);
        // A full queue makes this wait; the writer stops at the deadline anyway.
        let _ = tokio::time::timeout(within, self.tx.send(Job::Shutdown)).await;
        let Some(thread) = self.thread.take() else {
            return;
        };
        let left = deadline.saturating_duration_since(Instant::now()) + SHUTDOWN_GRACE;
        let joined = actix_web::rt::task::spawn_blocking(move || thread.join());
        if tokio::time::timeout(left, joined).await.is_err() {
            tracing::error!(
                pending = self.stats.pending.load(Ordering::Relaxed),
                "the click writer did not stop in time; its clicks stay in the journal for the next start"
            );
        }
    }
}

/// The longest pause between restarts of a writer that keeps panicking.
const RESTART_PAUSE_MAX: Duration = Duration::from_secs(5);

/// The pause before restart number `in_a_row` without a batch written in between: none
/// for the first (a one-off bug should cost no redirect a wait), then 100 ms doubling up
/// to [`RESTART_PAUSE_MAX`], so a bug that strikes every batch does not spin.
fn restart_pause(in_a_row: u32) -> Duration {
    match in_a_row {
        0 | 1 => Duration::ZERO,
        n => Duration::from_millis(100)
            .saturating_mul(1 << (n - 2).min(16))
            .min(RESTART_PAUSE_MAX),
    }
}

struct Worker {
    out: Output,
    verifier: Verifier,
    config: WriterConfig,
    journal: Option<Arc<Journal>>,
    give_up_at: Arc<OnceLock<Instant>>,
    /// Set by [`Job::Stall`].
    stall_next: Option<Duration>,
    /// Set by [`Job::Panic`].
    panic_next: bool,
    /// The batch in hand. Kept here rather than on the stack so that a panic does not take
    /// it along: the supervisor writes it again (see [`Worker::recover`]).
    current: Batch,
}

/// A batch of clicks and who waits for it.
#[derive(Default)]
struct Batch {
    clicks: Vec<NewClick>,
    /// Earlier (already written) clicks that this batch shows to be part of a burst.
    demote: Vec<String>,
    waiters: Vec<oneshot::Sender<()>>,
    journaled: HashMap<SegmentId, u64>,
    settles: Vec<oneshot::Sender<()>>,
}

/// Where batches go: the database, else the spool. Kept apart from the rest of the worker
/// so that it can be borrowed mutably while the batch in hand ([`Worker::current`]) is
/// read.
struct Output {
    connector: Connector,
    conn: Option<DbConnection>,
    /// Unique visitors per share and day: in memory on SQLite, kept across reconnections.
    visitors: Option<Visitors>,
    spool: Spool,
    stats: Arc<WriterStats>,
    last_failure: Option<Instant>,
    /// Changes to the rollups above `click_rollups` held back (SQLite only; see
    /// [`clicks::insert_batch_holding`]), and since when.
    held: HeldRollups,
    held_since: Option<Instant>,
    /// Set by the worker for the next batch: a read waits for it, or the writer stops.
    write_held_next: bool,
    /// Whether changes may be held at all: not when every redirect waits for its commit
    /// (reads then do not settle, and must see the rollups of every answered click).
    may_hold: bool,
    /// Days a stopped writer left marked are rebuilt before the next batch (at start, and
    /// after a panic, which drops what was held).
    rebuild_marked: bool,
}

/// How long the writer holds changes to the rollups above `click_rollups` at most, and how
/// many rows of them (bounding the memory): a second of a flood over many shares then
/// makes one row change per share instead of one per batch. A read that settles and a
/// shutdown write them at once, so reads still see every click answered before them.
const HOLD_ROLLUPS_FOR: Duration = Duration::from_secs(1);
const HOLD_ROLLUPS_MAX: usize = 50_000;

impl Worker {
    /// Shutdown was requested and its time is up.
    fn past_deadline(&self) -> bool {
        self.give_up_at
            .get()
            .is_some_and(|at| Instant::now() >= *at)
    }

    /// Sleeps like a hung disk, but not past a shutdown deadline.
    fn stall(&self, duration: Duration) {
        let until = Instant::now() + duration;
        while Instant::now() < until && !self.past_deadline() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The thread's body: runs the writer and, when it panics, logs the panic, writes the
    /// batch in hand again and runs the writer again on the same queue, journal and spool.
    /// Then stops it (drains the queue until the shutdown deadline).
    fn supervise(mut self, mut rx: mpsc::Receiver<Job>) {
        let stats = self.out.stats.clone();
        let mut in_a_row = 0;
        loop {
            let written_before = stats.batches.load(Ordering::Relaxed);
            let Err(payload) = catch_unwind(AssertUnwindSafe(|| self.serve(&mut rx))) else {
                break;
            };
            stats.restarting.store(true, Ordering::Relaxed);
            let restarts = stats.restarts.fetch_add(1, Ordering::Relaxed) + 1;
            in_a_row = if stats.batches.load(Ordering::Relaxed) > written_before {
                1
            } else {
                in_a_row + 1
            };
            let pause = restart_pause(in_a_row);
            tracing::error!(
                panic = %panic_message(payload.as_ref()),
                clicks_in_hand = self.current.clicks.len(),
                restarts,
                pause_ms = pause.as_millis() as u64,
                "the click writer panicked; restarting it on the same queue"
            );
            self.stall(pause);
            self.recover();
            stats.restarting.store(false, Ordering::Relaxed);
            if self.past_deadline() {
                break;
            }
        }
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| self.stop(&mut rx))) {
            tracing::error!(
                panic = %panic_message(payload.as_ref()),
                "the click writer panicked while stopping; clicks not yet written stay in the journal for the next start"
            );
        }
    }

    /// After a panic: forgets what may be half done (the connection may be inside a
    /// transaction, the visitor book halfway through an update; both are rebuilt from the
    /// database) and writes the batch in hand again — as a replay, since it may have been
    /// committed before the panic, and a replay skips what is stored. Should that panic
    /// too, the batch is given up: redirects waiting for it fail (they were never answered
    /// as stored) and its journaled clicks stay in the journal for the next start.
    fn recover(&mut self) {
        self.out.conn = None;
        self.out.visitors = None;
        // What was held may be half updated: dropped, and rebuilt from the marked days.
        self.out.held = HeldRollups::default();
        self.out.held_since = None;
        self.out.rebuild_marked = true;
        self.stall_next = None;
        self.panic_next = false;
        let batch = std::mem::take(&mut self.current);
        if batch.clicks.is_empty() {
            self.finish(batch, true);
            return;
        }
        let out = &mut self.out;
        let written = catch_unwind(AssertUnwindSafe(|| {
            out.write(&batch.clicks, &batch.demote, Delivery::Replay)
        }));
        let written = written.unwrap_or_else(|payload| {
            self.out.conn = None;
            self.out.visitors = None;
            tracing::error!(
                panic = %panic_message(payload.as_ref()),
                clicks = batch.clicks.len(),
                "the click writer panicked again on the same batch; giving it up (its journaled clicks stay in the journal for the next start)"
            );
            false
        });
        self.finish(batch, written);
    }

    /// Takes jobs off the queue and writes them, batch after batch, until a shutdown is
    /// requested (or its deadline passes) or every sender is gone.
    fn serve(&mut self, rx: &mut mpsc::Receiver<Job>) {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
        {
            Ok(rt) => rt,
            Err(err) => {
                tracing::error!(error = %err, "click writer cannot start");
                return;
            }
        };
        loop {
            // With rollup changes held, wake up when they are due.
            if let Some(left) = self.out.held_left() {
                match runtime.block_on(async { tokio::time::timeout(left, rx.recv()).await }) {
                    Ok(Some(first)) => {
                        if self.take_batch(&runtime, rx, first) {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(_) => {
                        if !self.out.spool.is_empty() && self.out.may_retry() {
                            self.out.replay();
                        }
                        self.out.write_held();
                    }
                }
                continue;
            }
            // With clicks waiting in the spool, wake up now and then to replay them even
            // when no new click arrives.
            let first = if self.out.spool.is_empty() {
                runtime.block_on(rx.recv())
            } else {
                match runtime.block_on(async { tokio::time::timeout(RETRY_EVERY, rx.recv()).await })
                {
                    Ok(job) => job,
                    Err(_) => {
                        self.out.replay();
                        continue;
                    }
                }
            };
            let Some(first) = first else { break };
            if self.take_batch(&runtime, rx, first) {
                break;
            }
        }
    }

    /// Gathers a batch that begins with `first` and writes it; returns whether the writer
    /// is to stop.
    fn take_batch(
        &mut self,
        runtime: &tokio::runtime::Runtime,
        rx: &mut mpsc::Receiver<Job>,
        first: Job,
    ) -> bool {
        if let Job::Click(click, _) = &first {
            self.out
                .stats
                .writing_since_ms
                .store(millis(click.occurred_at), Ordering::Relaxed);
        }
        let mut jobs = vec![first];
        let deadline = Instant::now() + self.config.batch_wait;
        // A read waiting to settle ends the batch at once: the clicks before it are
        // what it waits for.
        while jobs.len() < self.config.batch_max
            && !matches!(jobs.last(), Some(Job::Settle(_) | Job::Shutdown))
        {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(mpsc::error::TryRecvError::Empty) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    match runtime.block_on(async { tokio::time::timeout(left, rx.recv()).await }) {
                        Ok(Some(job)) => jobs.push(job),
                        _ => break,
                    }
                }
                Err(mpsc::error::TryRecvError::Disconnected) => break,
            }
        }
        self.process(jobs) || self.past_deadline()
    }

    /// Shutting down: clicks sent after the shutdown request still get written, a batch at
    /// a time, until the deadline; then the journal is closed.
    fn stop(&mut self, rx: &mut mpsc::Receiver<Job>) {
        rx.close();
        let mut rest = Vec::new();
        while !self.past_deadline() {
            match rx.try_recv() {
                Ok(job) => rest.push(job),
                Err(_) => break,
            }
            if rest.len() >= self.config.batch_max {
                self.process(std::mem::take(&mut rest));
            }
        }
        if !rest.is_empty() && !self.past_deadline() {
            self.process(rest);
        }
        if !self.past_deadline() {
            self.out.write_held();
        }
        let stats = &self.out.stats;
        if self.past_deadline() {
            tracing::warn!(
                pending = stats.pending.load(Ordering::Relaxed),
                "stopping the click writer at the shutdown deadline; queued clicks stay in the journal for the next start"
            );
        } else if !self.out.spool.is_empty() {
            self.out.replay();
        }
        if let Some(journal) = &self.journal {
            journal.finish();
        }
        tracing::info!(
            committed = self.out.stats.committed.load(Ordering::Relaxed),
            "click writer stopped"
        );
    }

    /// Writes one batch and answers its waiters; returns whether a shutdown was requested.
    fn process(&mut self, jobs: Vec<Job>) -> bool {
        let mut shutdown = false;
        let current = &mut self.current;
        for job in jobs {
            match job {
                Job::Click(click, ack) => {
                    current.clicks.push(*click);
                    match ack {
                        Ack::Waiting(done) => current.waiters.push(done),
                        Ack::Journaled(segment) => {
                            *current.journaled.entry(segment).or_default() += 1
                        }
                    }
                }
                Job::Settle(done) => current.settles.push(done),
                Job::Stall(duration) => self.stall_next = Some(duration),
                Job::Panic => self.panic_next = true,
                Job::Shutdown => shutdown = true,
            }
        }
        // The batch's first click is the oldest not yet committed (the queue is first in,
        // first out); set here too because the batch may have begun with a read's settle.
        if let Some(oldest) = self.current.clicks.first() {
            self.out
                .stats
                .writing_since_ms
                .store(millis(oldest.occurred_at), Ordering::Relaxed);
        }
        if !self.current.clicks.is_empty() {
            if let Some(duration) = self.stall_next.take() {
                self.stall(duration);
                if self.past_deadline() {
                    // Abandoned like a crash: the clicks stay in the journal.
                    return true;
                }
            }
        }
        // A read that settles on this batch reads the rollups too: nothing stays held.
        let write_held = !self.current.settles.is_empty() || shutdown;
        self.out.write_held_next = write_held;
        let written = if self.current.clicks.is_empty() {
            // Reads that settle keep the queue busy; the spool must still get its turn.
            if !self.out.spool.is_empty() && self.out.may_retry() {
                self.out.replay();
            }
            if write_held {
                self.out.write_held();
            }
            true
        } else {
            self.current.demote = verify(&mut self.verifier, &mut self.current.clicks);
            if std::mem::take(&mut self.panic_next) {
                panic!("the click writer was asked to panic (ClickSink::panic_once)");
            }
            self.out
                .write(&self.current.clicks, &self.current.demote, Delivery::First)
        };
        self.out.write_held_next = false;
        let batch = std::mem::take(&mut self.current);
        self.finish(batch, written);
        shutdown
    }

    /// Answers a batch's waiters once it is written (committed or spooled) and tells the
    /// journal; a batch that could not be written is counted as failed (its redirects that
    /// wait fail; its journaled clicks stay in their segment for the next start). Either
    /// way its clicks are no longer pending, and the reads that settle on it go ahead.
    fn finish(&mut self, batch: Batch, written: bool) {
        let stats = &self.out.stats;
        let clicks = batch.clicks.len() as u64;
        if written {
            for done in batch.waiters {
                let _ = done.send(());
            }
            if let (Some(journal), false) = (&self.journal, batch.journaled.is_empty()) {
                journal.committed(&batch.journaled);
            }
        } else {
            stats.failed.fetch_add(clicks, Ordering::Relaxed);
        }
        stats.pending.fetch_sub(clicks, Ordering::Relaxed);
        stats.writing_since_ms.store(0, Ordering::Relaxed);
        for done in batch.settles {
            let _ = done.send(());
        }
    }

    /// Moves the segments an earlier run left behind into the database (or the spool),
    /// then deletes them; a segment that can go nowhere stays for the next start.
    fn replay_journal(&mut self, segments: &[PathBuf]) {
        for path in segments {
            let clicks = match journal::read_segment(path) {
                Ok(clicks) => clicks,
                Err(err) => {
                    tracing::error!(error = %err, path = %path.display(), "cannot read a click journal segment");
                    continue;
                }
            };
            let mut all_in = true;
            for chunk in clicks.chunks(self.config.batch_max.max(1)) {
                let mut batch = chunk.to_vec();
                let demote = verify(&mut self.verifier, &mut batch);
                all_in &= self.out.write(&batch, &demote, Delivery::Replay);
            }
            if !all_in {
                tracing::error!(path = %path.display(), "click journal segment not replayed; it stays for the next start");
                continue;
            }
            self.out
                .stats
                .replayed
                .fetch_add(clicks.len() as u64, Ordering::Relaxed);
            tracing::info!(clicks = clicks.len(), path = %path.display(), "replayed a click journal segment");
            if let Err(err) = std::fs::remove_file(path) {
                tracing::warn!(error = %err, path = %path.display(), "cannot delete a replayed click journal segment");
            }
        }
    }
}

/// Flags repeats and bursts; returns earlier (already written) clicks to demote.
fn verify(verifier: &mut Verifier, batch: &mut [NewClick]) -> Vec<String> {
    // Where each click of the batch is, built on the first demotion only: most
    // batches have none, and this was a copy of every click id.
    let mut index: Option<HashMap<String, usize>> = None;
    let mut demote = Vec::new();
    for i in 0..batch.len() {
        if batch[i].kind != ClickKind::Human {
            continue;
        }
        let at_ms = batch[i].occurred_at.and_utc().timestamp_millis();
        let verdict = verifier.judge(
            &batch[i].visitor,
            batch[i].share_id,
            &batch[i].click_id,
            at_ms,
        );
        if let Some(flag) = verdict.flag {
            batch[i].kind = ClickKind::Flagged;
            batch[i].flag_reason = Some(flag.as_str().to_string());
        }
        for earlier in verdict.demote {
            let index = index.get_or_insert_with(|| {
                batch
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.click_id.clone(), i))
                    .collect()
            });
            match index.get(&earlier) {
                Some(&j) => {
                    batch[j].kind = ClickKind::Flagged;
                    batch[j].flag_reason = Some("burst".to_string());
                }
                None => demote.push(earlier),
            }
        }
    }
    demote
}

impl Output {
    /// Commits the batch, or spools it; false only if neither worked.
    fn write(&mut self, batch: &[NewClick], demote: &[String], delivery: Delivery) -> bool {
        if !self.spool.is_empty() && self.may_retry() {
            self.replay();
        }
        if self.spool.is_empty() {
            match self.commit(batch, demote, delivery) {
                Ok(n) => {
                    self.stats.committed.fetch_add(n as u64, Ordering::Relaxed);
                    self.stats.batches.fetch_add(1, Ordering::Relaxed);
                    return true;
                }
                Err(err) => {
                    tracing::error!(error = %err, clicks = batch.len(), "click batch not committed; spooling it");
                    self.conn = None;
                    self.last_failure = Some(Instant::now());
                }
            }
        }
        match self.spool.append(batch, demote) {
            Ok(()) => {
                if let Some(oldest) = batch.iter().map(|c| millis(c.occurred_at)).min() {
                    let _ = self.stats.spooled_since_ms.compare_exchange(
                        0,
                        oldest,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    );
                }
                self.stats
                    .spooled
                    .fetch_add(batch.len() as u64, Ordering::Relaxed);
                true
            }
            Err(err) => {
                tracing::error!(error = %err, path = %self.spool.path().display(), "cannot write the click spool");
                false
            }
        }
    }

    fn may_retry(&self) -> bool {
        self.last_failure.is_none_or(|t| t.elapsed() >= RETRY_EVERY)
    }

    fn commit(
        &mut self,
        batch: &[NewClick],
        demote: &[String],
        delivery: Delivery,
    ) -> Result<usize, String> {
        let may_hold = self.may_hold;
        let held_due = self.write_held_next
            || self.held.rows() >= HOLD_ROLLUPS_MAX
            || self
                .held_since
                .is_some_and(|since| since.elapsed() >= HOLD_ROLLUPS_FOR);
        self.connect_and_rebuild()?;
        let conn = self.conn.as_mut().ok_or("no connection")?;
        // PostgreSQL may have other instances writing: each batch writes everything.
        let write_held = !may_hold || held_due || matches!(conn, DbConnection::Postgres(_));
        let visitors = self
            .visitors
            .get_or_insert_with(|| Visitors::for_connection(conn));
        let new = clicks::insert_batch_holding(
            conn,
            visitors,
            &mut self.held,
            batch,
            demote,
            delivery,
            write_held,
        )
        .map_err(|e| e.to_string())?;
        if self.held.is_empty() {
            self.held_since = None;
        } else if self.held_since.is_none() {
            self.held_since = Some(Instant::now());
        }
        Ok(new)
    }

    /// Rebuilds the days a stopped writer left marked, if any (at start). On failure the
    /// next batch tries again.
    fn rebuild_marked_days(&mut self) {
        if let Err(err) = self.connect_and_rebuild() {
            tracing::warn!(error = %err, "cannot rebuild the click rollups a stopped writer held back yet");
            self.conn = None;
        }
    }

    /// A connection, after the marked days are rebuilt when they are to be.
    fn connect_and_rebuild(&mut self) -> Result<(), String> {
        if self.conn.is_none() {
            self.conn = Some(
                self.connector
                    .connect_for_writer()
                    .map_err(|e| e.to_string())?,
            );
        }
        let conn = self.conn.as_mut().ok_or("no connection")?;
        if self.rebuild_marked {
            let days = clicks::rebuild_marked_days(conn).map_err(|e| e.to_string())?;
            if !days.is_empty() {
                tracing::warn!(
                    ?days,
                    "rebuilt the click rollups a stopped writer held back"
                );
            }
            self.rebuild_marked = false;
        }
        Ok(())
    }

    /// How long until the rollup changes held are due to be written (after a failure, not
    /// before the next retry); `None` when nothing is held.
    fn held_left(&self) -> Option<Duration> {
        let since = self.held_since?;
        let due = HOLD_ROLLUPS_FOR.saturating_sub(since.elapsed());
        let retry = self
            .last_failure
            .map_or(Duration::ZERO, |t| RETRY_EVERY.saturating_sub(t.elapsed()));
        Some(due.max(retry))
    }

    /// Writes the rollup changes held, in a transaction of their own. On failure they stay
    /// held (their days stay marked) for the next try.
    fn write_held(&mut self) {
        if self.held.is_empty() {
            return;
        }
        // Nothing is rebuilt here: marks are only pending to rebuild while nothing is held.
        if let Err(err) = self.connect_and_rebuild() {
            tracing::warn!(error = %err, "cannot write the click rollups held back yet");
            self.conn = None;
            self.last_failure = Some(Instant::now());
            return;
        }
        let Some(conn) = self.conn.as_mut() else {
            return;
        };
        match clicks::write_held(conn, &mut self.held) {
            Ok(()) => self.held_since = None,
            Err(err) => {
                tracing::warn!(error = %err, "cannot write the click rollups held back yet");
                self.conn = None;
                self.last_failure = Some(Instant::now());
            }
        }
    }

    /// Moves the spool into the database; on failure the spool stays as it is.
    fn replay(&mut self) {
        if self.spool.is_empty() {
            return;
        }
        let batches = match self.spool.read_all() {
            Ok(b) => b,
            Err(err) => {
                tracing::error!(error = %err, "cannot read the click spool");
                self.last_failure = Some(Instant::now());
                return;
            }
        };
        let mut replayed = 0;
        for batch in &batches {
            match self.commit(&batch.clicks, &batch.demote, Delivery::Replay) {
                Ok(n) => replayed += n,
                Err(err) => {
                    tracing::warn!(error = %err, "database still unavailable; clicks stay in the spool");
                    self.conn = None;
                    self.last_failure = Some(Instant::now());
                    return;
                }
            }
        }
        if let Err(err) = self.spool.clear() {
            tracing::error!(error = %err, "cannot clear the click spool (its batches are committed and will be skipped)");
            return;
        }
        self.stats.spooled_since_ms.store(0, Ordering::Relaxed);
        self.last_failure = None;
        self.stats
            .replayed
            .fetch_add(replayed as u64, Ordering::Relaxed);
        tracing::info!(
            batches = batches.len(),
            clicks = replayed,
            "replayed spooled clicks into the database"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restarts_pause_only_when_the_writer_keeps_panicking() {
        assert_eq!(restart_pause(1), Duration::ZERO);
        assert_eq!(restart_pause(2), Duration::from_millis(100));
        assert_eq!(restart_pause(3), Duration::from_millis(200));
        assert_eq!(restart_pause(12), RESTART_PAUSE_MAX);
        assert_eq!(restart_pause(u32::MAX), RESTART_PAUSE_MAX);
    }
}

//! The click writer: one thread that commits clicks in batches (group commit).
//!
//! A click becomes durable before its redirect is answered in one of two ways
//! (`click_durability`): by default the handler appends it to the [`Journal`] (one `write`,
//! survives a crash of the process) and hands it to the writer without waiting; with
//! `database`, the handler waits until the writer has committed it. Either way the queue
//! is bounded and a full queue makes handlers wait (backpressure); a click is never
//! dropped. The writer takes whatever is queued (up to the batch size), flags repeats and
//! scanner bursts, and commits clicks, unique visitors and daily rollups in one
//! transaction; journaled clicks are then reported back so finished segments are deleted. When the database cannot commit — down, locked,
//! unreachable — the batch goes to the [`Spool`] instead (flushed to disk before anyone is
//! answered) and is replayed once the database is back. Only if even the spool cannot be
//! written does a redirect fail, and then it is not answered as a success.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use super::journal::{self, Journal, SegmentId};
use super::spool::Spool;
use crate::db::{Connector, DbConnection};
use crate::domain::verify::{Policy, Verifier};
use crate::store::clicks::{self, ClickKind, Delivery, NewClick, Visitors};

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

    /// Waits (a bounded time) until every click answered so far is in the database, so
    /// that a read right after a redirect sees it: reports, share stats, attribution.
    pub async fn settle(&self) {
        if self.journal.is_none() {
            return; // every answered click is committed already
        }
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
            connector,
            conn: None,
            visitors: None,
            spool,
            verifier: Verifier::new(config.policy),
            stats: stats.clone(),
            last_failure: None,
            config,
            journal: None,
        };
        worker.replay();
        let journal = Arc::new(journal);
        worker.journal = Some(journal.clone());
        worker.replay_journal(&leftovers);
        let journal = answer_from_journal.then_some(journal);
        let thread = std::thread::Builder::new()
            .name("click-writer".into())
            .spawn(move || worker.run(rx))?;
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

struct Worker {
    connector: Connector,
    conn: Option<DbConnection>,
    /// Unique visitors per share and day: in memory on SQLite, kept across reconnections.
    visitors: Option<Visitors>,
    spool: Spool,
    verifier: Verifier,
    stats: Arc<WriterStats>,
    last_failure: Option<Instant>,
    config: WriterConfig,
    journal: Option<Arc<Journal>>,
    give_up_at: Arc<OnceLock<Instant>>,
    /// Set by [`Job::Stall`].
    stall_next: Option<Duration>,
}

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

    fn run(mut self, mut rx: mpsc::Receiver<Job>) {
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
            // With clicks waiting in the spool, wake up now and then to replay them even
            // when no new click arrives.
            let first = if self.spool.is_empty() {
                runtime.block_on(rx.recv())
            } else {
                match runtime.block_on(async { tokio::time::timeout(RETRY_EVERY, rx.recv()).await })
                {
                    Ok(job) => job,
                    Err(_) => {
                        self.replay();
                        continue;
                    }
                }
            };
            let Some(first) = first else { break };
            if let Job::Click(click, _) = &first {
                self.stats
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
                        match runtime
                            .block_on(async { tokio::time::timeout(left, rx.recv()).await })
                        {
                            Ok(Some(job)) => jobs.push(job),
                            _ => break,
                        }
                    }
                    Err(mpsc::error::TryRecvError::Disconnected) => break,
                }
            }
            if self.process(jobs) || self.past_deadline() {
                break;
            }
        }
        // Shutting down: clicks sent after the shutdown request still get written, a
        // batch at a time, until the deadline.
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
        if self.past_deadline() {
            tracing::warn!(
                pending = self.stats.pending.load(Ordering::Relaxed),
                "stopping the click writer at the shutdown deadline; queued clicks stay in the journal for the next start"
            );
        } else if !self.spool.is_empty() {
            self.replay();
        }
        if let Some(journal) = &self.journal {
            journal.finish();
        }
        tracing::info!(
            committed = self.stats.committed.load(Ordering::Relaxed),
            "click writer stopped"
        );
    }

    /// Writes one batch and answers its waiters; returns whether a shutdown was requested.
    fn process(&mut self, jobs: Vec<Job>) -> bool {
        let mut batch = Vec::with_capacity(jobs.len());
        let mut waiters = Vec::new();
        let mut journaled: HashMap<SegmentId, u64> = HashMap::new();
        let mut settles = Vec::new();
        let mut shutdown = false;
        for job in jobs {
            match job {
                Job::Click(click, ack) => {
                    batch.push(*click);
                    match ack {
                        Ack::Waiting(done) => waiters.push(done),
                        Ack::Journaled(segment) => *journaled.entry(segment).or_default() += 1,
                    }
                }
                Job::Settle(done) => settles.push(done),
                Job::Stall(duration) => self.stall_next = Some(duration),
                Job::Shutdown => shutdown = true,
            }
        }
        // The batch's first click is the oldest not yet committed (the queue is first in,
        // first out); set here too because the batch may have begun with a read's settle.
        if let Some(oldest) = batch.first() {
            self.stats
                .writing_since_ms
                .store(millis(oldest.occurred_at), Ordering::Relaxed);
        }
        if !batch.is_empty() {
            if let Some(duration) = self.stall_next.take() {
                self.stall(duration);
                if self.past_deadline() {
                    // Abandoned like a crash: the clicks stay in the journal.
                    return true;
                }
            }
        }
        if batch.is_empty() {
            // Reads that settle keep the queue busy; the spool must still get its turn.
            if !self.spool.is_empty() && self.may_retry() {
                self.replay();
            }
        } else {
            let demote = self.verify(&mut batch);
            if self.write(&batch, &demote, Delivery::First) {
                for done in waiters {
                    let _ = done.send(());
                }
                if let Some(journal) = &self.journal {
                    journal.committed(&journaled);
                }
            } else {
                // Journaled clicks stay in their segment and are replayed at the next start.
                self.stats
                    .failed
                    .fetch_add(batch.len() as u64, Ordering::Relaxed);
            }
        }
        self.stats
            .pending
            .fetch_sub(batch.len() as u64, Ordering::Relaxed);
        self.stats.writing_since_ms.store(0, Ordering::Relaxed);
        for done in settles {
            let _ = done.send(());
        }
        shutdown
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
                let demote = self.verify(&mut batch);
                all_in &= self.write(&batch, &demote, Delivery::Replay);
            }
            if !all_in {
                tracing::error!(path = %path.display(), "click journal segment not replayed; it stays for the next start");
                continue;
            }
            self.stats
                .replayed
                .fetch_add(clicks.len() as u64, Ordering::Relaxed);
            tracing::info!(clicks = clicks.len(), path = %path.display(), "replayed a click journal segment");
            if let Err(err) = std::fs::remove_file(path) {
                tracing::warn!(error = %err, path = %path.display(), "cannot delete a replayed click journal segment");
            }
        }
    }

    /// Flags repeats and bursts; returns earlier (already written) clicks to demote.
    fn verify(&mut self, batch: &mut [NewClick]) -> Vec<String> {
        // Where each click of the batch is, built on the first demotion only: most
        // batches have none, and this was a copy of every click id.
        let mut index: Option<HashMap<String, usize>> = None;
        let mut demote = Vec::new();
        for i in 0..batch.len() {
            if batch[i].kind != ClickKind::Human {
                continue;
            }
            let at_ms = batch[i].occurred_at.and_utc().timestamp_millis();
            let verdict = self.verifier.judge(
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
        if self.conn.is_none() {
            self.conn = Some(
                self.connector
                    .connect_for_writer()
                    .map_err(|e| e.to_string())?,
            );
        }
        let conn = self.conn.as_mut().ok_or("no connection")?;
        let visitors = self
            .visitors
            .get_or_insert_with(|| Visitors::for_connection(conn));
        clicks::insert_batch(conn, visitors, batch, demote, delivery).map_err(|e| e.to_string())
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

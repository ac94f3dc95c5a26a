//! The click journal: the durable step before a redirect is answered.
//!
//! Each click is appended to the current segment file as one JSON line, with one `write`.
//! Once that call returns, the line is in the kernel's page cache and survives the process
//! dying in any way (kill -9, out of memory, a panic), so the redirect can be answered
//! without waiting for the database. The click writer then moves clicks into the database
//! in large batches; a segment file is deleted once every click in it is committed (or
//! spooled). At start-up, leftover segments are replayed; the store inserts idempotently,
//! so clicks that were committed before a crash are not counted twice.
//!
//! Not covered: power loss or a kernel crash before the page cache reaches the disk. An
//! installation that needs that runs with `click_durability = "database"` (every redirect
//! waits for its database commit) and SQLite `synchronous = full`.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::store::clicks::NewClick;

const PREFIX: &str = "clicks-";
const SUFFIX: &str = ".journal";

/// A new segment is started once the current one holds this many bytes (≈ 25 000 clicks),
/// which bounds what a restart has to replay.
pub const SEGMENT_BYTES: u64 = 8 * 1024 * 1024;

/// Which segment a click went to, so the writer can report it back once committed.
pub type SegmentId = u64;

pub struct Journal {
    dir: PathBuf,
    segment_bytes: u64,
    state: Mutex<State>,
    /// Held until [`Journal::finish`]: two processes sharing one directory would replay
    /// and delete each other's segments.
    lock: File,
}

struct State {
    file: File,
    segment: SegmentId,
    appended: u64,
    bytes: u64,
    /// Closed segments and how many clicks each holds.
    closed: HashMap<SegmentId, u64>,
    /// Clicks the writer has committed, per segment.
    committed: HashMap<SegmentId, u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0} is used by another Chorus process (each process needs its own spool directory)")]
    InUse(String),
}

impl Journal {
    /// Opens the journal in `dir`; returns it with the segments an earlier run left behind
    /// (oldest first), which the caller must replay.
    pub fn open(dir: &Path, segment_bytes: u64) -> Result<(Journal, Vec<PathBuf>), JournalError> {
        fs::create_dir_all(dir)?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("journal.lock"))?;
        if lock.try_lock().is_err() {
            return Err(JournalError::InUse(dir.display().to_string()));
        }
        let mut leftovers: Vec<(SegmentId, PathBuf)> = fs::read_dir(dir)?
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let number = name
                    .strip_prefix(PREFIX)?
                    .strip_suffix(SUFFIX)?
                    .parse()
                    .ok()?;
                Some((number, entry.path()))
            })
            .collect();
        leftovers.sort();
        let segment = leftovers.last().map_or(1, |(n, _)| n + 1);
        let file = create_segment(dir, segment)?;
        let journal = Journal {
            dir: dir.to_path_buf(),
            segment_bytes,
            state: Mutex::new(State {
                file,
                segment,
                appended: 0,
                bytes: 0,
                closed: HashMap::new(),
                committed: HashMap::new(),
            }),
            lock,
        };
        Ok((journal, leftovers.into_iter().map(|(_, p)| p).collect()))
    }

    /// Appends one click; when this returns `Ok` the click survives a crash of the process.
    pub fn append(&self, click: &NewClick) -> std::io::Result<SegmentId> {
        let mut line = serde_json::to_vec(click)?;
        line.push(b'\n');
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(err) = state.file.write_all(&line) {
            // A partial line would glue itself to the next one; cut it off, or leave the
            // damaged segment behind (it is replayed line by line) and start a new one.
            let keep = state.bytes;
            if state.file.set_len(keep).is_err() {
                self.rotate(&mut state)?;
            }
            return Err(err);
        }
        state.appended += 1;
        state.bytes += line.len() as u64;
        let segment = state.segment;
        if state.bytes >= self.segment_bytes {
            if let Err(err) = self.rotate(&mut state) {
                // The click is written; the next append tries again.
                tracing::warn!(error = %err, "cannot start a new click journal segment");
            }
        }
        Ok(segment)
    }

    /// Records clicks the writer has committed (or spooled) and deletes every closed segment
    /// whose clicks are all in.
    pub fn committed(&self, per_segment: &HashMap<SegmentId, u64>) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        for (segment, n) in per_segment {
            *state.committed.entry(*segment).or_default() += n;
        }
        let done: Vec<SegmentId> = state
            .closed
            .iter()
            .filter(|(segment, count)| {
                state.committed.get(segment).copied().unwrap_or(0) >= **count
            })
            .map(|(segment, _)| *segment)
            .collect();
        for segment in done {
            state.closed.remove(&segment);
            state.committed.remove(&segment);
            self.delete(segment);
        }
    }

    /// After a clean drain: deletes the current segment too when all its clicks are in,
    /// and lets the next process (a restart) take the directory.
    pub fn finish(&self) {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let active = state.segment;
        let appended = state.appended;
        if state.committed.get(&active).copied().unwrap_or(0) >= appended {
            self.delete(active);
        }
        let _ = self.lock.unlock();
    }

    /// Segment files currently on disk (for tests and diagnostics).
    pub fn segment_count(&self) -> usize {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.closed.len() + 1
    }

    fn rotate(&self, state: &mut State) -> std::io::Result<()> {
        let next = state.segment + 1;
        let file = create_segment(&self.dir, next)?;
        let old = std::mem::replace(&mut state.file, file);
        drop(old);
        let (segment, appended) = (state.segment, state.appended);
        state.closed.insert(segment, appended);
        state.segment = next;
        state.appended = 0;
        state.bytes = 0;
        Ok(())
    }

    fn delete(&self, segment: SegmentId) {
        let path = segment_path(&self.dir, segment);
        if let Err(err) = fs::remove_file(&path) {
            if err.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(error = %err, path = %path.display(), "cannot delete a finished click journal segment (it will be replayed harmlessly)");
            }
        }
    }
}

/// The clicks of a leftover segment, skipping a torn last line (a click whose write was
/// cut off, so never answered).
pub fn read_segment(path: &Path) -> std::io::Result<Vec<NewClick>> {
    read_json_lines(path)
}

/// The complete JSON lines of an append-only file (the journal's or the spool's). A line
/// that does not parse is a write cut off by a crash — never answered — and is skipped.
pub(super) fn read_json_lines<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> std::io::Result<Vec<T>> {
    let reader = BufReader::new(File::open(path)?);
    let mut items = Vec::new();
    for line in reader.split(b'\n') {
        let line = line?;
        if line.is_empty() {
            continue;
        }
        match serde_json::from_slice(&line) {
            Ok(item) => items.push(item),
            Err(err) => {
                tracing::warn!(error = %err, path = %path.display(), "skipping a torn line")
            }
        }
    }
    Ok(items)
}

fn segment_path(dir: &Path, segment: SegmentId) -> PathBuf {
    dir.join(format!("{PREFIX}{segment:08}{SUFFIX}"))
}

fn create_segment(dir: &Path, segment: SegmentId) -> std::io::Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(segment_path(dir, segment))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::clicks::ClickKind;

    fn click(id: &str) -> NewClick {
        NewClick {
            click_id: id.into(),
            share_id: 7,
            occurred_at: chrono::DateTime::from_timestamp(1_700_000_000, 0)
                .unwrap()
                .naive_utc(),
            day: chrono::NaiveDate::from_ymd_opt(2023, 11, 14).unwrap(),
            visitor: "v".into(),
            kind: ClickKind::Human,
            flag_reason: None,
            country: Some("KR".into()),
            region: None,
            city: Some("서울".into()),
            referrer_host: None,
            browser: None,
            os: None,
            device: None,
        }
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(SUFFIX))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn clicks_left_behind_are_handed_back_in_order_on_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let (journal, leftovers) = Journal::open(dir.path(), 200).unwrap();
        assert!(leftovers.is_empty());
        for id in ["a", "b", "c"] {
            journal.append(&click(id)).unwrap();
        }
        drop(journal);
        let (_journal, leftovers) = Journal::open(dir.path(), 200).unwrap();
        let replayed: Vec<String> = leftovers
            .iter()
            .flat_map(|p| read_segment(p).unwrap())
            .map(|c| c.click_id)
            .collect();
        assert_eq!(replayed, ["a", "b", "c"]);
        assert_eq!(read_segment(&leftovers[0]).unwrap()[0], click("a"));
    }

    #[test]
    fn a_segment_goes_once_all_its_clicks_are_committed() {
        let dir = tempfile::tempdir().unwrap();
        // Small segments: each click closes one.
        let (journal, _) = Journal::open(dir.path(), 10).unwrap();
        let first = journal.append(&click("a")).unwrap();
        let second = journal.append(&click("b")).unwrap();
        assert_ne!(first, second);
        assert_eq!(
            files(dir.path()).len(),
            3,
            "two closed segments and the new current one"
        );
        journal.committed(&HashMap::from([(second, 1)]));
        assert_eq!(files(dir.path()).len(), 2);
        journal.committed(&HashMap::from([(first, 1)]));
        assert_eq!(
            files(dir.path()).len(),
            1,
            "only the current segment is left"
        );
        journal.finish();
        assert!(
            files(dir.path()).is_empty(),
            "a clean stop leaves nothing to replay"
        );
    }

    #[test]
    fn the_current_segment_stays_while_a_click_in_it_is_not_committed() {
        let dir = tempfile::tempdir().unwrap();
        let (journal, _) = Journal::open(dir.path(), SEGMENT_BYTES).unwrap();
        let segment = journal.append(&click("a")).unwrap();
        journal.append(&click("b")).unwrap();
        journal.committed(&HashMap::from([(segment, 1)]));
        journal.finish();
        assert_eq!(files(dir.path()).len(), 1);
    }

    #[test]
    fn a_torn_last_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let (journal, _) = Journal::open(dir.path(), SEGMENT_BYTES).unwrap();
        journal.append(&click("a")).unwrap();
        drop(journal);
        let path = dir.path().join(&files(dir.path())[0]);
        OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"click_id\":\"b\",\"sha")
            .unwrap();
        let clicks = read_segment(&path).unwrap();
        assert_eq!(clicks, vec![click("a")]);
    }

    #[test]
    fn two_processes_cannot_share_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let (_journal, _) = Journal::open(dir.path(), SEGMENT_BYTES).unwrap();
        assert!(matches!(
            Journal::open(dir.path(), SEGMENT_BYTES),
            Err(JournalError::InUse(_))
        ));
    }
}

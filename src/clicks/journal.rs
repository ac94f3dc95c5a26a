//! The click journal: the durable step before a redirect is answered.
//!
//! Each click is appended to the current segment file as one JSON line (a versioned record,
//! see [`super::record`]), copied into the segment's shared memory mapping. The mapping *is*
//! the kernel's page cache of the file, so once the copy is done the line survives the
//! process dying in any way (kill -9, out of memory, a panic) exactly as a `write` would —
//! without a system call per click, which was a tenth of a redirect's cost. Segments are
//! allocated on disk in full when they are created (`posix_fallocate`), so a full disk
//! shows up as an error there, never as a fault while copying; a crash leaves zero bytes
//! after the last line, which readers skip. The redirect can then be answered without
//! waiting for the database. The click writer then moves clicks into the database in large
//! batches; a segment file is deleted once every click in it is committed (or spooled). At
//! start-up, leftover segments are replayed; the store inserts idempotently, so clicks that
//! were committed before a crash are not counted twice.
//!
//! Reading a segment or the spool (`read_records`) skips one thing only: a last line cut
//! off by a crash (that click was never answered). Any other line it cannot read — mangled,
//! or written by a newer release — is an error naming the file and line, and start-up
//! ([`Journal::open`], [`super::spool::Spool::open`]) refuses to go on rather than lose
//! answered clicks.
//!
//! Not covered: power loss or a kernel crash before the page cache reaches the disk. An
//! installation that needs that runs with `click_durability = "database"` (every redirect
//! waits for its database commit) and SQLite `synchronous = full`.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use memmap2::MmapMut;

use super::record::{self, RecordError};
use crate::store::clicks::NewClick;

const PREFIX: &str = "clicks-";
const SUFFIX: &str = ".journal";

/// A new segment is started once the current one holds this many bytes (≈ 25 000 clicks),
/// which bounds what a restart has to replay.
pub const SEGMENT_BYTES: u64 = 8 * 1024 * 1024;

/// Room past [`SEGMENT_BYTES`] for the line that crosses it: a click line is well under
/// 2 KiB (its fields are ids, hashes and short labels).
const SLACK_BYTES: u64 = 64 * 1024;

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
    current: Segment,
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
    #[error("{0}")]
    Unreadable(#[from] ReadError),
}

/// A journal segment or the spool holds a line that cannot be replayed, and skipping it
/// would lose clicks that were answered.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}, line {line}: not a click record ({source}); only a last line cut off by a crash is skipped, so repair the line, or move the file out of the directory to give up its clicks", path.display())]
    Corrupt {
        path: PathBuf,
        line: usize,
        source: serde_json::Error,
    },
    #[error("{}, line {line}: click record version {version} is not supported by this release (a newer release wrote it); run that release until it has replayed the file, or move the file out of the directory to give up its clicks", path.display())]
    Unsupported {
        path: PathBuf,
        line: usize,
        version: u64,
    },
}

/// What [`read_records`] read from a file.
pub(super) struct Records<T> {
    pub items: Vec<T>,
    /// Bytes from the start of the file to the end of the last record read (its newline
    /// included, when written); what follows is a torn line, zeros or nothing.
    pub end: u64,
}

impl Journal {
    /// Opens the journal in `dir`; returns it with the segments an earlier run left behind
    /// (oldest first), which the caller must replay. Fails with [`JournalError::Unreadable`]
    /// if a line of one of them cannot be replayed (see `read_records`), before creating
    /// anything.
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
        // Read in full now, and again when replayed: a refusal has to come before the server
        // starts, and holding every leftover click in memory until then could be a lot.
        for (_, path) in &leftovers {
            read_segment(path)?;
        }
        let segment = leftovers.last().map_or(1, |(n, _)| n + 1);
        let current = Segment::create(dir, segment, segment_bytes + SLACK_BYTES)?;
        let journal = Journal {
            dir: dir.to_path_buf(),
            segment_bytes,
            state: Mutex::new(State {
                current,
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
        // A click line is a few hundred bytes: one allocation, no regrowth.
        let mut line = Vec::with_capacity(1024);
        record::write_click(&mut line, click)?;
        line.push(b'\n');
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.bytes + line.len() as u64 > state.current.capacity() {
            self.rotate(&mut state)?;
            if line.len() as u64 > state.current.capacity() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "click line longer than a journal segment",
                ));
            }
        }
        let at = state.bytes as usize;
        state.current.map[at..at + line.len()].copy_from_slice(&line);
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
        } else {
            state.current.trim(state.bytes);
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
        let current = Segment::create(&self.dir, next, self.segment_bytes + SLACK_BYTES)?;
        let old = std::mem::replace(&mut state.current, current);
        old.close(state.bytes);
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
pub fn read_segment(path: &Path) -> Result<Vec<NewClick>, ReadError> {
    Ok(read_records(path, record::read_click)?.items)
}

/// The records of an append-only file of lines (the journal's or the spool's), oldest
/// first. A line that does not parse is skipped only when it is the file's last (after it,
/// nothing but zeros: the unwritten tail of a segment): a write cut off by a crash, never
/// answered. A bad line with a line after it, a complete line of the wrong shape, or a
/// version this release does not read is an error naming the file and line.
pub(super) fn read_records<T>(
    path: &Path,
    read: fn(&[u8]) -> Result<T, RecordError>,
) -> Result<Records<T>, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = BufReader::new(File::open(path).map_err(io)?);
    let mut records = Records {
        items: Vec::new(),
        end: 0,
    };
    // A line that did not parse: fatal unless it turns out to be the last one.
    let mut torn: Option<(usize, serde_json::Error)> = None;
    let (mut number, mut offset) = (0, 0);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        number += 1;
        offset += n as u64;
        let line = without_zeros(buf.strip_suffix(b"\n").unwrap_or(&buf));
        if line.is_empty() {
            continue;
        }
        if let Some((line, source)) = torn.take() {
            return Err(ReadError::Corrupt {
                path: path.to_path_buf(),
                line,
                source,
            });
        }
        match read(line) {
            Ok(item) => {
                records.items.push(item);
                records.end = offset;
            }
            Err(RecordError::Torn(source)) => torn = Some((number, source)),
            Err(RecordError::Invalid(source)) => {
                return Err(ReadError::Corrupt {
                    path: path.to_path_buf(),
                    line: number,
                    source,
                })
            }
            Err(RecordError::Unsupported(version)) => {
                return Err(ReadError::Unsupported {
                    path: path.to_path_buf(),
                    line: number,
                    version,
                })
            }
        }
    }
    if let Some((line, err)) = torn {
        tracing::warn!(error = %err, path = %path.display(), line, "skipping a torn last line (a write cut off by a crash, never answered)");
    }
    Ok(records)
}

/// A line without the zero bytes around it: a journal segment left by a crash ends in zeros
/// (allocated, never written). JSON text never contains a raw zero byte.
fn without_zeros(line: &[u8]) -> &[u8] {
    let start = line.iter().position(|b| *b != 0).unwrap_or(line.len());
    let end = line.iter().rposition(|b| *b != 0).map_or(start, |i| i + 1);
    &line[start..end]
}

fn segment_path(dir: &Path, segment: SegmentId) -> PathBuf {
    dir.join(format!("{PREFIX}{segment:08}{SUFFIX}"))
}

/// A segment file and its shared, writable mapping.
struct Segment {
    file: File,
    map: MmapMut,
}

impl Segment {
    /// A new segment of `capacity` bytes, allocated on disk in full.
    fn create(dir: &Path, segment: SegmentId, capacity: u64) -> std::io::Result<Segment> {
        let file = OpenOptions::new()
            .create_new(true)
            .read(true)
            .write(true)
            .open(segment_path(dir, segment))?;
        let len = libc::off_t::try_from(capacity)
            .map_err(|_| std::io::Error::other("journal segment size"))?;
        // SAFETY: a plain system call on a file descriptor this function owns.
        let status = unsafe { libc::posix_fallocate(file.as_raw_fd(), 0, len) };
        if status != 0 {
            return Err(std::io::Error::from_raw_os_error(status));
        }
        // SAFETY: the file was just created by this process, which holds the directory's
        // lock; nothing else resizes or writes it while it is mapped.
        let map = unsafe { MmapMut::map_mut(&file)? };
        Ok(Segment { file, map })
    }

    fn capacity(&self) -> u64 {
        self.map.len() as u64
    }

    /// Cuts the unused, zeroed tail off a segment whose mapping is still open.
    fn trim(&self, used: u64) {
        if let Err(err) = self.file.set_len(used) {
            tracing::warn!(error = %err, "cannot trim a click journal segment (readers skip its zeroed tail)");
        }
    }

    /// Unmaps the segment, then trims its unused tail.
    fn close(self, used: u64) {
        let Segment { file, map } = self;
        drop(map);
        if let Err(err) = file.set_len(used) {
            tracing::warn!(error = %err, "cannot trim a click journal segment (readers skip its zeroed tail)");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::clicks::record::tests::{flagged_click, V0_CLICK_A, V0_CLICK_B};
    use crate::store::clicks::sample_click;

    fn click(id: &str) -> NewClick {
        sample_click(id, 7)
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
    fn a_segment_left_by_a_crash_is_read_up_to_its_zeroed_tail() {
        let dir = tempfile::tempdir().unwrap();
        let (journal, _) = Journal::open(dir.path(), SEGMENT_BYTES).unwrap();
        journal.append(&click("a")).unwrap();
        journal.append(&click("b")).unwrap();
        // No finish(): as after kill -9, the file keeps its allocated size.
        std::mem::forget(journal);
        let path = dir.path().join(&files(dir.path())[0]);
        assert_eq!(
            fs::metadata(&path).unwrap().len(),
            SEGMENT_BYTES + SLACK_BYTES
        );
        let ids: Vec<String> = read_segment(&path)
            .unwrap()
            .into_iter()
            .map(|c| c.click_id)
            .collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn closed_and_kept_segments_are_trimmed_to_their_lines() {
        let dir = tempfile::tempdir().unwrap();
        let (journal, _) = Journal::open(dir.path(), 10).unwrap();
        journal.append(&click("a")).unwrap(); // closes segment 1
        journal.append(&click("b")).unwrap(); // closes segment 2
        let mut line = Vec::new();
        record::write_click(&mut line, &click("a")).unwrap();
        let line = line.len() as u64 + 1;
        for name in &files(dir.path())[..2] {
            assert_eq!(fs::metadata(dir.path().join(name)).unwrap().len(), line);
        }
        journal.finish();
    }

    /// Writes a leftover segment as an earlier run would have left it.
    fn leftover(dir: &Path, lines: &[&str]) -> PathBuf {
        let path = segment_path(dir, 1);
        fs::write(
            &path,
            lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
        )
        .unwrap();
        path
    }

    #[test]
    fn a_segment_written_before_records_had_versions_is_replayed() {
        let dir = tempfile::tempdir().unwrap();
        let path = leftover(dir.path(), &[V0_CLICK_A, V0_CLICK_B]);
        let (_journal, leftovers) = Journal::open(dir.path(), SEGMENT_BYTES).unwrap();
        assert_eq!(leftovers, [path]);
        assert_eq!(
            read_segment(&leftovers[0]).unwrap(),
            [click("a"), flagged_click()]
        );
    }

    #[test]
    fn old_and_new_lines_mix_in_one_segment() {
        let dir = tempfile::tempdir().unwrap();
        let mut new = Vec::new();
        record::write_click(&mut new, &click("c")).unwrap();
        let new = String::from_utf8(new).unwrap();
        let path = leftover(dir.path(), &[V0_CLICK_A, &new]);
        assert_eq!(read_segment(&path).unwrap(), [click("a"), click("c")]);
    }

    #[test]
    fn a_bad_line_with_lines_after_it_stops_the_start_and_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = leftover(
            dir.path(),
            &[V0_CLICK_A, "{\"click_id\":\"b\",\"sha", V0_CLICK_B],
        );
        let err = Journal::open(dir.path(), SEGMENT_BYTES).err().unwrap();
        assert!(
            matches!(
                err,
                JournalError::Unreadable(ReadError::Corrupt { line: 2, .. })
            ),
            "{err}"
        );
        let message = err.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("line 2"), "{message}");
        assert_eq!(
            files(dir.path()),
            ["clicks-00000001.journal"],
            "a refused start creates no segment"
        );
    }

    #[test]
    fn a_complete_line_of_the_wrong_shape_is_refused_even_last() {
        let dir = tempfile::tempdir().unwrap();
        let path = leftover(dir.path(), &[V0_CLICK_A, r#"{"v":1,"click_id":"b"}"#]);
        let err = read_segment(&path).unwrap_err();
        assert!(matches!(err, ReadError::Corrupt { line: 2, .. }), "{err}");
    }

    #[test]
    fn a_segment_from_a_newer_release_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let newer = V0_CLICK_A.replacen('{', r#"{"v":99,"#, 1);
        let path = leftover(dir.path(), &[V0_CLICK_A, &newer]);
        let err = Journal::open(dir.path(), SEGMENT_BYTES).err().unwrap();
        assert!(
            matches!(
                err,
                JournalError::Unreadable(ReadError::Unsupported {
                    line: 2,
                    version: 99,
                    ..
                })
            ),
            "{err}"
        );
        let message = err.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("version 99"), "{message}");
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

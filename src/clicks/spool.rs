//! The spool: an append-only file where click batches wait when the database cannot
//! commit them, so that no answered click depends on the database being up.
//!
//! One JSON line per batch (a versioned record, see [`super::record`]), written and flushed
//! to disk (`fsync`) before the redirects of that batch are answered. Replaying is safe to
//! repeat (the store inserts idempotently). A torn last line — a batch whose write was cut
//! off, so never answered — is skipped, and cut off before the next batch is appended;
//! any other line that cannot be read stops [`Spool::open`] (see
//! `journal::read_records`).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::journal::{read_records, ReadError};
use super::record;
use crate::store::clicks::NewClick;

/// A batch read back from the spool.
#[derive(Debug)]
pub struct SpooledBatch {
    pub clicks: Vec<NewClick>,
    pub demote: Vec<String>,
}

pub struct Spool {
    path: PathBuf,
    file: File,
    bytes: u64,
    /// Where the complete lines end, when a crash left a torn line after them (or the last
    /// one without its newline). The file is cut there right before this process first
    /// appends, whose batch would otherwise be glued to the torn line.
    repair: Option<Repair>,
}

struct Repair {
    keep: u64,
    newline: bool,
}

impl Spool {
    /// Opens (or creates) `dir/clicks.spool` and reads it through; a line that cannot be
    /// replayed is an error of kind `InvalidData` carrying a [`ReadError`] that names the
    /// file and line.
    pub fn open(dir: &Path) -> std::io::Result<Spool> {
        fs::create_dir_all(dir)?;
        let path = dir.join("clicks.spool");
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(&path)?;
        let bytes = file.metadata()?.len();
        let keep = read_records(&path, record::read_batch)
            .map_err(|err| std::io::Error::new(std::io::ErrorKind::InvalidData, err))?
            .end;
        let mut last = [0u8];
        let newline = keep > 0 && {
            file.read_exact_at(&mut last, keep - 1)?;
            last[0] != b'\n'
        };
        // Not cut here: the directory's lock (taken by the journal) is not held yet, so the
        // "torn" line may be another process's write in progress.
        let repair = (keep < bytes || newline).then_some(Repair { keep, newline });
        Ok(Spool {
            path,
            file,
            bytes,
            repair,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.bytes == 0
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends a batch and waits until it is on disk. On failure the file is cut back to
    /// where it was, so that a partial line cannot end up in front of the next batch.
    pub fn append(&mut self, clicks: &[NewClick], demote: &[String]) -> std::io::Result<()> {
        if let Some(repair) = &self.repair {
            self.file.set_len(repair.keep)?;
            self.bytes = repair.keep;
            if repair.newline {
                self.file.write_all(b"\n")?;
                self.bytes += 1;
            }
            self.repair = None;
        }
        let mut line = Vec::with_capacity(512 * clicks.len() + 64);
        record::write_batch(&mut line, clicks, demote)?;
        line.push(b'\n');
        let written = self
            .file
            .write_all(&line)
            .and_then(|()| self.file.sync_data());
        if let Err(err) = written {
            if let Err(undo) = self.file.set_len(self.bytes) {
                tracing::error!(error = %undo, path = %self.path.display(), "cannot cut a failed batch off the click spool");
            }
            return Err(err);
        }
        self.bytes += line.len() as u64;
        Ok(())
    }

    /// Every complete batch in the spool, oldest first.
    pub fn read_all(&self) -> Result<Vec<SpooledBatch>, ReadError> {
        Ok(read_records(&self.path, record::read_batch)?.items)
    }

    /// Empties the spool after its batches are committed.
    pub fn clear(&mut self) -> std::io::Result<()> {
        self.file.set_len(0)?;
        self.file.sync_all()?;
        self.bytes = 0;
        self.repair = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clicks::record::tests::{flagged_click, V0_BATCH};
    use crate::store::clicks::sample_click;

    fn click(id: &str) -> NewClick {
        sample_click(id, 1)
    }

    #[test]
    fn batches_survive_reopening_and_clear() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::open(dir.path()).unwrap();
        assert!(spool.is_empty());
        spool.append(&[click("a"), click("b")], &[]).unwrap();
        spool.append(&[click("c")], &["x".into()]).unwrap();
        drop(spool);
        let mut spool = Spool::open(dir.path()).unwrap();
        assert!(!spool.is_empty());
        let batches = spool.read_all().unwrap();
        assert_eq!(batches.len(), 2);
        assert_eq!(batches[0].clicks, vec![click("a"), click("b")]);
        assert_eq!(batches[1].demote, vec!["x".to_string()]);
        spool.clear().unwrap();
        assert!(spool.is_empty());
        assert!(Spool::open(dir.path())
            .unwrap()
            .read_all()
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_torn_last_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::open(dir.path()).unwrap();
        spool.append(&[click("a")], &[]).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(spool.path())
            .unwrap()
            .write_all(b"{\"clicks\":[{\"cli")
            .unwrap();
        let batches = Spool::open(dir.path()).unwrap().read_all().unwrap();
        assert_eq!(batches.len(), 1);
    }

    #[test]
    fn a_batch_after_a_torn_line_is_not_glued_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::open(dir.path()).unwrap();
        spool.append(&[click("a")], &[]).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(spool.path())
            .unwrap()
            .write_all(b"{\"v\":1,\"clicks\":[{\"cli")
            .unwrap();
        let mut spool = Spool::open(dir.path()).unwrap();
        spool.append(&[click("b")], &[]).unwrap();
        let batches = Spool::open(dir.path()).unwrap().read_all().unwrap();
        let ids: Vec<&str> = batches
            .iter()
            .flat_map(|b| &b.clicks)
            .map(|c| c.click_id.as_str())
            .collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn a_last_batch_without_its_newline_is_kept_and_ended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clicks.spool");
        std::fs::write(&path, V0_BATCH).unwrap();
        let mut spool = Spool::open(dir.path()).unwrap();
        spool.append(&[click("c")], &[]).unwrap();
        let batches = spool.read_all().unwrap();
        assert_eq!(batches.len(), 2);
        assert_eq!(batches[1].clicks, [click("c")]);
    }

    #[test]
    fn a_spool_written_before_records_had_versions_is_replayed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clicks.spool");
        std::fs::write(&path, format!("{V0_BATCH}\n")).unwrap();
        let mut spool = Spool::open(dir.path()).unwrap();
        spool.append(&[click("c")], &[]).unwrap();
        let batches = spool.read_all().unwrap();
        assert_eq!(batches[0].clicks, [sample_click("a", 7), flagged_click()]);
        assert_eq!(batches[0].demote, ["x"]);
        assert_eq!(batches[1].clicks, [click("c")]);
    }

    #[test]
    fn a_bad_line_with_batches_after_it_stops_the_open_and_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clicks.spool");
        std::fs::write(
            &path,
            format!("{V0_BATCH}\n{{\"clicks\":[{{\"cli\n{V0_BATCH}\n"),
        )
        .unwrap();
        let err = Spool::open(dir.path()).err().unwrap();
        let message = err.to_string();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("line 2"), "{message}");
    }

    #[test]
    fn a_spool_from_a_newer_release_stops_the_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clicks.spool");
        let newer = V0_BATCH.replacen('{', r#"{"v":2,"#, 1);
        std::fs::write(&path, format!("{newer}\n")).unwrap();
        let message = Spool::open(dir.path()).err().unwrap().to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("version 2"), "{message}");
    }
}

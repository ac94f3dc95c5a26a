//! The spool: an append-only file where click batches wait when the database cannot
//! commit them, so that no answered click depends on the database being up.
//!
//! One JSON line per batch, written and flushed to disk (`fsync`) before the redirects of
//! that batch are answered. Replaying is safe to repeat (the store inserts idempotently),
//! and a torn last line — a batch whose write was cut off, so never answered — is skipped.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::clicks::NewClick;

#[derive(Debug, Serialize, Deserialize)]
pub struct SpooledBatch {
    pub clicks: Vec<NewClick>,
    #[serde(default)]
    pub demote: Vec<String>,
}

pub struct Spool {
    path: PathBuf,
    file: File,
    bytes: u64,
}

impl Spool {
    pub fn open(dir: &Path) -> std::io::Result<Spool> {
        fs::create_dir_all(dir)?;
        let path = dir.join("clicks.spool");
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(&path)?;
        let bytes = file.metadata()?.len();
        Ok(Spool { path, file, bytes })
    }

    pub fn is_empty(&self) -> bool {
        self.bytes == 0
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends a batch and waits until it is on disk.
    pub fn append(&mut self, clicks: &[NewClick], demote: &[String]) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(&SpooledBatch {
            clicks: clicks.to_vec(),
            demote: demote.to_vec(),
        })?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()?;
        self.bytes += line.len() as u64;
        Ok(())
    }

    /// Every complete batch in the spool, oldest first.
    pub fn read_all(&self) -> std::io::Result<Vec<SpooledBatch>> {
        super::journal::read_json_lines(&self.path)
    }

    /// Empties the spool after its batches are committed.
    pub fn clear(&mut self) -> std::io::Result<()> {
        self.file.set_len(0)?;
        self.file.sync_all()?;
        self.bytes = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
}

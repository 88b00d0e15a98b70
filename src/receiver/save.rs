//! `listen --save`: appending one JSON Lines record per request, durably enough that an
//! acknowledged event survives the receiver being killed.
//!
//! Each record is serialised to one buffer (line and newline) and handed to the kernel with a
//! single `write_all` on a file opened for appending, under a lock, before the response is sent.
//! Once `write` returns the line is in the OS page cache: it survives `kill -9` of `listen`
//! (not a power cut, which would need an fsync per request). Lines never interleave.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The open `--save` file.
#[derive(Debug)]
pub struct Saver {
    path: PathBuf,
    file: Mutex<File>,
}

impl Saver {
    /// Opens (creating if needed) `path` for appending.
    pub fn open(path: &Path) -> io::Result<Saver> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Saver {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        })
    }

    /// The file's path, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `record` as one line; returns once the kernel holds the whole line.
    pub fn append(&self, record: &impl serde::Serialize) -> io::Result<()> {
        let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
        line.push(b'\n');
        // A poisoned lock only means another writer panicked; the file itself is still usable.
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        file.write_all(&line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{BodyEncoding, RequestRecord};

    #[test]
    fn records_are_appended_one_per_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.jsonl");
        std::fs::write(&path, "").unwrap();
        let saver = Saver::open(&path).unwrap();
        let record = RequestRecord {
            received_at: "2026-01-16T16:00:00.000Z".into(),
            method: "POST".into(),
            path: "/webhook".into(),
            headers: Default::default(),
            body: "{\n}".into(),
            body_encoding: BodyEncoding::Utf8,
            status: Some(200),
            verdict: Some("accepted".into()),
        };
        saver.append(&record).unwrap();
        saver.append(&record).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let back: RequestRecord = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(back, record);
    }
}

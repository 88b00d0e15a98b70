//! `listen --save`: appending one JSON Lines record per request, durably enough that an
//! acknowledged event survives the receiver being killed.
//!
//! Each record is serialised to one line and handed to the kernel before the response is sent.
//! Once `write` returns the line is in the OS page cache: it survives `kill -9` of `listen`
//! (not a power cut, which would need an fsync per request). Lines never interleave.
//!
//! Records are group-committed: the lines of the requests in flight gather in one batch, and the
//! first of them writes the batch with one `write` once the others have had their turn to join
//! it. Under load that is one system call for many records instead of one each (the write was
//! 18% of `listen --save`'s time under oha); every request still waits for its own line's write.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::mem;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::SetOnce;

/// What came of writing one batch: `Err` holds the error's text, for every request in it.
type Written = SetOnce<Result<(), String>>;

/// The lines waiting to be written, and how their writing will be told.
#[derive(Debug, Default)]
struct Batch {
    lines: Vec<u8>,
    written: Arc<Written>,
}

/// The file, and the buffer the last batch was written from, kept for a later batch's lines.
#[derive(Debug)]
struct Writer {
    file: File,
    spare: Vec<u8>,
}

/// A batch buffer larger than this is let go once written rather than kept: a burst of large
/// bodies should not hold its memory for the rest of the run.
const KEEP_BUFFER: usize = 1024 * 1024;

/// The open `--save` file.
#[derive(Debug)]
pub struct Saver {
    path: PathBuf,
    writer: Mutex<Writer>,
    batch: Mutex<Batch>,
}

impl Saver {
    /// Opens (creating if needed) `path` for appending.
    pub fn open(path: &Path) -> io::Result<Saver> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Saver {
            path: path.to_path_buf(),
            writer: Mutex::new(Writer {
                file,
                spare: Vec::new(),
            }),
            batch: Mutex::default(),
        })
    }

    /// The file's path, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `record` as one line; returns once the kernel holds the whole line.
    ///
    /// The caller must run this to completion (the receiver runs each request in a task of its
    /// own): the first request of a batch writes it for all the others, which wait for it.
    /// `line` is one whole JSON line, newline included (`RecordLine::to_line`), made by the
    /// caller outside the lock: a large body must not hold up the requests joining.
    pub async fn append(&self, line: &[u8]) -> io::Result<()> {
        let (written, first) = {
            let mut batch = lock(&self.batch);
            let first = batch.lines.is_empty();
            batch.lines.extend_from_slice(line);
            (batch.written.clone(), first)
        };
        if first {
            // Let the other requests that are ready run up to here and join this batch.
            tokio::task::yield_now().await;
            // The batch before may still be writing: this one gathers lines until it is done.
            let mut writer = lock(&self.writer);
            let Writer { file, spare } = &mut *writer;
            let written = {
                let mut batch = lock(&self.batch);
                // The batch's lines come here; the batch goes on in the emptied buffer.
                mem::swap(&mut batch.lines, spare);
                mem::take(&mut batch.written)
            };
            let result = file.write_all(spare).map_err(|err| err.to_string());
            spare.clear();
            if spare.capacity() > KEEP_BUFFER {
                *spare = Vec::new();
            }
            drop(writer);
            // Only this request sets it: the batch left the shared slot above.
            let _ = written.set(result);
        }
        written.wait().await.clone().map_err(io::Error::other)
    }
}

/// A poisoned lock only means another request panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{BodyEncoding, RequestRecord};

    fn record(path: &str) -> RequestRecord {
        RequestRecord {
            received_at: "2026-01-16T16:00:00.000Z".into(),
            method: "POST".into(),
            path: path.into(),
            headers: Default::default(),
            body: "{\n}".into(),
            body_encoding: BodyEncoding::Utf8,
            status: Some(200),
            verdict: Some("accepted".into()),
        }
    }

    /// `record(path)` as the line the receiver appends.
    fn line(path: &str) -> Vec<u8> {
        let mut line = serde_json::to_vec(&record(path)).unwrap();
        line.push(b'\n');
        line
    }

    /// Appends one record per task, all at once, on a runtime like listen's.
    fn append_concurrently(saver: Saver, count: usize) -> Vec<io::Result<()>> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        let saver = Arc::new(saver);
        runtime.block_on(async {
            let tasks: Vec<_> = (0..count)
                .map(|index| {
                    let saver = saver.clone();
                    tokio::spawn(async move { saver.append(&line(&format!("/{index}"))).await })
                })
                .collect();
            let mut results = Vec::new();
            for task in tasks {
                results.push(task.await.unwrap());
            }
            results
        })
    }

    #[test]
    fn records_appended_at_once_are_each_one_whole_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.jsonl");
        std::fs::write(&path, "").unwrap();
        let results = append_concurrently(Saver::open(&path).unwrap(), 500);
        assert!(results.iter().all(Result::is_ok));
        let text = std::fs::read_to_string(&path).unwrap();
        let mut paths = Vec::new();
        for line in text.lines() {
            let back: RequestRecord = serde_json::from_str(line).unwrap();
            assert_eq!(back, record(&back.path));
            paths.push(back.path);
        }
        paths.sort();
        let mut expected: Vec<String> = (0..500).map(|index| format!("/{index}")).collect();
        expected.sort();
        assert_eq!(paths, expected);
    }

    #[test]
    fn a_failed_write_fails_every_request_of_its_batch() {
        // Writes to /dev/full fail with "no space left on device".
        let results = append_concurrently(Saver::open(Path::new("/dev/full")).unwrap(), 50);
        assert_eq!(results.len(), 50);
        for result in results {
            let err = result.unwrap_err();
            assert!(err.to_string().contains("No space left"), "{err}");
        }
    }
}

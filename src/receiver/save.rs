//! `listen --save`: appending one JSON Lines record per request, durably enough that an
//! acknowledged event survives the receiver being killed.
//!
//! Each record is serialised to one line and handed to the kernel before the response is sent.
//! Once `write` returns the line is in the OS page cache: it survives `kill -9` of `listen`
//! (not a power cut, which would need an fsync per request). Lines never interleave.
//!
//! Records are group-committed by a thread of their own: the requests queue their lines, and the
//! writer takes every line queued so far and writes them with one `write`, then tells each
//! request its line is written. Under load that is one system call for many records instead of
//! one each; and the receiver's async workers never block on the disk themselves (a write the
//! kernel holds up would otherwise stall every request of that worker, not only the ones whose
//! lines it carries).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use tokio::sync::oneshot;

/// One line to write, and where to say how its write went (`Err` holds the error's text).
type Queued = (Vec<u8>, oneshot::Sender<Result<(), String>>);

/// A batch buffer larger than this is let go once written rather than kept: a burst of large
/// bodies should not hold its memory for the rest of the run.
const KEEP_BUFFER: usize = 1024 * 1024;

/// The open `--save` file and its writer thread.
#[derive(Debug)]
pub struct Saver {
    path: PathBuf,
    queue: mpsc::Sender<Queued>,
}

impl Saver {
    /// Opens (creating if needed) `path` for appending, and starts its writer.
    pub fn open(path: &Path) -> io::Result<Saver> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let (queue, lines) = mpsc::channel();
        std::thread::Builder::new()
            .name("listen --save".into())
            .spawn(move || write_batches(file, &lines))?;
        Ok(Saver {
            path: path.to_path_buf(),
            queue,
        })
    }

    /// The file's path, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `line` (one whole JSON line, newline included: `RecordLine::to_line`); returns
    /// once the kernel holds it.
    pub async fn append(&self, line: Vec<u8>) -> io::Result<()> {
        let (written, result) = oneshot::channel();
        self.queue
            .send((line, written))
            .map_err(|_| io::Error::other("the --save writer has stopped"))?;
        match result.await {
            Ok(result) => result.map_err(io::Error::other),
            Err(_) => Err(io::Error::other("the --save writer has stopped")),
        }
    }
}

/// The writer: waits for a line, takes every line queued behind it, writes them at once, and
/// answers each; until the `Saver` is dropped.
fn write_batches(mut file: File, lines: &mpsc::Receiver<Queued>) {
    let mut batch = Vec::new();
    let mut waiting = Vec::new();
    while let Ok(first) = lines.recv() {
        for (line, written) in std::iter::once(first).chain(lines.try_iter()) {
            batch.extend_from_slice(&line);
            waiting.push(written);
        }
        let result = file.write_all(&batch).map_err(|err| err.to_string());
        for written in waiting.drain(..) {
            // A request that stopped waiting (its client hung up) needs no answer.
            let _ = written.send(result.clone());
        }
        batch.clear();
        if batch.capacity() > KEEP_BUFFER {
            batch = Vec::new();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

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
                    tokio::spawn(async move { saver.append(line(&format!("/{index}"))).await })
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

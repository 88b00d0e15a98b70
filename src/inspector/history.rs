//! The inspector's history with `--save FILE`: the file's last records read back when `listen`
//! starts, so that a restart keeps what the page showed. Older records stay in the file (where
//! `verify` and `replay` read them); memory holds at most the store's capacity.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::Path;

use super::entry::Entry;
use super::store::CAPACITY;
use crate::record::RequestRecord;
use crate::secret::Secret;

/// What was read back.
pub struct History {
    /// The last records, oldest first; each id is its line number in the file.
    pub entries: Vec<Entry>,
    /// How many lines the file has (the next delivery's id is one more).
    pub lines: u64,
    /// Records older than those kept.
    pub older: u64,
}

impl History {
    /// No history: ids start at 1.
    pub fn empty() -> History {
        History {
            entries: Vec::new(),
            lines: 0,
            older: 0,
        }
    }

    /// Reads the last records of `path` (a missing file is an empty history). A line that is
    /// not a record is skipped with a warning, as `verify` would refuse it.
    pub fn load(path: &Path, secrets: &[Secret]) -> anyhow::Result<History> {
        let file = match crate::input::open_file(path) {
            Ok(file) => file,
            Err(err) if err.kind == "not_found" => return Ok(History::empty()),
            Err(err) => return Err(err.into()),
        };
        let mut reader = BufReader::new(file);
        let mut last: VecDeque<(u64, Vec<u8>)> = VecDeque::with_capacity(CAPACITY);
        let mut lines = 0;
        loop {
            let mut line = Vec::new();
            let read = reader
                .read_until(b'\n', &mut line)
                .map_err(|err| crate::input::Unreadable::new("", path, &err))?;
            if read == 0 {
                break;
            }
            lines += 1;
            if last.len() == CAPACITY {
                last.pop_front();
            }
            last.push_back((lines, line));
        }
        let kept_from = last.front().map_or(lines + 1, |(number, _)| *number);
        let mut entries = Vec::with_capacity(last.len());
        for (number, line) in last {
            match read_record(&line) {
                Some(record) => entries.push(Entry::from_record(number, record, secrets)),
                None if line.trim_ascii().is_empty() => {}
                None => crate::output::warning(&format!(
                    "{}: line {number} is not a listen --save record; the inspector leaves it out",
                    path.display()
                )),
            }
        }
        Ok(History {
            entries,
            lines,
            older: kept_from - 1,
        })
    }
}

/// One line as a record whose body decodes.
fn read_record(line: &[u8]) -> Option<RequestRecord> {
    let record: RequestRecord = serde_json::from_slice(line.trim_ascii()).ok()?;
    record.body_bytes().ok()?;
    Some(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_records_come_back_with_their_line_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.jsonl");
        let record = r#"{"received_at":"2026-01-16T16:00:00.000Z","method":"GET","path":"/","headers":[],"body":"","body_encoding":"utf8","status":404,"verdict":"not_found"}"#;
        let mut text = String::new();
        for _ in 0..CAPACITY + 2 {
            text.push_str(record);
            text.push('\n');
        }
        text.push_str("not a record\n");
        std::fs::write(&path, text).unwrap();
        let history = History::load(&path, &[]).unwrap();
        assert_eq!(history.lines, CAPACITY as u64 + 3);
        assert_eq!(history.older, 3);
        assert_eq!(history.entries.len(), CAPACITY - 1);
        assert_eq!(history.entries[0].id, 4);
        assert!(history.entries[0].restored);
        let missing = History::load(&dir.path().join("none.jsonl"), &[]).unwrap();
        assert_eq!((missing.lines, missing.entries.len()), (0, 0));
    }
}

//! Reading what the user hands a command: a file byte for byte, or standard input for `-` (or no
//! path at all), with the name messages use for it; whole, or, past a size, its first bytes and
//! a reader for the rest, so that a large body can be hashed as it streams by. Every file a user
//! names is read through here, so that a failure says why in words (`is a folder, not a file`,
//! `no such file`), never the OS's `(os error 21)`.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::mpsc;
use std::thread;

/// A file the user named that cannot be read, and why in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read {what}{path}: {message}")]
pub struct Unreadable {
    /// What the file is to the command, for the message: `""`, or `"the story file "`.
    what: &'static str,
    /// The path as given (or `standard input`).
    pub path: String,
    /// A stable identifier: `not_found`, `is_a_folder`, `permission_denied`, `not_utf8`, `io`.
    pub kind: &'static str,
    /// Why, in words.
    pub message: String,
}

impl Unreadable {
    /// `err` on `path`, in words.
    pub fn new(what: &'static str, path: &Path, err: &io::Error) -> Self {
        let (kind, message) = words(err);
        Unreadable {
            what,
            path: path.display().to_string(),
            kind,
            message,
        }
    }
}

/// An I/O failure in a few plain words and a stable identifier for JSON output: the one place
/// that turns the OS's error into what messages say.
pub fn words(err: &io::Error) -> (&'static str, String) {
    use io::ErrorKind;
    match err.kind() {
        ErrorKind::NotFound => ("not_found", "no such file".into()),
        ErrorKind::IsADirectory => ("is_a_folder", "is a folder, not a file".into()),
        ErrorKind::NotADirectory => (
            "not_found",
            "no such file (a part of its path is a file, not a folder)".into(),
        ),
        ErrorKind::PermissionDenied => ("permission_denied", "permission denied".into()),
        ErrorKind::InvalidData => ("not_utf8", "not UTF-8 text".into()),
        ErrorKind::StorageFull => ("io", "no space left on the device".into()),
        ErrorKind::ReadOnlyFilesystem => ("io", "the file system is read-only".into()),
        _ => {
            let text = err.to_string();
            // "Input/output error (os error 5)": the words without the number, as a sentence goes on.
            let text = match text.rfind(" (os error ") {
                Some(at) => &text[..at],
                None => &text,
            };
            let mut chars = text.chars();
            let text = match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => "the file could not be read".to_string(),
            };
            ("io", text)
        }
    }
}

/// A file or folder the user named that cannot be created or written, in the same words:
/// `cannot write out/01-card.created.json: permission denied`.
pub fn unwritable(action: &str, path: &Path, err: &io::Error) -> anyhow::Error {
    let message = match words(err) {
        ("not_found", _) => "no such folder".to_string(),
        (_, message) => message,
    };
    anyhow::anyhow!("cannot {action} {}: {message}", path.display())
}

/// Opens a file the user named, to read.
pub fn open_file(path: &Path) -> Result<File, Unreadable> {
    File::open(path).map_err(|err| Unreadable::new("", path, &err))
}

/// A file the user named, byte for byte.
pub fn read_file(path: &Path) -> Result<Vec<u8>, Unreadable> {
    std::fs::read(path).map_err(|err| Unreadable::new("", path, &err))
}

/// A text file the user named (`what` says what it is: `"the story file "`).
pub fn read_text(path: &Path, what: &'static str) -> Result<String, Unreadable> {
    let bytes = std::fs::read(path).map_err(|err| Unreadable::new(what, path, &err))?;
    String::from_utf8(bytes).map_err(|_| Unreadable {
        what,
        path: path.display().to_string(),
        kind: "not_utf8",
        message: "not UTF-8 text".to_string(),
    })
}

/// An input opened with a limit on what is held.
pub enum Opened {
    /// All of it, within the limit.
    Whole(Vec<u8>),
    /// More than the limit: its first bytes, and the rest to read.
    Large { head: Vec<u8>, rest: Box<dyn Read> },
}

/// Opens a file, or stdin for `-` or no path, holding at most `hold` bytes.
pub fn open(path: Option<&Path>, hold: usize) -> Result<Opened, Unreadable> {
    let (mut reader, shown): (Box<dyn Read>, &Path) = match file(path) {
        Some(path) => (Box::new(open_file(path)?), path),
        None => (Box::new(std::io::stdin()), Path::new("standard input")),
    };
    let mut head = Vec::new();
    (&mut reader)
        .take(hold as u64 + 1)
        .read_to_end(&mut head)
        .map_err(|err| Unreadable::new("", shown, &err))?;
    if head.len() <= hold {
        return Ok(Opened::Whole(head));
    }
    Ok(Opened::Large { head, rest: reader })
}

/// The file to read, or `None` for standard input (`-` counts as standard input).
pub fn file(path: Option<&Path>) -> Option<&Path> {
    path.filter(|path| path.as_os_str() != "-")
}

/// How messages name the input: the path as given, or `stdin`.
pub fn name(path: Option<&Path>) -> String {
    file(path).map_or_else(|| "stdin".to_string(), |path| path.display().to_string())
}

/// Reads a file, or stdin for `-` or no path, byte for byte.
pub fn read(path: Option<&Path>) -> Result<Vec<u8>, Unreadable> {
    match file(path) {
        Some(path) => read_file(path),
        None => {
            let mut body = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut body)
                .map_err(|err| Unreadable::new("", Path::new("standard input"), &err))?;
            Ok(body)
        }
    }
}

/// How much of a streamed input is read at a time. With the reading and the hashing on two
/// threads, a 100 MB verify took 90, 77, 77 and 75 ms with chunks of 64 KiB (1,500 hand-overs
/// between the threads), 256 KiB, 512 KiB and 1 MiB (2 MiB more memory), against 83 ms on one
/// thread with 64 KiB chunks, on the machine of docs/performance.md.
pub const CHUNK: usize = 256 * 1024;

/// How many chunk buffers go round between the reading and the consuming thread.
const BUFFERS: usize = 3;

/// Hands up to `limit` bytes of `reader` to `consume`, a chunk at a time, in order; returns how
/// many.
///
/// Reading and consuming overlap: this thread reads the next chunk (the kernel's copy) while a
/// second one consumes the last, so hashing a large body takes little more than the hash alone.
/// A few chunk buffers go back and forth.
pub fn for_each_chunk(
    reader: &mut dyn Read,
    limit: u64,
    mut consume: impl FnMut(&[u8]) + Send,
) -> io::Result<u64> {
    let (full_tx, full_rx) = mpsc::sync_channel::<(Vec<u8>, usize)>(BUFFERS);
    let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
    for _ in 0..BUFFERS {
        // The receiver is alive: it is ours, below.
        let _ = empty_tx.send(vec![0u8; CHUNK]);
    }
    thread::scope(|scope| {
        scope.spawn(move || {
            for (buffer, read) in full_rx {
                consume(&buffer[..read]);
                if empty_tx.send(buffer).is_err() {
                    return;
                }
            }
        });
        // Moved in, so that it is dropped on return: the consumer then sees the end, and the
        // scope (which waits for it) returns.
        let full_tx = full_tx;
        let mut taken = reader.take(limit);
        let mut total = 0u64;
        loop {
            // Only fails when the consumer is gone, which only a panic does (the scope re-raises it).
            let Ok(mut buffer) = empty_rx.recv() else {
                return Ok(total);
            };
            let read = loop {
                match taken.read(&mut buffer) {
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
            if read == 0 || full_tx.send((buffer, read)).is_err() {
                return Ok(total);
            }
            total += read as u64;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out its bytes a few at a time, interrupted once, then fails if told to.
    struct Trickle {
        bytes: Vec<u8>,
        at: usize,
        interrupted: bool,
        fail_at_end: bool,
    }

    impl Read for Trickle {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            if !self.interrupted && self.at > CHUNK {
                self.interrupted = true;
                return Err(io::ErrorKind::Interrupted.into());
            }
            if self.at == self.bytes.len() && self.fail_at_end {
                return Err(io::Error::other("the disk went away"));
            }
            let size = buffer.len().min(7_777).min(self.bytes.len() - self.at);
            buffer[..size].copy_from_slice(&self.bytes[self.at..self.at + size]);
            self.at += size;
            Ok(size)
        }
    }

    fn trickle(fail_at_end: bool) -> Trickle {
        Trickle {
            bytes: (0..5 * CHUNK + 123)
                .map(|index| (index % 251) as u8)
                .collect(),
            at: 0,
            interrupted: false,
            fail_at_end,
        }
    }

    #[test]
    fn every_byte_reaches_the_consumer_in_order_up_to_the_limit() {
        let mut reader = trickle(false);
        let expected = reader.bytes.clone();
        for limit in [u64::MAX, 3 * CHUNK as u64 + 5, 0] {
            let mut reader = trickle(false);
            let mut seen = Vec::new();
            let total = for_each_chunk(&mut reader, limit, |chunk| seen.extend_from_slice(chunk));
            let want = expected.len().min(limit as usize);
            assert_eq!(total.unwrap(), want as u64);
            assert_eq!(seen, expected[..want]);
        }
        assert_eq!(
            for_each_chunk(&mut reader, u64::MAX, |_| {}).unwrap(),
            5 * CHUNK as u64 + 123
        );
    }

    #[test]
    fn a_read_error_is_returned_after_what_came_before_it_was_consumed() {
        let mut reader = trickle(true);
        let mut seen = 0usize;
        let err = for_each_chunk(&mut reader, u64::MAX, |chunk| seen += chunk.len()).unwrap_err();
        assert_eq!(err.to_string(), "the disk went away");
        assert_eq!(seen, 5 * CHUNK + 123);
    }
}

//! Reading what the user hands a command: a file byte for byte, or standard input for `-` (or no
//! path at all), with the name messages use for it; whole, or, past a size, its first bytes and
//! a reader for the rest, so that a large body can be hashed as it streams by.

use std::io::Read;
use std::path::Path;

use anyhow::Context;

/// An input opened with a limit on what is held.
pub enum Opened {
    /// All of it, within the limit.
    Whole(Vec<u8>),
    /// More than the limit: its first bytes, and the rest to read.
    Large { head: Vec<u8>, rest: Box<dyn Read> },
}

/// Opens a file, or stdin for `-` or no path, holding at most `hold` bytes.
pub fn open(path: Option<&Path>, hold: usize) -> anyhow::Result<Opened> {
    let (mut reader, name): (Box<dyn Read>, String) = match file(path) {
        Some(path) => {
            let file = std::fs::File::open(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            (Box::new(file), path.display().to_string())
        }
        None => (Box::new(std::io::stdin()), "standard input".to_string()),
    };
    let mut head = Vec::new();
    (&mut reader)
        .take(hold as u64 + 1)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {name}"))?;
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
pub fn read(path: Option<&Path>) -> anyhow::Result<Vec<u8>> {
    match file(path) {
        Some(path) => {
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
        }
        None => {
            let mut body = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut body)
                .context("cannot read standard input")?;
            Ok(body)
        }
    }
}

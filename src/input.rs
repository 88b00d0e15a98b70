//! Reading what the user hands a command: a file byte for byte, or standard input for `-` (or no
//! path at all), with the name messages use for it.

use std::io::Read;
use std::path::Path;

use anyhow::Context;

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

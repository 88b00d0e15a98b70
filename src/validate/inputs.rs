//! What `validate PATH...` means by its paths: files, folders searched recursively for `*.json`
//! and `*.jsonl`, glob patterns, and `-` for stdin. Each path that yields nothing is a problem.

use std::fs;
use std::path::{Path, PathBuf};

/// A path that yields nothing to validate, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The path as given.
    pub path: String,
    /// `not_found`, `permission_denied`, `no_payload_files`, `bad_glob` or `io`.
    pub kind: &'static str,
    /// Why, in words.
    pub message: String,
}

impl Unreadable {
    fn new(path: &str, kind: &'static str, message: impl Into<String>) -> Self {
        Unreadable {
            path: path.to_string(),
            kind,
            message: message.into(),
        }
    }

    /// An I/O failure on `path`, in a few plain words (no "os error 2"); a path that may name
    /// a file or a folder and names neither is "no such file or folder".
    pub fn io(path: &str, err: &std::io::Error) -> Self {
        match crate::input::words(err) {
            ("not_found", _) => Self::new(path, "not_found", "no such file or folder"),
            (kind, message) => Self::new(path, kind, message),
        }
    }
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// One thing to read and validate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

impl Input {
    /// The name reports use: the path as found, or `<stdin>`.
    pub fn name(&self) -> String {
        match self {
            Input::File(path) => {
                let name = path.display().to_string();
                match name.strip_prefix("./") {
                    Some(rest) if !rest.is_empty() => rest.to_string(),
                    _ => name,
                }
            }
            Input::Stdin => "<stdin>".to_string(),
        }
    }

    /// Whether the input holds one payload per line.
    pub fn is_json_lines(&self) -> bool {
        matches!(self, Input::File(path) if path.extension().is_some_and(|ext| ext == "jsonl"))
    }
}

/// The inputs the paths name, in order, and one problem per path that names none.
pub fn expand(paths: &[String]) -> (Vec<Input>, Vec<Unreadable>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for raw in paths {
        if raw == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let path = Path::new(raw);
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = inputs.len();
                if let Err(err) = walk(path, &mut inputs) {
                    problems.push(Unreadable::io(raw, &err));
                } else if inputs.len() == before {
                    problems.push(Unreadable::new(
                        raw,
                        "no_payload_files",
                        "no *.json or *.jsonl files in this folder: nothing to validate",
                    ));
                }
            }
            Ok(_) => inputs.push(Input::File(path.to_path_buf())),
            Err(_) if is_glob(raw) => {
                let before = inputs.len();
                match glob::glob(raw) {
                    Err(err) => problems.push(Unreadable::new(
                        raw,
                        "bad_glob",
                        format!("not a valid glob pattern: {err}"),
                    )),
                    Ok(matches) => {
                        for entry in matches {
                            match entry {
                                Ok(found) if found.is_dir() => {
                                    let _ = walk(&found, &mut inputs);
                                }
                                Ok(found) => {
                                    if is_payload_file(&found) {
                                        inputs.push(Input::File(found));
                                    }
                                }
                                Err(err) => problems.push(Unreadable::io(raw, err.error())),
                            }
                        }
                        if inputs.len() == before {
                            problems.push(Unreadable::new(
                                raw,
                                "no_payload_files",
                                "no *.json or *.jsonl files match: nothing to validate",
                            ));
                        }
                    }
                }
            }
            Err(err) => problems.push(Unreadable::io(raw, &err)),
        }
    }
    (inputs, problems)
}

fn is_glob(raw: &str) -> bool {
    raw.contains(['*', '?', '['])
}

fn is_payload_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext == "json" || ext == "jsonl")
}

/// Adds the payload files under `dir`, sorted, skipping hidden folders. Symbolic links to
/// folders are not followed (no loops); links to files are.
fn walk(dir: &Path, inputs: &mut Vec<Input>) -> std::io::Result<()> {
    let mut entries: Vec<(PathBuf, bool)> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|entry| {
            let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
            (entry.path(), is_dir)
        })
        .collect();
    entries.sort();
    for (path, is_dir) in entries {
        let hidden = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'));
        if is_dir {
            if !hidden {
                walk(&path, inputs)?;
            }
        } else if is_payload_file(&path) {
            inputs.push(Input::File(path));
        }
    }
    Ok(())
}

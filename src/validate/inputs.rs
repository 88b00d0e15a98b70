//! What `validate PATH...` means by its paths: files, folders searched recursively for `*.json`
//! and `*.jsonl`, glob patterns, and `-` for stdin. Each path that yields nothing is a problem.

use std::fs;
use std::path::{Path, PathBuf};

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

/// The inputs the paths name, in order, and one message per path that names none.
pub fn expand(paths: &[String]) -> (Vec<Input>, Vec<String>) {
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
                    problems.push(format!("{raw}: {err}"));
                } else if inputs.len() == before {
                    problems.push(format!(
                        "{raw}: no *.json or *.jsonl files in this folder: nothing to validate"
                    ));
                }
            }
            Ok(_) => inputs.push(Input::File(path.to_path_buf())),
            Err(_) if is_glob(raw) => {
                let before = inputs.len();
                match glob::glob(raw) {
                    Err(err) => problems.push(format!("{raw}: not a valid glob pattern: {err}")),
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
                                Err(err) => problems.push(format!("{raw}: {err}")),
                            }
                        }
                        if inputs.len() == before {
                            problems.push(format!(
                                "{raw}: no *.json or *.jsonl files match: nothing to validate"
                            ));
                        }
                    }
                }
            }
            Err(err) => problems.push(format!("{raw}: {}", plain_io(&err))),
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

/// An I/O error in a few plain words (no "os error 2").
pub fn plain_io(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => err.to_string(),
    }
}

//! Where a resolved value came from (a flag, the environment, a line of the project file, the
//! built-in default), places in the file as `path:line:column`, and errors that name them.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// A place in the project file: the path as shown to the user, and 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: Arc<str>,
    pub line: usize,
    pub column: usize,
}

impl Place {
    /// The place of byte `offset` in `text` (the column counts characters, not bytes).
    pub fn of_offset(file: &Arc<str>, text: &str, offset: usize) -> Place {
        let before = &text[..floor_char_boundary(text, offset)];
        let line_start = before.rfind('\n').map_or(0, |index| index + 1);
        Place {
            file: file.clone(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

/// The largest char boundary at or below `offset` (spans always fall on boundaries; this only
/// guards against a bug turning into a panic).
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A command-line flag, such as `--url`.
    Flag(&'static str),
    /// An environment variable.
    Env(String),
    /// A key of the project file (its dotted path, such as `profiles.local.url`).
    File { key: String, place: Place },
    /// The project file itself, found walking up from the current folder.
    Walk,
    /// The project file itself, found in the user's config folder.
    User,
    /// The built-in default.
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(name) => write!(f, "flag {name}"),
            Origin::Env(name) => write!(f, "env {name}"),
            Origin::File { place, .. } => write!(f, "{}:{}", place.file, place.line),
            Origin::Walk => f.write_str("found walking up from the current folder"),
            Origin::User => f.write_str("the user config file"),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// `origin` in `config show --format json` (schemas/output/config-show.schema.json).
#[derive(Debug, Serialize)]
pub struct OriginReport {
    kind: &'static str,
    name: Option<String>,
    path: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
}

impl From<&Origin> for OriginReport {
    fn from(origin: &Origin) -> Self {
        let plain = |kind, name: Option<String>| OriginReport {
            kind,
            name,
            path: None,
            line: None,
            column: None,
        };
        match origin {
            Origin::Flag(name) => plain("flag", Some(name.to_string())),
            Origin::Env(name) => plain("env", Some(name.clone())),
            Origin::File { key, place } => OriginReport {
                kind: "file",
                name: Some(key.clone()),
                path: Some(place.file.to_string()),
                line: Some(place.line),
                column: Some(place.column),
            },
            Origin::Walk => plain("walk", None),
            Origin::User => plain("user", None),
            Origin::Default => plain("default", None),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Resolved<T> {
    pub fn new(value: T, origin: Origin) -> Self {
        Resolved { value, origin }
    }
}

/// Something wrong at a place of the project file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct ConfigError {
    pub place: Place,
    pub message: String,
}

/// Every problem found in a project file, in the order of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    /// The first problem, and how many more `config check` lists.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(first) = self.0.first() else {
            return f.write_str("the project file is not valid");
        };
        write!(f, "{first}")?;
        match self.0.len() {
            1 => Ok(()),
            n => write!(
                f,
                " (and {} more: titancard-wh config check lists them)",
                n - 1
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns_in_characters() {
        let file: Arc<str> = Arc::from("t.toml");
        let text = "a = 1\né = \"x\"\n";
        let place = |offset| {
            let place = Place::of_offset(&file, text, offset);
            (place.line, place.column)
        };
        assert_eq!(place(0), (1, 1));
        assert_eq!(place(4), (1, 5));
        assert_eq!(place(6), (2, 1));
        // After the two-byte é, the column counts one character.
        assert_eq!(place(9), (2, 3));
        assert_eq!(place(99), (3, 1));
        assert_eq!(
            Place::of_offset(&file, text, 7).to_string(),
            "t.toml:2:1",
            "inside a character: the start of it"
        );
    }
}

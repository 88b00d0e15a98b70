//! Field paths for `--set`/`--unset`: dotted keys with array items as `[N]` or `.N`
//! (`data.title`, `data.tags[0]`, `data.tags.0`, `timestamp`), parsed strictly.

use std::fmt;

/// One step of a path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A parsed field path such as `data.tags[0]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    pub text: String,
    pub segments: Vec<Segment>,
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for FieldPath {
    type Err = PathError;

    fn from_str(text: &str) -> Result<Self, PathError> {
        parse_path(text)
    }
}

/// A path that cannot be parsed, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid path '{path}': {reason}")]
pub struct PathError {
    pub path: String,
    pub reason: String,
}

/// Parses `data.tags[0]`, `data.tags.0`, `timestamp`. Empty paths, empty segments (`data..x`)
/// and non-numeric indexes (`data.tags[x]`) are refused.
pub fn parse_path(text: &str) -> Result<FieldPath, PathError> {
    let bad = |reason: &str| PathError {
        path: text.to_string(),
        reason: reason.to_string(),
    };
    if text.is_empty() {
        return Err(bad("the path is empty"));
    }
    let mut segments = Vec::new();
    for part in text.split('.') {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if key.is_empty() && rest.is_empty() {
            return Err(bad(
                "empty segment (two dots in a row, or a leading or trailing dot)",
            ));
        }
        if key.contains(']') {
            return Err(bad("']' without '['"));
        }
        if !key.is_empty() {
            // A bare number after a dot is an array index (`data.tags.0`), except first.
            match key.parse::<usize>() {
                Ok(index) if !segments.is_empty() => segments.push(Segment::Index(index)),
                _ => segments.push(Segment::Key(key.to_string())),
            }
        } else if segments.is_empty() {
            return Err(bad("a path starts with a field name, such as data"));
        }
        while !rest.is_empty() {
            let Some(close) = rest.find(']') else {
                return Err(bad("'[' without ']'"));
            };
            let inner = &rest[1..close];
            let index = inner.parse::<usize>().map_err(|_| {
                bad(&format!(
                    "'[{inner}]' is not an array index (use a number, such as [0])"
                ))
            })?;
            segments.push(Segment::Index(index));
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(bad("unexpected text after ']'"));
            }
        }
    }
    Ok(FieldPath {
        text: text.to_string(),
        segments,
    })
}

/// `prefix` segments followed by `last`, in path syntax.
pub fn render(prefix: &[Segment], last: &str) -> String {
    let mut text = String::new();
    for segment in prefix {
        match segment {
            Segment::Key(key) if text.is_empty() => text.push_str(key),
            Segment::Key(key) => {
                text.push('.');
                text.push_str(key);
            }
            Segment::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    if !text.is_empty() {
        text.push('.');
    }
    text.push_str(last);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_with_both_index_forms() {
        let expected = vec![
            Segment::Key("data".into()),
            Segment::Key("tags".into()),
            Segment::Index(0),
        ];
        assert_eq!(parse_path("data.tags[0]").unwrap().segments, expected);
        assert_eq!(parse_path("data.tags.0").unwrap().segments, expected);
        for bad in [
            "",
            "data..x",
            "data.tags[x]",
            "data.tags[0",
            ".data",
            "data.",
            "[0]",
        ] {
            assert!(matches!(parse_path(bad), Err(PathError { .. })), "{bad}");
        }
    }
}

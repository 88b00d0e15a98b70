//! Where a JSON pointer's value sits in the source text, as a 1-based line and column (in
//! characters), so every validation error can name `file:line:column`.
//!
//! The text has already been parsed by serde_json, so the scanner only walks valid JSON: it
//! follows the pointer's tokens and skips every other value without building it.

use crate::json_pointer;

/// A place in a text: 1-based line and 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// The position of the value a JSON pointer designates in `text` (a valid JSON document), or of
/// the deepest value on the way when the pointer leads nowhere (a missing key: its object).
pub fn locate(text: &str, pointer: &str) -> Position {
    position_at(text, value_offset(text.as_bytes(), pointer))
}

/// The position of a byte offset in `text`.
pub fn position_at(text: &str, offset: usize) -> Position {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |newline| newline + 1);
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Position { line, column }
}

/// The position of serde_json's (line, byte column) in `text`, with the column in characters.
pub fn from_line_and_byte_column(text: &str, line: usize, byte_column: usize) -> Position {
    let line_start = if line <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', text.as_bytes())
            .nth(line - 2)
            .map_or(text.len(), |newline| newline + 1)
    };
    position_at(text, line_start + byte_column.saturating_sub(1))
}

fn value_offset(bytes: &[u8], pointer: &str) -> usize {
    let mut at = skip_whitespace(bytes, 0);
    for token in json_pointer::tokens(pointer) {
        match child_offset(bytes, at, &token) {
            Some(child) => at = child,
            None => break,
        }
    }
    at
}

/// The offset of the child `token` of the object or array starting at `at`.
fn child_offset(bytes: &[u8], at: usize, token: &str) -> Option<usize> {
    match bytes.get(at)? {
        b'{' => {
            let mut i = skip_whitespace(bytes, at + 1);
            let mut found = None;
            while bytes.get(i) == Some(&b'"') {
                let key_end = string_end(bytes, i);
                let key: Option<String> = serde_json::from_slice(&bytes[i..key_end]).ok();
                i = skip_whitespace(bytes, key_end);
                i = skip_whitespace(bytes, i + 1); // the colon
                if key.as_deref() == Some(token) {
                    // serde_json keeps the last of duplicate keys; so does this.
                    found = Some(i);
                }
                i = skip_whitespace(bytes, value_end(bytes, i));
                if bytes.get(i) == Some(&b',') {
                    i = skip_whitespace(bytes, i + 1);
                }
            }
            found
        }
        b'[' => {
            let wanted: usize = token.parse().ok()?;
            let mut i = skip_whitespace(bytes, at + 1);
            for _ in 0..wanted {
                if bytes.get(i) == Some(&b']') {
                    return None;
                }
                i = skip_whitespace(bytes, value_end(bytes, i));
                if bytes.get(i) != Some(&b',') {
                    return None;
                }
                i = skip_whitespace(bytes, i + 1);
            }
            (bytes.get(i) != Some(&b']')).then_some(i)
        }
        _ => None,
    }
}

fn skip_whitespace(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The offset just past the string starting at `i` (its opening quote).
fn string_end(bytes: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    bytes.len()
}

/// The offset just past the value starting at `i`.
fn value_end(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i) {
        Some(b'"') => string_end(bytes, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < bytes.len() {
                match bytes[j] {
                    b'"' => {
                        j = string_end(bytes, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            bytes.len()
        }
        _ => {
            let mut j = i;
            while j < bytes.len()
                && !matches!(bytes[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            j
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\n  \"event\": \"x\",\n  \"data\": {\"a/b\": [1, {\"k\": \"\\\"v\"}],\n    \"é\": \"é\", \"z\": 2}\n}";

    #[test]
    fn pointers_find_their_values() {
        let at = |pointer| locate(TEXT, pointer);
        assert_eq!(at(""), Position { line: 1, column: 1 });
        assert_eq!(
            at("/event"),
            Position {
                line: 2,
                column: 12
            }
        );
        assert_eq!(
            at("/data/a~1b/1/k"),
            Position {
                line: 3,
                column: 29
            }
        );
        assert_eq!(
            at("/data/z"),
            Position {
                line: 4,
                column: 20
            }
        );
        // A missing key points at its object.
        assert_eq!(
            at("/data/missing"),
            Position {
                line: 3,
                column: 11
            }
        );
        assert_eq!(
            at("/data/a~1b/7"),
            Position {
                line: 3,
                column: 19
            }
        );
    }

    #[test]
    fn serde_byte_columns_become_character_columns() {
        assert_eq!(
            from_line_and_byte_column(TEXT, 4, 17),
            Position {
                line: 4,
                column: 15
            }
        );
    }
}

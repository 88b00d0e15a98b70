//! Python source for the exported files: string literals, a `Template` as a bytes literal for
//! Python's `%` operator (`%(contact)s` for an id, `%(now+3)d` for a time) wrapped over lines,
//! numbers, class names and docstring text.

use std::collections::BTreeSet;
use std::time::Duration;

use super::template::{Part, Template};

/// How wide a line of a wrapped bytes literal may grow (the quotes and `b` included).
const WIDTH: usize = 96;

/// A Python `str` literal of `text`, in double quotes.
pub fn str_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            ch if ch.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(ch))),
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}

/// `text` as a Python string literal, split at spaces into adjacent literals (joined by the
/// compiler) of at most `WIDTH` columns, each line after the first indented by `indent` spaces.
pub fn wrapped_str_literal(text: &str, indent: usize) -> String {
    let room = WIDTH.saturating_sub(indent + 2).max(20);
    let mut pieces: Vec<String> = Vec::new();
    let mut piece = String::new();
    for word in text.split_inclusive(' ') {
        if !piece.is_empty() && str_literal(&piece).len() - 2 + str_literal(word).len() - 2 > room {
            pieces.push(std::mem::take(&mut piece));
        }
        piece.push_str(word);
    }
    pieces.push(piece);
    let pad = " ".repeat(indent);
    pieces
        .iter()
        .map(|piece| str_literal(piece))
        .collect::<Vec<_>>()
        .join(&format!("\n{pad}"))
}

/// The `%`-key of a time `offset` milliseconds after the base: `now`, `now+3`.
pub fn time_key(offset: u64) -> String {
    if offset == 0 {
        "now".to_string()
    } else {
        format!("now+{offset}")
    }
}

/// `template` as adjacent Python bytes literals (joined by the compiler), one per line, each line
/// after the first indented by `indent` spaces; `slot_names[n]` names the id hole `n`. The bytes
/// are exactly the template's: a `%` is written `%%`, anything outside printable ASCII `\xNN`.
pub fn bytes_literal(template: &Template, slot_names: &[String], indent: usize) -> String {
    // The pieces that must stay on one line: a character, an escape or a hole.
    let mut tokens: Vec<String> = Vec::new();
    for part in template.parts() {
        match part {
            Part::Literal(bytes) => tokens.extend(bytes.iter().map(|byte| byte_token(*byte))),
            Part::Id(slot) => tokens.push(format!("%({})s", slot_names[*slot])),
            Part::Time(offset) => tokens.push(format!("%({})d", time_key(*offset))),
        }
    }
    let room = WIDTH.saturating_sub(indent + 3).max(20);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    // Where the line may break best: after the last comma that ends a JSON member (one followed
    // by a quote: a comma inside a string is followed by a space or a letter).
    let mut last_comma: Option<usize> = None;
    let mut after_comma = false;
    for token in tokens {
        if after_comma && token == "\"" {
            last_comma = Some(line.len());
        }
        after_comma = token == ",";
        if line.len() + token.len() > room && !line.is_empty() {
            match last_comma.filter(|at| *at > room / 2) {
                Some(at) => {
                    let rest = line.split_off(at);
                    lines.push(std::mem::replace(&mut line, rest));
                }
                None => lines.push(std::mem::take(&mut line)),
            }
            last_comma = None;
        }
        line.push_str(&token);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    let pad = " ".repeat(indent);
    lines
        .iter()
        .map(|line| format!("b'{line}'"))
        .collect::<Vec<_>>()
        .join(&format!("\n{pad}"))
}

/// One byte as it stands in a single-quoted Python bytes literal used with `%`.
fn byte_token(byte: u8) -> String {
    match byte {
        b'\\' => "\\\\".to_string(),
        b'\'' => "\\'".to_string(),
        b'%' => "%%".to_string(),
        0x20..=0x7e => char::from(byte).to_string(),
        _ => format!("\\x{byte:02x}"),
    }
}

/// A Python tuple of time offsets: `(0,)`, `(0, 3)`.
pub fn times_tuple(offsets: &BTreeSet<u64>) -> String {
    match offsets.len() {
        1 => format!("({},)", offsets.iter().next().unwrap_or(&0)),
        _ => format!(
            "({})",
            offsets
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Seconds as a Python float: `30.0`, `0.25`.
pub fn python_seconds(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds.fract() == 0.0 {
        format!("{seconds:.1}")
    } else {
        format!("{seconds}")
    }
}

/// A story's name as a Python class name: `contact-lifecycle` is `ContactLifecycle`.
pub fn class_name(story: &str) -> String {
    let mut name: String = story
        .split(|ch: char| !ch.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    if !name.starts_with(|ch: char| ch.is_ascii_alphabetic()) {
        name.insert_str(0, "Story");
    }
    name
}

/// Text wrapped at 96 columns, for the docstring.
pub fn wrap(text: &str) -> String {
    let mut lines = Vec::new();
    for paragraph in text.split("\n\n") {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > 96 {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
        lines.push(String::new());
    }
    lines.pop();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_what_python_needs() {
        assert_eq!(str_literal(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(str_literal("line\nnext\u{1}"), r#""line\nnext\u0001""#);
        assert_eq!(str_literal("José"), "\"José\"");
    }

    #[test]
    fn long_strings_wrap_at_spaces_into_adjacent_literals() {
        let text = "word ".repeat(40) + "\"quoted\"";
        let literal = wrapped_str_literal(&text, 8);
        let lines: Vec<&str> = literal.lines().collect();
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|line| line.len() <= WIDTH), "{literal}");
        assert!(lines[1].starts_with("        \"word"), "{literal}");
        let joined: String = lines
            .iter()
            .map(|line| {
                let inner = line
                    .trim()
                    .strip_prefix('"')
                    .unwrap()
                    .strip_suffix('"')
                    .unwrap();
                inner.replace("\\\"", "\"")
            })
            .collect();
        assert_eq!(joined, text);
        assert_eq!(wrapped_str_literal("short", 4), "\"short\"");
    }

    #[test]
    fn bytes_escape_percent_quotes_and_non_ascii() {
        let template = Template::cut(
            "{\"a\":\"50% 'b' é\\\\\",\"t\":3000000000001}".as_bytes(),
            &[],
            3_000_000_000_000,
            5,
        );
        let literal = bytes_literal(&template, &[], 4);
        assert_eq!(
            literal,
            r#"b'{"a":"50%% \'b\' \xc3\xa9\\\\","t":%(now+1)d}'"#
        );
    }

    #[test]
    fn long_bodies_wrap_after_a_comma_and_never_inside_a_hole() {
        let body = format!(
            "{{{}\"id\":\"j57xyz789ghi\"}}",
            "\"key\":\"value\",".repeat(20)
        );
        let template = Template::cut(body.as_bytes(), &["j57xyz789ghi".to_string()], 0, 0);
        let literal = bytes_literal(&template, &["contact".to_string()], 8);
        let lines: Vec<&str> = literal.lines().collect();
        assert!(lines.len() > 2, "{literal}");
        for line in &lines {
            assert!(line.len() <= WIDTH, "{line}");
            assert!(
                line.trim_start().starts_with("b'") && line.ends_with('\''),
                "{line}"
            );
        }
        assert!(lines[0].ends_with(",'"), "{literal}");
        assert!(literal.contains("%(contact)s"), "{literal}");
        assert!(lines[1].starts_with("        b'"), "{literal}");
        // A comma inside a string is no place to break.
        let body = format!("{{\"a\":\"{}, {}\"}}", "x".repeat(60), "y".repeat(60));
        let literal = bytes_literal(&Template::cut(body.as_bytes(), &[], 0, 0), &[], 8);
        assert!(!literal.contains(",'"), "{literal}");
    }

    #[test]
    fn class_names_are_python_identifiers() {
        assert_eq!(class_name("contact-lifecycle"), "ContactLifecycle");
        assert_eq!(class_name("vip onboarding_2"), "VipOnboarding2");
        assert_eq!(class_name("3-steps"), "Story3Steps");
    }

    #[test]
    fn seconds_read_as_python_floats() {
        assert_eq!(python_seconds(Duration::from_secs(30)), "30.0");
        assert_eq!(python_seconds(Duration::from_millis(250)), "0.25");
    }
}

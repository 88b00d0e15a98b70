//! The string literals of a Rust source file, as the program sees them: escapes read, a line
//! continuation (`\` at the end of a line) with the next line's indentation dropped, raw strings
//! as they are; comments and character literals skipped.

/// One literal and the line it starts on.
pub struct Literal {
    pub line: usize,
    pub text: String,
}

/// Every string literal of `source`, in order.
pub fn literals(source: &str) -> Vec<Literal> {
    let chars: Vec<char> = source.chars().collect();
    let mut found = Vec::new();
    let mut line = 1;
    let mut at = 0;
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    while at < chars.len() {
        let c = chars[at];
        let before = at.checked_sub(1).map(|i| chars[i]);
        match c {
            '\n' => {
                line += 1;
                at += 1;
            }
            '/' if chars.get(at + 1) == Some(&'/') => {
                while at < chars.len() && chars[at] != '\n' {
                    at += 1;
                }
            }
            '/' if chars.get(at + 1) == Some(&'*') => {
                at += 2;
                while at < chars.len() && !(chars[at] == '*' && chars.get(at + 1) == Some(&'/')) {
                    line += usize::from(chars[at] == '\n');
                    at += 1;
                }
                at += 2;
            }
            '\'' => {
                // A character literal ('x', '\n', '"'), or a lifetime ('a), which is left as is.
                if chars.get(at + 1) == Some(&'\\') {
                    at += 2;
                    while at < chars.len() && chars[at] != '\'' {
                        at += 1;
                    }
                    at += 1;
                } else if chars.get(at + 2) == Some(&'\'') {
                    at += 3;
                } else {
                    at += 1;
                }
            }
            'r' if !before.is_some_and(ident) && raw_start(&chars, at + 1).is_some() => {
                let (hashes, open) = raw_start(&chars, at + 1).expect("checked above");
                let start_line = line;
                let mut text = String::new();
                at = open + 1;
                while at < chars.len() {
                    if chars[at] == '"' && (0..hashes).all(|i| chars.get(at + 1 + i) == Some(&'#'))
                    {
                        at += 1 + hashes;
                        break;
                    }
                    line += usize::from(chars[at] == '\n');
                    text.push(chars[at]);
                    at += 1;
                }
                found.push(Literal {
                    line: start_line,
                    text,
                });
            }
            '"' => {
                let start_line = line;
                let mut text = String::new();
                at += 1;
                while at < chars.len() && chars[at] != '"' {
                    if chars[at] == '\\' {
                        let next = chars.get(at + 1).copied().unwrap_or(' ');
                        at += 2;
                        match next {
                            '\n' => {
                                line += 1;
                                while at < chars.len() && chars[at].is_whitespace() {
                                    line += usize::from(chars[at] == '\n');
                                    at += 1;
                                }
                            }
                            'n' => text.push('\n'),
                            'r' => text.push('\r'),
                            't' => text.push('\t'),
                            '0' => text.push('\0'),
                            'u' => {
                                while at < chars.len() && chars[at] != '}' {
                                    at += 1;
                                }
                                at += 1;
                                text.push('?');
                            }
                            'x' => {
                                at += 2;
                                text.push('?');
                            }
                            other => text.push(other),
                        }
                        continue;
                    }
                    line += usize::from(chars[at] == '\n');
                    text.push(chars[at]);
                    at += 1;
                }
                at += 1;
                found.push(Literal {
                    line: start_line,
                    text,
                });
            }
            _ => at += 1,
        }
    }
    found
}

/// Where a raw string starts after its `r`: how many `#` it uses and the index of its `"`.
fn raw_start(chars: &[char], mut at: usize) -> Option<(usize, usize)> {
    let mut hashes = 0;
    while chars.get(at) == Some(&'#') {
        hashes += 1;
        at += 1;
    }
    (chars.get(at) == Some(&'"')).then_some((hashes, at))
}

/// A run of three or more spaces inside a sentence: after two words on the same line of the
/// text, before more text. Indentation (at a line's start), columns after a one-word label
/// (`status   200`) and a help example's aligned comment (`send --all    # …`) are not holes.
pub fn hole(text: &str) -> Option<&str> {
    for line in text.split('\n') {
        let bytes = line.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            if bytes[at] != b' ' {
                at += 1;
                continue;
            }
            let run_start = at;
            while at < bytes.len() && bytes[at] == b' ' {
                at += 1;
            }
            let run = at - run_start;
            let words_before = line[..run_start].split_whitespace().count();
            let leading = line[..run_start].trim().is_empty();
            let comment = bytes.get(at) == Some(&b'#');
            if run >= 3 && !leading && !comment && at < bytes.len() && words_before >= 2 {
                let before = line[..run_start].trim_end();
                let sentence = before.split("  ").last().unwrap_or(before);
                if sentence.split_whitespace().count() >= 2 {
                    return Some(line);
                }
            }
        }
    }
    None
}

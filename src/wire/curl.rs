//! A request as a curl command to paste into a POSIX shell: `sign --curl` and the inspector's
//! "Copy as curl". The body goes out byte for byte (`--data-binary`, never `-d`, which strips
//! newlines); the command holds the signature header, never a secret.

use crate::headers::Headers;

/// Where curl takes the body from.
pub enum CurlBody<'a> {
    /// A file (`@path`), or stdin (`@-`).
    File(&'a str),
    /// The bytes themselves, written into the command.
    Bytes(&'a [u8]),
}

/// `curl -sS -X POST 'URL' -H 'Name: value' … --data-binary …`, one option a line. Text bodies
/// are single-quoted in place; a body a shell string cannot hold (not UTF-8, or with a NUL) is
/// piped in from `printf` with octal escapes, which POSIX printf turns back into the same bytes.
pub fn command(url: &str, headers: &Headers, body: CurlBody<'_>) -> String {
    let (prefix, data) = match body {
        CurlBody::File(path) => (String::new(), shell_quote(&format!("@{path}"))),
        CurlBody::Bytes(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) if !text.contains('\0') => (String::new(), shell_quote(text)),
            _ => (
                format!("printf {} | ", printf_escaped(bytes)),
                "@-".to_string(),
            ),
        },
    };
    let mut command = format!("{prefix}curl -sS -X POST {}", shell_quote(url));
    for (name, value) in headers.iter() {
        command.push_str(&format!(
            " \\\n  -H {}",
            shell_quote(&format!("{name}: {value}"))
        ));
    }
    command.push_str(&format!(" \\\n  --data-binary {data}"));
    command
}

/// Quotes for POSIX shells: single quotes, with embedded single quotes closed and escaped.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A single-quoted printf format that prints exactly `bytes`: printable ASCII as itself (`%` and
/// `\` doubled), everything else as a `\ooo` octal escape (and a leading `-` too, which printf
/// would take for an option).
fn printf_escaped(bytes: &[u8]) -> String {
    let mut format = String::with_capacity(bytes.len() * 2);
    for (index, &byte) in bytes.iter().enumerate() {
        match byte {
            b'%' => format.push_str("%%"),
            b'\\' => format.push_str(r"\\"),
            b'-' if index == 0 => format.push_str(r"\055"),
            b' '..=b'~' if byte != b'\'' => format.push(byte as char),
            _ => format.push_str(&format!("\\{byte:03o}")),
        }
    }
    format!("'{format}'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_survive_the_shell() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn bodies_a_shell_string_cannot_hold_are_piped_from_printf() {
        let headers: Headers = [("Content-Type", "application/json")].into_iter().collect();
        let text = command(
            "http://x/webhook",
            &headers,
            CurlBody::Bytes(b"{\"a\":\"it's\"}\n"),
        );
        assert!(
            text.ends_with("--data-binary '{\"a\":\"it'\\''s\"}\n'"),
            "{text}"
        );
        let binary = command(
            "http://x/webhook",
            &headers,
            CurlBody::Bytes(&[0xff, b'%', 0]),
        );
        assert!(
            binary.starts_with(r"printf '\377%%\000' | curl"),
            "{binary}"
        );
        assert!(binary.ends_with("--data-binary @-"), "{binary}");
    }

    #[test]
    fn the_printf_format_gives_back_the_bytes() {
        let mut bytes: Vec<u8> = vec![b'-'];
        bytes.extend(0..=255);
        let format = printf_escaped(&bytes);
        let output = std::process::Command::new("sh")
            .args(["-c", &format!("printf {format}")])
            .output()
            .unwrap();
        assert_eq!(output.stdout, bytes);
    }
}

//! A request as a curl command to paste into a POSIX shell: the same headers (the signature, never
//! the secret) and the exact body bytes, from a file or embedded in the command.

use std::path::Path;

use crate::headers::Headers;

/// Where the command takes the body from.
pub enum Body<'a> {
    /// A file, sent byte for byte with `--data-binary @FILE`.
    File(&'a Path),
    /// These bytes, embedded in the command.
    Bytes(&'a [u8]),
}

/// `curl -sS -X POST URL -H … --data-binary …`, one header a line. Text without NUL is embedded
/// single-quoted (`--data-raw` when it starts with `@`, which `--data-binary` would read as a
/// file name); any other bytes are written by `printf` with octal escapes and piped in.
pub fn command(url: &str, headers: &Headers, body: Body<'_>) -> String {
    let mut flags = String::new();
    for (name, value) in headers.iter() {
        flags.push_str(&format!(" \\\n  -H {}", quote(&format!("{name}: {value}"))));
    }
    let curl = format!("curl -sS -X POST {}{flags}", quote(url));
    match body {
        Body::File(path) => format!(
            "{curl} \\\n  --data-binary {}",
            quote(&format!("@{}", path.display()))
        ),
        Body::Bytes(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) if !text.contains('\0') => {
                let flag = if text.starts_with('@') {
                    "--data-raw"
                } else {
                    "--data-binary"
                };
                format!("{curl} \\\n  {flag} {}", quote(text))
            }
            _ => format!(
                "printf '{}' | {curl} \\\n  --data-binary @-",
                printf_escaped(bytes)
            ),
        },
    }
}

/// Quotes for POSIX shells: single quotes, with embedded single quotes closed and escaped.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Bytes as a `printf` format that prints exactly them: printable ASCII as is (`%` and `\`
/// doubled), everything else as `\ooo`, and never a single quote (nor a leading `-`, which
/// printf would take for an option).
fn printf_escaped(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for (index, &byte) in bytes.iter().enumerate() {
        match byte {
            b'%' => text.push_str("%%"),
            b'-' if index == 0 => text.push_str("\\055"),
            b'\\' => text.push_str("\\\\"),
            b' '..=b'~' if byte != b'\'' => text.push(byte as char),
            _ => text.push_str(&format!("\\{byte:03o}")),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(command: &str) -> Vec<u8> {
        // The command with curl replaced by a program that prints what it would send.
        let script = command.replacen("curl -sS -X POST", "fake_curl", 1);
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "fake_curl() {{ while [ $# -gt 1 ]; do shift; done; \
                 case \"$1\" in @-) cat ;; *) printf '%s' \"$1\" ;; esac; }}; {script}"
            ))
            .output()
            .unwrap();
        output.stdout
    }

    #[test]
    fn quotes_survive_the_shell() {
        assert_eq!(quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn any_bytes_reach_curl_exactly() {
        let headers: Headers = [("X-Webhook-Signature", "sha256=ab")].into_iter().collect();
        for body in [
            &b"{\"a\":\"it's 100% \\\\ fine\"}\n"[..],
            &b"\x00\xff\x80'%\\\n\r\t"[..],
            &b"@etc/passwd"[..],
            &b"-\xff not an option"[..],
        ] {
            let command = command("http://x/", &headers, Body::Bytes(body));
            assert!(command.contains("-H 'X-Webhook-Signature: sha256=ab'"));
            if body.starts_with(b"@") {
                assert!(command.contains("--data-raw"), "{command}");
                continue;
            }
            assert_eq!(run(&command), body, "{command}");
        }
    }
}

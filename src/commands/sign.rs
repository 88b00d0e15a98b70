//! `sign [FILE|-]`: the X-Webhook-Signature value of a body, alone on stdout, or a ready curl
//! command with `--curl URL`.

use std::io::{Read, Write};
use std::path::Path;

use anyhow::Context;

use crate::Outcome;
use crate::cli::SignArgs;
use crate::delivery::{check_url, webhook_headers};
use crate::secret::Secrets;
use crate::signature::sign;

/// Runs `sign`.
pub fn run(args: SignArgs) -> anyhow::Result<Outcome> {
    let secrets = Secrets::resolve(&args.secret)?;
    let body = read_input(args.file.as_deref())?;
    let signature = sign(secrets.primary(), &body);
    let mut out = std::io::stdout().lock();
    match args.curl {
        None => writeln!(out, "{signature}")?,
        Some(url) => {
            check_url(&url)?;
            let event = event_name(&body).unwrap_or_else(|| "unknown".to_string());
            writeln!(
                out,
                "{}",
                curl_command(&url, &event, &signature, args.file.as_deref())
            )?;
        }
    }
    Ok(Outcome::Success)
}

/// Reads a file, or stdin for `-` or no path, byte for byte.
pub fn read_input(path: Option<&Path>) -> anyhow::Result<Vec<u8>> {
    match path {
        None => read_stdin(),
        Some(path) if path.as_os_str() == "-" => read_stdin(),
        Some(path) => {
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
        }
    }
}

fn read_stdin() -> anyhow::Result<Vec<u8>> {
    let mut body = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut body)
        .context("cannot read standard input")?;
    Ok(body)
}

/// The `event` field of a JSON body, when it has one.
pub fn event_name(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        event: String,
    }
    serde_json::from_slice::<Envelope>(body)
        .ok()
        .map(|envelope| envelope.event)
}

/// A curl command that sends the file (or stdin) byte for byte with the four headers.
/// `--data-binary @FILE` keeps the bytes exactly; `-d` would strip newlines.
fn curl_command(url: &str, event: &str, signature: &str, file: Option<&Path>) -> String {
    let data = match file {
        Some(path) if path.as_os_str() != "-" => format!("@{}", path.display()),
        _ => "@-".to_string(),
    };
    let mut command = format!("curl -sS -X POST {}", shell_quote(url));
    for (name, value) in webhook_headers(event, Some(signature.to_string())) {
        command.push_str(&format!(
            " \\\n  -H {}",
            shell_quote(&format!("{name}: {value}"))
        ));
    }
    command.push_str(&format!(" \\\n  --data-binary {}", shell_quote(&data)));
    command
}

/// Quotes for POSIX shells: single quotes, with embedded single quotes closed and escaped.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_survive_the_shell() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}

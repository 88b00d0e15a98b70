//! `sign [FILE|-]`: the X-Webhook-Signature value of a body, alone on stdout, or a ready curl
//! command with `--curl URL`.

use std::io::Write;
use std::path::Path;

use crate::Outcome;
use crate::cli::SignArgs;
use crate::input;
use crate::payload::event_name;
use crate::signature::sign;
use crate::wire::{WebhookUrl, webhook_headers};

/// Runs `sign`.
pub fn run(args: SignArgs) -> anyhow::Result<Outcome> {
    let secrets = args.secret.resolve()?;
    let body = input::read(args.file.as_deref())?;
    let signature = sign(secrets.primary(), &body);
    let mut out = std::io::stdout().lock();
    match args.curl {
        None => writeln!(out, "{signature}")?,
        Some(url) => {
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

/// A curl command that sends the file (or stdin) byte for byte with the four headers.
/// `--data-binary @FILE` keeps the bytes exactly; `-d` would strip newlines.
fn curl_command(url: &WebhookUrl, event: &str, signature: &str, file: Option<&Path>) -> String {
    let data = match input::file(file) {
        Some(path) => format!("@{}", path.display()),
        None => "@-".to_string(),
    };
    let mut command = format!("curl -sS -X POST {}", shell_quote(url.as_str()));
    for (name, value) in webhook_headers(event, Some(signature.to_string())).iter() {
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

//! `sign [FILE|-]`: the X-Webhook-Signature value of a body, alone on stdout, or a ready curl
//! command with `--curl URL`.

use std::io::Write;
use std::path::Path;

use crate::Outcome;
use crate::cli::SignArgs;
use crate::input;
use crate::payload::event_name;
use crate::signature::sign;
use crate::wire::curl::{self, CurlBody};
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
fn curl_command(url: &WebhookUrl, event: &str, signature: &str, file: Option<&Path>) -> String {
    let path = input::file(file).map_or_else(|| "-".to_string(), |path| path.display().to_string());
    let headers = webhook_headers(event, Some(signature.to_string()));
    curl::command(url.as_str(), &headers, CurlBody::File(&path))
}

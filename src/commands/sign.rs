//! `sign [FILE|-]`: the X-Webhook-Signature value of a body, alone on stdout, or a ready curl
//! command with `--curl URL`.

use std::io::Write;

use crate::Outcome;
use crate::cli::SignArgs;
use crate::config::Settings;
use crate::input;
use crate::output;
use crate::payload::event_name;
use crate::signature::sign;
use crate::wire::{curl, webhook_headers};

/// Runs `sign`.
pub fn run(args: SignArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let secrets = args.secret.resolve(settings)?;
    let file = args.file.as_deref();
    let body = input::read(file)?;
    if body.is_empty() {
        // The reference's code signs an empty body too, but it is not an event.
        output::warning(&format!(
            "{} is empty: this is the signature of an empty body, not of an event",
            input::name(file)
        ));
    }
    let signature = sign(secrets.primary(), &body);
    let mut out = std::io::stdout().lock();
    match args.curl {
        None => writeln!(out, "{signature}")?,
        Some(url) => {
            let event = event_name(&body).unwrap_or_else(|| "unknown".to_string());
            let headers = webhook_headers(&event, Some(signature));
            // A file is named (the bytes stay in it); a body read from stdin is embedded, since
            // a pasted `--data-binary @-` would wait for input.
            let body = match input::file(file) {
                Some(path) => curl::Body::File(path),
                None => curl::Body::Bytes(&body),
            };
            writeln!(out, "{}", curl::command(url.as_str(), &headers, body))?;
        }
    }
    Ok(Outcome::Success)
}

//! `sign [FILE|-]`: the X-Webhook-Signature value of a body, alone on stdout, or a ready curl
//! command with `--curl URL`.

use std::io::{Read, Write};

use crate::Outcome;
use crate::cli::SignArgs;
use crate::config::Settings;
use crate::input;
use crate::output;
use crate::payload::{envelope_head, event_name};
use crate::signature::{sign, signer};
use crate::wire::{curl, webhook_headers};

/// Inputs up to this size are read whole; a larger one is hashed as it streams by.
const HOLD: usize = 1024 * 1024;

/// Runs `sign`.
pub fn run(args: SignArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let secrets = args.secret.resolve(settings)?;
    let file = args.file.as_deref();
    let body = match input::open(file, HOLD)? {
        input::Opened::Whole(body) => body,
        // A curl command embeds a body read from stdin: that one is held.
        input::Opened::Large { head, mut rest }
            if args.curl.is_some() && input::file(file).is_none() =>
        {
            let mut body = head;
            rest.read_to_end(&mut body)?;
            body
        }
        input::Opened::Large { head, mut rest } => {
            return sign_streamed(&args, secrets.primary(), head, &mut rest);
        }
    };
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

/// Signs a large body as it is read; the event for `--curl` comes from its first bytes.
fn sign_streamed(
    args: &SignArgs,
    secret: &crate::secret::Secret,
    head: Vec<u8>,
    rest: &mut dyn Read,
) -> anyhow::Result<Outcome> {
    let mut mac = signer(secret).mac();
    mac.update(&head);
    input::for_each_chunk(rest, u64::MAX, |chunk| mac.update(chunk))?;
    let signature = mac.signature().to_string();
    let mut out = std::io::stdout().lock();
    match (&args.curl, input::file(args.file.as_deref())) {
        (Some(url), Some(path)) => {
            let event = envelope_head(&head)
                .event
                .unwrap_or_else(|| "unknown".to_string());
            let headers = webhook_headers(&event, Some(signature));
            writeln!(
                out,
                "{}",
                curl::command(url.as_str(), &headers, curl::Body::File(path))
            )?;
        }
        _ => writeln!(out, "{signature}")?,
    }
    Ok(Outcome::Success)
}

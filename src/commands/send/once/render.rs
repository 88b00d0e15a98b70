//! What `send` prints for people: a line per attempt (event, status, latency, the start of the
//! answer, the explainer's words), `-v`'s transcript, and `--dry-run`'s requests as on the wire.

use std::io::Write;
use std::time::Duration;

use colored::Colorize;

use super::prepare::Prepared;
use crate::output::truncate_for_display;
use crate::wire::explain;
use crate::wire::transcript;
use crate::wire::{Attempt, OutgoingRequest};

/// How much of a response body a human line shows.
const BODY_PREVIEW_CHARS: usize = 200;

/// One line per attempt: event, where it went (when a run reaches more than one URL), status,
/// latency, the start of the response body.
pub(super) fn print_attempt(
    out: &mut impl Write,
    item: &Prepared,
    destination: Option<&str>,
    attempt: &Attempt,
    numbered: bool,
    next: Option<Duration>,
) -> std::io::Result<()> {
    let mut event = item.event.bold().to_string();
    if let Some(destination) = destination {
        event.push_str(&format!(" → {destination}"));
    }
    let number = if numbered {
        format!("  attempt {}", attempt.number)
    } else {
        String::new()
    };
    let millis = format!("{:.1} ms", attempt.elapsed.as_secs_f64() * 1000.0);
    match &attempt.result {
        Ok(answer) => {
            let reason = hyper::StatusCode::from_u16(answer.status)
                .ok()
                .and_then(|code| code.canonical_reason())
                .unwrap_or("");
            let status = format!("{} {reason}", answer.status);
            let status = match answer.status {
                200..=299 => status.green().bold(),
                300..=399 => status.yellow().bold(),
                _ => status.red().bold(),
            };
            let mut text = String::from_utf8_lossy(&answer.body)
                .trim()
                .replace('\n', " ");
            text = truncate_for_display(&text, BODY_PREVIEW_CHARS);
            if answer.body_truncated {
                text.push_str(" (cut)");
            }
            writeln!(out, "{event}{number}  {status}  {millis}  {text}")?;
        }
        Err(error) => {
            let failed = "no answer".red().bold();
            writeln!(out, "{event}{number}  {failed}  {millis}  {error}")?;
        }
    }
    if let Some(explained) = explain::of_result(&attempt.result) {
        writeln!(out, "  {}", explained.message.yellow())?;
    }
    if let Some(delay) = next {
        writeln!(out, "  retrying in {}", humantime::format_duration(delay))?;
    } else if numbered && !attempt.delivered() {
        writeln!(out, "  giving up after {} attempts", attempt.number)?;
    }
    Ok(())
}

/// `-v`: the request as sent and the answer as received, indented under the attempt's line.
pub(super) fn print_exchange(
    out: &mut impl Write,
    request: &OutgoingRequest,
    attempt: &Attempt,
) -> std::io::Result<()> {
    let prefix = format!("  {} ", "|".dimmed());
    transcript::exchange(out, request, attempt.result.as_ref().ok(), &prefix)
}

/// `--dry-run`: each request as it would go on the wire (request line, headers, blank line,
/// body). The signature is shown; the secret never is.
pub(super) fn print_dry_run(out: &mut impl Write, prepared: &[Prepared]) -> std::io::Result<()> {
    for (index, item) in prepared.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        transcript::request(out, &item.request, item.url_known)?;
    }
    Ok(())
}

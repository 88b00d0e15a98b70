//! `replay FILE --url URL`: re-sends recorded requests (`listen --save` records or a raw HTTP
//! capture) byte for byte with their headers, optionally signed again, through `delivery`.

use std::io::Write;

use anyhow::bail;
use bytes::Bytes;
use colored::Colorize;
use serde_json::json;

use crate::Outcome;
use crate::capture::{self, Captured, InputKind};
use crate::cli::{Format, ReplayArgs};
use crate::commands::sign::{event_name, read_input};
use crate::delivery::{self, Answer, DeliveryError, OutgoingRequest};
use crate::output;
use crate::secret::{Secret, Secrets};
use crate::signature::{HEADER_SIGNATURE, sign};

/// How many characters of each answer are shown.
const SNIPPET_CHARS: usize = 120;

/// One replayed request and what came back.
struct Replayed {
    source: String,
    event: Option<String>,
    result: Result<Answer, DeliveryError>,
}

/// Runs `replay`.
pub fn run(args: ReplayArgs) -> anyhow::Result<Outcome> {
    delivery::check_url(&args.url)?;
    // Without --resign the recorded signatures are kept and no secret is needed.
    let secret = if args.resign {
        Some(Secrets::resolve(&args.secret)?.primary().clone())
    } else {
        None
    };
    let path = Some(args.file.as_path()).filter(|p| p.as_os_str() != "-");
    let name = path.map_or("stdin".to_string(), |p| p.display().to_string());
    let bytes = read_input(path)?;
    if bytes.is_empty() {
        bail!("{name}: {}", capture::CaptureError::Empty);
    }
    let kind = capture::detect(&bytes);
    if kind == InputKind::Body {
        bail!("{name}: not a raw HTTP request or listen --save records");
    }
    let (requests, warnings) = capture::parse_requests(&name, &bytes, kind)
        .map_err(|err| anyhow::anyhow!("{name}: {err}"))?;
    for warning in warnings {
        output::warning(&warning);
    }
    let runtime = crate::runtime()?;
    let mut replayed = Vec::new();
    for captured in &requests {
        if !captured.method.eq_ignore_ascii_case("POST") {
            output::warning(&format!(
                "{}: a {} request, not a delivery; skipped",
                captured.source, captured.method
            ));
            continue;
        }
        let request = outgoing(&args.url, captured, secret.as_ref());
        let result = runtime.block_on(delivery::send_once(&request, args.timeout));
        replayed.push(Replayed {
            source: captured.source.clone(),
            event: event_name(&captured.body),
            result,
        });
    }
    if replayed.is_empty() {
        bail!("{name}: no POST request to replay");
    }
    let ok = replayed
        .iter()
        .all(|r| r.result.as_ref().is_ok_and(Answer::is_success));
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => output::write_json_line(&mut out, &render_json(&args.url, ok, &replayed))?,
        Format::Human => render_human(&mut out, &args.url, &replayed)?,
    }
    Ok(Outcome::from_ok(ok))
}

/// The request to send: the recorded body and headers (minus connection headers), the signature
/// replaced in place when re-signing.
fn outgoing(url: &str, captured: &Captured<'_>, secret: Option<&Secret>) -> OutgoingRequest {
    let body = Bytes::copy_from_slice(&captured.body);
    let mut headers = delivery::relayable_headers(&captured.headers);
    if let Some(secret) = secret {
        let signature = sign(secret, &body);
        match headers
            .iter()
            .position(|(name, _)| name.eq_ignore_ascii_case(HEADER_SIGNATURE))
        {
            Some(index) => headers[index].1 = signature,
            None => headers.push((HEADER_SIGNATURE.to_string(), signature)),
        }
        headers.retain({
            let mut seen = false;
            move |(name, _)| {
                let is_signature = name.eq_ignore_ascii_case(HEADER_SIGNATURE);
                let keep = !(is_signature && seen);
                seen |= is_signature;
                keep
            }
        });
    }
    OutgoingRequest {
        url: url.to_string(),
        headers,
        body,
    }
}

/// The start of an answer's body on one line.
fn snippet(answer: &Answer) -> String {
    let text = String::from_utf8_lossy(&answer.body).replace(['\r', '\n'], " ");
    output::truncate_for_display(text.trim(), SNIPPET_CHARS)
}

fn render_json(url: &str, ok: bool, replayed: &[Replayed]) -> serde_json::Value {
    let requests: Vec<_> = replayed
        .iter()
        .map(|r| match &r.result {
            Ok(answer) => json!({
                "source": r.source,
                "event": r.event,
                "ok": answer.is_success(),
                "status": answer.status,
                "millis": answer.latency.as_millis() as u64,
                "response": String::from_utf8_lossy(&answer.body),
                "response_truncated": answer.body_truncated,
                "error": null,
            }),
            Err(err) => json!({
                "source": r.source,
                "event": r.event,
                "ok": false,
                "status": null,
                "millis": null,
                "response": null,
                "response_truncated": false,
                "error": { "kind": err.kind(), "message": err.to_string() },
            }),
        })
        .collect();
    json!({ "url": url, "ok": ok, "requests": requests })
}

fn render_human(out: &mut impl Write, url: &str, replayed: &[Replayed]) -> std::io::Result<()> {
    for r in replayed {
        let event = r.event.as_deref().unwrap_or("-");
        match &r.result {
            Ok(answer) => {
                let status = answer.status.to_string();
                let status = if answer.is_success() {
                    status.green().bold()
                } else {
                    status.red().bold()
                };
                writeln!(
                    out,
                    "{}  {event}  {status}  {} ms  {}",
                    r.source.bold(),
                    answer.latency.as_millis(),
                    snippet(answer)
                )?;
            }
            Err(err) => writeln!(
                out,
                "{}  {event}  {}  {err}",
                r.source.bold(),
                "no answer".red().bold()
            )?,
        }
    }
    let good = replayed
        .iter()
        .filter(|r| r.result.as_ref().is_ok_and(Answer::is_success))
        .count();
    writeln!(
        out,
        "{} replayed to {url}: {good} answered 2xx, {} did not",
        replayed.len(),
        replayed.len() - good
    )
}

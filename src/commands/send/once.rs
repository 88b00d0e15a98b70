//! `send` without `--count`: builds (or reads) payloads, signs exactly the bytes sent, POSTs them
//! with the reference's headers, and reports each attempt; `--dry-run` prints the requests
//! instead.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use bytes::Bytes;
use colored::Colorize;
use serde::Serialize;
use serde_json::Value;

use crate::Outcome;
use crate::cli::SendArgs;
use crate::config::Settings;
use crate::contract::RETRY_DELAYS;
use crate::events::EventSpec;
use crate::headers::Headers;
use crate::input;
use crate::output::{self, Format, truncate_for_display};
use crate::payload::{self, Overrides};
use crate::record::{BodyEncoding, RequestRecord};
use crate::secret::Secret;
use crate::wire::explain;
use crate::wire::report::ExchangeReport;
use crate::wire::transcript;
use crate::wire::{self, Attempt, OutgoingRequest, WebhookUrl};

/// How much of a response body a human line shows.
const BODY_PREVIEW_CHARS: usize = 200;

/// One request ready to go: the event it announces, the signed request, and whether its URL is
/// known (a dry run without one shows a placeholder).
struct Prepared {
    event: String,
    request: OutgoingRequest,
    url_known: bool,
}

/// Sends each selected event once (with retries when asked).
pub(super) fn run(
    args: &SendArgs,
    settings: &Settings,
    secret: &Secret,
) -> anyhow::Result<Outcome> {
    let placeholder: WebhookUrl = "http://localhost/"
        .parse()
        .expect("the placeholder URL is valid");
    let mut prepared = Vec::new();
    if let Some(path) = &args.payload {
        prepared.push(from_file(args, path, &placeholder, secret)?);
    } else {
        let overrides = super::overrides(args, args.timestamp);
        for spec in super::selected_events(args) {
            prepared.push(from_sample(args, spec, &overrides, &placeholder, secret)?);
        }
    }
    for item in &mut prepared {
        match settings.url_for(&item.event, args.url.as_ref()) {
            Ok(url) => {
                item.request.url = url.value;
                item.url_known = true;
            }
            Err(_) if args.dry_run => {}
            Err(err) => return Err(err),
        }
        for header in &args.header {
            item.request.headers.set(&header.name, header.value.clone());
        }
    }
    let mut out = std::io::stdout().lock();
    if args.dry_run {
        print_dry_run(&mut out, args, &prepared)?;
        return Ok(Outcome::Success);
    }
    let delays = retry_delays(args);
    let timeout = settings.timeout(args.timeout).value;
    let client = args.trust.client();
    let runtime = crate::runtime()?;
    let mut results = Vec::new();
    for item in &prepared {
        let attempts = runtime.block_on(wire::deliver(
            &client,
            &item.request,
            timeout,
            &delays,
            |attempt, next| {
                if args.format == Format::Human {
                    // A closed stdout surfaces at the next write below.
                    let _ = print_attempt(&mut out, &item.event, attempt, !delays.is_empty(), next);
                    if args.verbose {
                        let _ = print_exchange(&mut out, &item.request, attempt);
                    }
                }
            },
        ));
        results.push((item, attempts));
    }
    let report = SendReport::new(&results);
    if args.format == Format::Json {
        output::write_json_line(&mut out, &report)?;
    }
    out.flush()?;
    Ok(Outcome::from_ok(report.ok))
}

/// The waits between attempts: none without `--retry`, the reference's 1 min, 5 min, 15 min with
/// it, or `--retry-schedule`'s (which implies `--retry`).
fn retry_delays(args: &SendArgs) -> Vec<Duration> {
    if !args.retry_schedule.is_empty() {
        args.retry_schedule.clone()
    } else if args.retry {
        RETRY_DELAYS.to_vec()
    } else {
        Vec::new()
    }
}

/// The event's sample with the overrides, validated, serialized and signed.
fn from_sample(
    args: &SendArgs,
    spec: &EventSpec,
    overrides: &Overrides,
    url: &WebhookUrl,
    secret: &Secret,
) -> anyhow::Result<Prepared> {
    let value = payload::build(spec, overrides)?;
    if !args.no_validate {
        payload::check_valid(&value, spec.name)?;
    }
    let body = Bytes::from(payload::to_bytes(&value));
    Ok(Prepared {
        event: spec.name.to_string(),
        request: OutgoingRequest::signed(url, spec.name, body, secret),
        url_known: false,
    })
}

/// `--payload FILE|-`, sent byte for byte; the event is the EVENT argument or the body's own.
fn from_file(
    args: &SendArgs,
    path: &Path,
    url: &WebhookUrl,
    secret: &Secret,
) -> anyhow::Result<Prepared> {
    let source = input::name(Some(path));
    let body = input::read(Some(path))?;
    let parsed = serde_json::from_slice::<Value>(&body);
    let body_event = parsed
        .as_ref()
        .ok()
        .and_then(|value| value.get("event"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let event = match (args.events.first().copied(), &body_event) {
        (Some(spec), Some(named)) if named != spec.name => {
            output::warning(&format!(
                "{source} names event '{named}' but X-Webhook-Event will say '{}'",
                spec.name
            ));
            spec.name.to_string()
        }
        (Some(spec), _) => spec.name.to_string(),
        (None, Some(named)) => named.clone(),
        (None, None) => bail!(
            "{source}: no event for the X-Webhook-Event header: the body has no \"event\" \
             string; give the event as an argument (send EVENT --payload FILE)"
        ),
    };
    if !args.no_validate {
        let value = parsed.with_context(|| {
            format!("{source} is not JSON (pass --no-validate to send it anyway)")
        })?;
        payload::check_valid(&value, &source)?;
    }
    Ok(Prepared {
        request: OutgoingRequest::signed(url, &event, Bytes::from(body), secret),
        event,
        url_known: false,
    })
}

/// One line per attempt: event, status, latency, the start of the response body.
fn print_attempt(
    out: &mut impl Write,
    event: &str,
    attempt: &Attempt,
    numbered: bool,
    next: Option<Duration>,
) -> std::io::Result<()> {
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
            writeln!(out, "{}{number}  {status}  {millis}  {text}", event.bold())?;
        }
        Err(error) => {
            let failed = "no answer".red().bold();
            writeln!(out, "{}{number}  {failed}  {millis}  {error}", event.bold())?;
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
fn print_exchange(
    out: &mut impl Write,
    request: &OutgoingRequest,
    attempt: &Attempt,
) -> std::io::Result<()> {
    let prefix = format!("  {} ", "|".dimmed());
    transcript::exchange(out, request, attempt.result.as_ref().ok(), &prefix)
}

/// `send --format json` (schemas/output/send.schema.json).
#[derive(Serialize)]
struct SendReport {
    ok: bool,
    counts: SendCounts,
    deliveries: Vec<DeliveryReport>,
}

#[derive(Serialize)]
struct SendCounts {
    deliveries: usize,
    delivered: usize,
    failed: usize,
}

#[derive(Serialize)]
struct DeliveryReport {
    event: String,
    url: WebhookUrl,
    ok: bool,
    attempts: Vec<AttemptReport>,
}

#[derive(Serialize)]
struct AttemptReport {
    attempt: usize,
    ok: bool,
    #[serde(flatten)]
    exchange: ExchangeReport,
}

impl SendReport {
    fn new(results: &[(&Prepared, Vec<Attempt>)]) -> Self {
        let deliveries: Vec<DeliveryReport> = results
            .iter()
            .map(|(item, attempts)| DeliveryReport {
                event: item.event.clone(),
                url: item.request.url.clone(),
                ok: attempts.last().is_some_and(Attempt::delivered),
                attempts: attempts
                    .iter()
                    .map(|attempt| AttemptReport {
                        attempt: attempt.number,
                        ok: attempt.delivered(),
                        exchange: ExchangeReport::new(&attempt.result, attempt.elapsed),
                    })
                    .collect(),
            })
            .collect();
        let delivered = deliveries.iter().filter(|d| d.ok).count();
        SendReport {
            ok: delivered == deliveries.len(),
            counts: SendCounts {
                deliveries: deliveries.len(),
                delivered,
                failed: deliveries.len() - delivered,
            },
            deliveries,
        }
    }
}

/// `send --dry-run --format json` (schemas/output/send-dry-run.schema.json).
#[derive(Serialize)]
struct DryRunReport<'a> {
    ok: bool,
    dry_run: bool,
    requests: Vec<DryRunRequest<'a>>,
}

#[derive(Serialize)]
struct DryRunRequest<'a> {
    event: &'a str,
    method: &'static str,
    url: Option<&'a WebhookUrl>,
    headers: &'a Headers,
    body: String,
    body_encoding: BodyEncoding,
}

/// `--dry-run`: each request as it would go on the wire (request line, headers, blank line,
/// body), or as JSON. The signature is shown; the secret never is.
fn print_dry_run(
    out: &mut impl Write,
    args: &SendArgs,
    prepared: &[Prepared],
) -> anyhow::Result<()> {
    if args.format == Format::Json {
        let requests = prepared
            .iter()
            .map(|item| {
                let (body, body_encoding) = RequestRecord::encode_body(&item.request.body);
                DryRunRequest {
                    event: &item.event,
                    method: "POST",
                    url: item.url_known.then_some(&item.request.url),
                    headers: &item.request.headers,
                    body,
                    body_encoding,
                }
            })
            .collect();
        let report = DryRunReport {
            ok: true,
            dry_run: true,
            requests,
        };
        output::write_json_line(out, &report)?;
        return Ok(());
    }
    for (index, item) in prepared.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        transcript::request(out, &item.request, item.url_known)?;
    }
    Ok(())
}

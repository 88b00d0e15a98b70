//! `send`: builds (or reads) payloads, signs exactly the bytes sent, POSTs them with the
//! reference's headers, and reports each attempt; `--dry-run` prints the requests instead, and
//! `--count` hands over to load mode.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use bytes::Bytes;
use colored::Colorize;
use serde_json::{Value, json};

use crate::Outcome;
use crate::cli::{Format, SendArgs};
use crate::commands::sign::read_input;
use crate::delivery::{self, Attempt, OutgoingRequest, RETRY_DELAYS, check_url};
use crate::events::{CATALOGUE, EventSpec};
use crate::output::{self, truncate_for_display};
use crate::payload::{self, Overrides};
use crate::record::RequestRecord;
use crate::schema::validate_payload;
use crate::secret::{Secret, Secrets};

/// How much of a response body a human line shows.
const BODY_PREVIEW_CHARS: usize = 200;

/// One request ready to go: the event it announces and the signed request.
struct Prepared {
    event: String,
    request: OutgoingRequest,
}

/// Runs `send`.
pub fn run(args: SendArgs) -> anyhow::Result<Outcome> {
    let secrets = Secrets::resolve(&args.secret)?;
    let secret = secrets.primary();
    let headers = parse_headers(&args.header)?;
    if let Some(url) = &args.url {
        check_url(url)?;
    }
    if args.count.is_some() {
        return super::send_load::run(&args, secret, &headers);
    }
    let url = args.url.clone().unwrap_or_default();
    let mut prepared = Vec::new();
    if let Some(path) = &args.payload {
        prepared.push(from_file(&args, path, &url, secret)?);
    } else {
        let overrides = Overrides::parse(args.timestamp, &args.set, &args.unset)?;
        let specs: Vec<&EventSpec> = match args.event {
            Some(spec) if !args.all => vec![spec],
            _ => CATALOGUE.iter().collect(),
        };
        for spec in specs {
            prepared.push(from_sample(&args, spec, &overrides, &url, secret)?);
        }
    }
    for item in &mut prepared {
        for (name, value) in &headers {
            item.request.set_header(name, value);
        }
    }
    let mut out = std::io::stdout().lock();
    if args.dry_run {
        print_dry_run(&mut out, &args, &prepared)?;
        return Ok(Outcome::Success);
    }
    let delays = retry_delays(&args);
    let runtime = crate::runtime()?;
    let mut results = Vec::new();
    for item in &prepared {
        let attempts = runtime.block_on(delivery::deliver(
            &item.request,
            args.timeout,
            &delays,
            |attempt, next| {
                if args.format == Format::Human {
                    // A closed stdout surfaces at the next write below.
                    let _ = print_attempt(&mut out, &item.event, attempt, !delays.is_empty(), next);
                }
            },
        ));
        results.push((item, attempts));
    }
    let ok = results
        .iter()
        .all(|(_, attempts)| attempts.last().is_some_and(Attempt::delivered));
    if args.format == Format::Json {
        let deliveries: Vec<Value> = results
            .iter()
            .map(|(item, attempts)| delivery_json(item, attempts))
            .collect();
        output::write_json_line(&mut out, &json!({ "deliveries": deliveries, "ok": ok }))?;
    }
    out.flush()?;
    Ok(Outcome::from_ok(ok))
}

/// The waits between attempts: none without `--retry`, the reference's 1 min, 5 min, 15 min with
/// it, or `--retry-schedule`'s (which implies `--retry`).
fn retry_delays(args: &SendArgs) -> Vec<std::time::Duration> {
    if !args.retry_schedule.is_empty() {
        args.retry_schedule.clone()
    } else if args.retry {
        RETRY_DELAYS.to_vec()
    } else {
        Vec::new()
    }
}

/// `--header 'Name: value'` pairs, checked to be a valid HTTP header.
pub(super) fn parse_headers(raw: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    raw.iter()
        .map(|text| {
            let bad = |why: &str| anyhow::anyhow!("invalid --header '{text}': {why}");
            let (name, value) = text
                .split_once(':')
                .ok_or_else(|| bad("expected 'Name: value'"))?;
            let (name, value) = (name.trim(), value.trim());
            hyper::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| bad("the name is not a valid header name"))?;
            hyper::header::HeaderValue::from_str(value)
                .map_err(|_| bad("the value holds characters a header cannot carry"))?;
            Ok((name.to_string(), value.to_string()))
        })
        .collect()
}

/// The event's sample with the overrides, validated, serialized and signed.
fn from_sample(
    args: &SendArgs,
    spec: &EventSpec,
    overrides: &Overrides,
    url: &str,
    secret: &Secret,
) -> anyhow::Result<Prepared> {
    let value = payload::build(spec, overrides)?;
    if !args.no_validate {
        check_valid(&value, spec.name)?;
    }
    let body = Bytes::from(payload::to_bytes(&value));
    Ok(Prepared {
        event: spec.name.to_string(),
        request: OutgoingRequest::signed(url, spec.name, body, secret),
    })
}

/// `--payload FILE|-`, sent byte for byte; the event is the EVENT argument or the body's own.
fn from_file(args: &SendArgs, path: &Path, url: &str, secret: &Secret) -> anyhow::Result<Prepared> {
    let source = if path.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        path.display().to_string()
    };
    let body = read_input(Some(path))?;
    let parsed = serde_json::from_slice::<Value>(&body);
    let body_event = parsed
        .as_ref()
        .ok()
        .and_then(|value| value.get("event"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let event = match (args.event, &body_event) {
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
        check_valid(&value, &source)?;
    }
    Ok(Prepared {
        request: OutgoingRequest::signed(url, &event, Bytes::from(body), secret),
        event,
    })
}

/// Refuses a payload that does not match its event's schema, listing every violation.
pub(super) fn check_valid(value: &Value, what: &str) -> anyhow::Result<()> {
    let violations = validate_payload(value, false);
    if violations.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = violations
        .iter()
        .map(|violation| {
            let pointer = if violation.pointer.is_empty() {
                "/"
            } else {
                &violation.pointer
            };
            format!("\n  {pointer}: {}", violation.message)
        })
        .collect();
    bail!(
        "{what}: the payload does not match its schema (pass --no-validate to send it anyway):{}",
        list.concat()
    )
}

/// One line per attempt: event, status, latency, the start of the response body.
fn print_attempt(
    out: &mut impl Write,
    event: &str,
    attempt: &Attempt,
    numbered: bool,
    next: Option<std::time::Duration>,
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
            if (300..400).contains(&answer.status) {
                writeln!(
                    out,
                    "  redirects are not followed: a 3xx is a failed delivery"
                )?;
            }
        }
        Err(error) => {
            let failed = "no answer".red().bold();
            writeln!(out, "{}{number}  {failed}  {millis}  {error}", event.bold())?;
        }
    }
    if let Some(delay) = next {
        writeln!(out, "  retrying in {}", humantime::format_duration(delay))?;
    } else if numbered && !attempt.delivered() {
        writeln!(out, "  giving up after {} attempts", attempt.number)?;
    }
    Ok(())
}

/// One delivery in `--format json`.
fn delivery_json(item: &Prepared, attempts: &[Attempt]) -> Value {
    let delivered = attempts.last().is_some_and(Attempt::delivered);
    let attempts: Vec<Value> = attempts
        .iter()
        .map(|attempt| {
            let millis = attempt.elapsed.as_secs_f64() * 1000.0;
            match &attempt.result {
                Ok(answer) => json!({
                    "attempt": attempt.number,
                    "status": answer.status,
                    "millis": millis,
                    "error": null,
                    "error_kind": null,
                    "response_body": String::from_utf8_lossy(&answer.body),
                    "response_body_truncated": answer.body_truncated,
                }),
                Err(error) => json!({
                    "attempt": attempt.number,
                    "status": null,
                    "millis": millis,
                    "error": error.to_string(),
                    "error_kind": error.kind(),
                    "response_body": null,
                    "response_body_truncated": false,
                }),
            }
        })
        .collect();
    json!({
        "event": item.event,
        "url": item.request.url,
        "attempts": attempts,
        "delivered": delivered,
    })
}

/// `--dry-run`: each request as it would go on the wire (request line, headers, blank line,
/// body), or as JSON. The signature is shown; the secret never is.
fn print_dry_run(
    out: &mut impl Write,
    args: &SendArgs,
    prepared: &[Prepared],
) -> anyhow::Result<()> {
    if args.format == Format::Json {
        let requests: Vec<Value> = prepared
            .iter()
            .map(|item| {
                let (body, encoding) = RequestRecord::encode_body(&item.request.body);
                json!({
                    "event": item.event,
                    "method": "POST",
                    "url": args.url,
                    "headers": item.request.headers,
                    "body": body,
                    "body_encoding": encoding,
                })
            })
            .collect();
        output::write_json_line(out, &json!({ "dry_run": true, "requests": requests }))?;
        return Ok(());
    }
    let parsed = args.url.as_deref().map(check_url).transpose()?;
    for (index, item) in prepared.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        let target = match &parsed {
            Some(url) => match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_string(),
            },
            None => "/".to_string(),
        };
        writeln!(out, "POST {target} HTTP/1.1")?;
        if let Some(url) = &parsed {
            let host = url.host_str().unwrap_or_default();
            match url.port() {
                Some(port) => writeln!(out, "Host: {host}:{port}")?,
                None => writeln!(out, "Host: {host}")?,
            }
        }
        for (name, value) in &item.request.headers {
            writeln!(out, "{name}: {value}")?;
        }
        writeln!(out, "Content-Length: {}", item.request.body.len())?;
        writeln!(out)?;
        out.write_all(&item.request.body)?;
        if !item.request.body.ends_with(b"\n") {
            writeln!(out)?;
        }
    }
    Ok(())
}

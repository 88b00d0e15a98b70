//! `replay FILE --url URL`: re-sends recorded requests (`listen --save` records or a raw HTTP
//! capture) byte for byte with their headers, optionally signed again, through `wire`.

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::bail;
use bytes::Bytes;
use colored::Colorize;
use serde::Serialize;

use crate::Outcome;
use crate::capture::{self, Captured, InputKind};
use crate::cli::ReplayArgs;
use crate::config::Settings;
use crate::contract::HEADER_SIGNATURE;
use crate::input;
use crate::output::{self, Counts, Format, UnreadableReport};
use crate::payload::event_name;
use crate::secret::Secret;
use crate::signature::sign;
use crate::wire::explain;
use crate::wire::report::ExchangeReport;
use crate::wire::{self, Answer, DeliveryError, OutgoingRequest, WebhookUrl};

/// How many characters of each answer are shown.
const SNIPPET_CHARS: usize = 120;

/// One replayed request and what came back.
struct Replayed {
    source: String,
    event: Option<String>,
    result: Result<Answer, DeliveryError>,
    elapsed: Duration,
}

impl Replayed {
    fn delivered(&self) -> bool {
        self.result.as_ref().is_ok_and(Answer::is_success)
    }
}

/// Runs `replay` to `--url`, else the profile's url.
pub fn run(args: ReplayArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let url = settings.url(args.url.as_ref())?.value;
    let timeout = settings.timeout(args.delivery.timeout).value;
    // Without --resign the recorded signatures are kept and no secret is needed.
    let secret = if args.resign {
        Some(args.delivery.secret.resolve(settings)?.primary().clone())
    } else {
        None
    };
    let path = Some(args.file.as_path());
    let name = input::name(path);
    let bytes = input::read(path).map_err(|err| {
        output::unreadable_document(args.format, err.into(), |unreadable| {
            ReplayReport::unreadable(&url, unreadable)
        })
    })?;
    if bytes.is_empty() {
        bail!("{name}: {}", capture::CaptureError::Empty);
    }
    let kind = capture::detect(&bytes);
    let read = match (kind, &secret) {
        (InputKind::Body, Some(secret)) => bare_body(&name, &bytes, secret)?,
        (InputKind::Body, None) => bail!(
            "{name}: not a raw HTTP request or listen --save records but a bare body, with no \
             recorded signature to keep: pass --resign (and the secret) to sign it as it is \
             sent, as send --payload does"
        ),
        _ => capture::parse_requests(&name, &bytes, kind)
            .map_err(|err| anyhow::anyhow!("{name}: {err}"))?,
    };
    for warning in &read.warnings {
        output::warning(warning);
    }
    if let Some(broken) = &read.broken {
        output::warning(&format!(
            "{}: {} ({}); not replayed",
            broken.source,
            broken.what(),
            broken.error
        ));
    }
    let requests = read.requests;
    let client = args.delivery.trust.client();
    let runtime = crate::runtime()?;
    let mut replayed = Vec::new();
    for captured in &requests {
        if let Some(extra) = captured.overflow {
            output::warning(&format!(
                "{}: {} bytes after the body (past its Content-Length) are not sent",
                captured.source,
                extra.len()
            ));
        }
        if !captured.method.eq_ignore_ascii_case("POST") {
            output::warning(&format!(
                "{}: a {} request, not a delivery; skipped",
                captured.source, captured.method
            ));
            continue;
        }
        let request = outgoing(&url, captured, secret.as_ref());
        let started = Instant::now();
        let result = runtime.block_on(client.send(&request, timeout));
        replayed.push(Replayed {
            source: captured.source.clone(),
            event: event_name(&captured.body),
            result,
            elapsed: started.elapsed(),
        });
    }
    if replayed.is_empty() {
        bail!("{name}: no POST request to replay");
    }
    let report = ReplayReport::new(&url, &replayed);
    output::checked(report.ok);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => output::write_json_line(&mut out, &report)?,
        Format::Human => render_human(&mut out, &url, &replayed)?,
    }
    Ok(Outcome::from_ok(report.ok))
}

/// A bare body (a payload file, such as `story --out`'s `NN-EVENT.json`) as one request with the
/// reference's headers, signed; its event for `X-Webhook-Event` is the body's own.
fn bare_body<'a>(
    name: &str,
    bytes: &'a [u8],
    secret: &Secret,
) -> anyhow::Result<capture::Requests<'a>> {
    let Some(event) = event_name(bytes) else {
        bail!(
            "{name}: no event for the X-Webhook-Event header: the body has no \"event\" string \
             (send EVENT --payload FILE names the event itself)"
        );
    };
    let captured = Captured {
        source: name.to_string(),
        method: "POST".into(),
        path: String::new(),
        headers: wire::webhook_headers(&event, Some(sign(secret, bytes))),
        body: bytes.into(),
        overflow: None,
    };
    Ok(capture::Requests {
        requests: vec![captured],
        warnings: Vec::new(),
        broken: None,
    })
}

/// The request to send: the recorded body and headers (minus connection headers), the signature
/// replaced in place when re-signing.
fn outgoing(url: &WebhookUrl, captured: &Captured<'_>, secret: Option<&Secret>) -> OutgoingRequest {
    let body = Bytes::copy_from_slice(&captured.body);
    let mut headers = captured.headers.relayable();
    if let Some(secret) = secret {
        headers.set(HEADER_SIGNATURE, sign(secret, &body));
    }
    OutgoingRequest {
        url: url.clone(),
        headers,
        body,
    }
}

/// `replay --format json` (schemas/output/replay.schema.json).
#[derive(Serialize)]
struct ReplayReport<'a> {
    ok: bool,
    url: &'a WebhookUrl,
    counts: Counts,
    requests: Vec<RequestReport<'a>>,
    /// The input, when it could not be read (nothing was replayed).
    unreadable: Vec<UnreadableReport>,
}

#[derive(Serialize)]
struct RequestReport<'a> {
    source: &'a str,
    event: Option<&'a str>,
    ok: bool,
    #[serde(flatten)]
    exchange: ExchangeReport,
}

impl<'a> ReplayReport<'a> {
    fn new(url: &'a WebhookUrl, replayed: &'a [Replayed]) -> Self {
        let counts = Counts::of(
            ["requests", "delivered", "failed"],
            replayed.iter().map(Replayed::delivered),
        );
        ReplayReport {
            ok: counts.all_passed(),
            url,
            counts,
            requests: replayed
                .iter()
                .map(|r| RequestReport {
                    source: &r.source,
                    event: r.event.as_deref(),
                    ok: r.delivered(),
                    exchange: ExchangeReport::new(&r.result, r.elapsed),
                })
                .collect(),
            unreadable: Vec::new(),
        }
    }

    /// The document of a run whose input could not be read.
    fn unreadable(url: &'a WebhookUrl, unreadable: Vec<UnreadableReport>) -> Self {
        ReplayReport {
            ok: false,
            unreadable,
            ..ReplayReport::new(url, &[])
        }
    }
}

/// The start of an answer's body on one line.
fn snippet(answer: &Answer) -> String {
    let text = String::from_utf8_lossy(&answer.body).replace(['\r', '\n'], " ");
    output::truncate_for_display(text.trim(), SNIPPET_CHARS)
}

fn render_human(
    out: &mut impl Write,
    url: &WebhookUrl,
    replayed: &[Replayed],
) -> std::io::Result<()> {
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
        if let Some(explained) = explain::of_result(&r.result) {
            writeln!(out, "  {}", explained.message.yellow())?;
        }
    }
    let good = replayed.iter().filter(|r| r.delivered()).count();
    writeln!(
        out,
        "{} replayed to {url}: {good} answered 2xx, {} did not",
        replayed.len(),
        replayed.len() - good
    )
}

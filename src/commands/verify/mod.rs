//! `verify [FILE|-]`: checks the signature of captured requests (raw HTTP, `listen --save`
//! records, or a bare body with `--signature`), explains a mismatch, and checks the other headers
//! of a captured request. Glue and rendering; the logic is in `capture`, `signature`, `diagnose`.

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::bail;

use crate::Outcome;
use crate::capture::{self, Captured, InputKind};
use crate::cli::{InputFormat, VerifyArgs};
use crate::config::Settings;
use crate::contract::HEADER_SIGNATURE;
use crate::diagnose::{Cause, Diagnosis, diagnose};
use crate::input;
use crate::output::{self, Format};
use crate::secret::Secret;
use crate::signature::{Verdict, VerifyError, verify};

mod large;
mod render;

/// The verdict on one request.
struct Report {
    source: String,
    event: Option<String>,
    /// `None` when the request could not be read, so nothing was checked.
    verdict: Option<Verdict>,
    problems: Vec<String>,
    diagnosis: Option<Diagnosis>,
}

impl Report {
    fn valid(&self) -> bool {
        self.verdict.as_ref().is_some_and(Verdict::is_valid) && self.problems.is_empty()
    }

    /// The report of a request in a capture that is not whole.
    fn broken(broken: &capture::Broken) -> Self {
        Report {
            source: broken.source.clone(),
            event: None,
            verdict: None,
            problems: vec![format!(
                "{}, so not verified: {}",
                broken.what(),
                broken.error
            )],
            diagnosis: None,
        }
    }
}

/// Runs `verify`.
pub fn run(args: VerifyArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let secrets = args.secret.resolve(settings)?;
    let path = args.input.as_deref();
    let name = input::name(path);
    if args.input.is_none() && std::io::stdin().is_terminal() {
        bail!("nothing to verify: pass a FILE, or pipe a captured request into - (stdin)");
    }
    // The clock is read here, once, so that the checks below stay pure.
    let now_ms = u128::from(crate::payload::now_millis());
    let opened = input::open(path, large::HOLD).map_err(|err| {
        output::unreadable_document(args.format, err.into(), render::VerifyReport::unreadable)
    })?;
    let bytes = match opened {
        input::Opened::Whole(bytes) => bytes,
        input::Opened::Large { head, rest } => {
            match large::verify(&name, path, head, rest, &args, secrets.all(), now_ms)? {
                large::Large::Verified(report) => return finish(&args, &[report]),
                large::Large::Whole(bytes) => bytes,
            }
        }
    };
    let (requests, broken) = read_requests(&name, &bytes, &args)?;
    let mut reports: Vec<Report> = requests
        .iter()
        .map(|(captured, is_capture)| {
            check(captured, *is_capture, secrets.all(), now_ms, args.tolerance)
        })
        .collect();
    if let Some(broken) = &broken {
        reports.push(Report::broken(broken));
    }
    finish(&args, &reports)
}

/// Prints the reports; exit 0 only when every one is valid.
fn finish(args: &VerifyArgs, reports: &[Report]) -> anyhow::Result<Outcome> {
    let valid = output::checked(reports.iter().all(Report::valid));
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => output::write_json_line(&mut out, &render::VerifyReport::new(reports))?,
        Format::Human => render::human(&mut out, reports)?,
    }
    Ok(Outcome::from_ok(valid))
}

/// A request of a capture that could not be read after the whole ones: its place and why.
type Broken = Option<capture::Broken>;

/// The requests in the input, each with whether it is a full captured request (so its headers
/// are checked) rather than a bare body, and the request that is not whole, if any.
fn read_requests<'a>(
    name: &str,
    bytes: &'a [u8],
    args: &VerifyArgs,
) -> anyhow::Result<(Vec<(Captured<'a>, bool)>, Broken)> {
    let kind = match args.input_format {
        InputFormat::Http => InputKind::Http,
        InputFormat::Jsonl => InputKind::Jsonl,
        InputFormat::Body => InputKind::Body,
        // An empty body has a signature too (the reference's code makes one); only an empty
        // capture is nothing to verify.
        InputFormat::Auto if bytes.is_empty() && args.signature.is_some() => InputKind::Body,
        InputFormat::Auto => {
            if bytes.is_empty() {
                bail!("{name}: {}", capture::CaptureError::Empty);
            }
            capture::detect(bytes)
        }
    };
    if kind == InputKind::Jsonl && args.signature.is_some() {
        bail!("--signature applies to a single body, not to {name}'s listen --save records");
    }
    if kind == InputKind::Body {
        let Some(signature) = &args.signature else {
            if args.input_format == InputFormat::Body {
                bail!("a bare body needs its signature: pass --signature 'sha256=…'");
            }
            bail!(
                "{name}: not a raw HTTP request or listen --save records; for a bare body pass \
                 --signature 'sha256=…'"
            );
        };
        if bytes.is_empty() {
            output::warning(&format!(
                "{name} is empty: its signature can match, but an empty body is not an event"
            ));
        }
        let captured = Captured {
            source: name.to_string(),
            method: "POST".into(),
            path: String::new(),
            headers: [(HEADER_SIGNATURE, signature.as_str())]
                .into_iter()
                .collect(),
            body: bytes.into(),
            overflow: None,
        };
        return Ok((vec![(captured, false)], None));
    }
    let mut read = capture::parse_requests(name, bytes, kind)
        .map_err(|err| anyhow::anyhow!("{name}: {err}"))?;
    for warning in &read.warnings {
        output::warning(warning);
    }
    if let Some(signature) = &args.signature {
        // A signature given on the command line replaces the one in a raw capture.
        for captured in &mut read.requests {
            captured.headers.set(HEADER_SIGNATURE, signature.clone());
        }
    }
    let requests = read.requests.into_iter().map(|r| (r, true)).collect();
    Ok((requests, read.broken))
}

/// The envelope fields the checks look at; `data` is skipped without being kept.
#[derive(serde::Deserialize)]
struct Envelope {
    event: Option<String>,
    timestamp: Option<serde_json::Value>,
}

/// Verifies one request and runs the other checks; pure apart from `now_ms`, passed in.
fn check(
    captured: &Captured<'_>,
    is_capture: bool,
    secrets: &[Secret],
    now_ms: u128,
    tolerance: Option<Duration>,
) -> Report {
    let header = captured.headers.joined(HEADER_SIGNATURE);
    let verdict = verify(secrets, &captured.body, header.as_deref());
    // A body that goes on past its Content-Length is said first: it explains what follows.
    let whole_body = captured
        .overflow
        .map(|extra| [captured.body.as_ref(), extra].concat());
    let mut problems = Vec::new();
    if let Some(extra) = captured.overflow {
        problems.push(format!(
            "the body goes on {} bytes past its Content-Length ({}): only the {} it declares \
             were verified",
            extra.len(),
            captured.body.len(),
            captured.body.len(),
        ));
    }
    let diagnosis = match &verdict {
        Verdict::Invalid(VerifyError::MissingHeader(_)) | Verdict::Valid { .. } => None,
        Verdict::Invalid(_) => match (&whole_body, captured.overflow) {
            (Some(whole), Some(extra)) => match verify(secrets, whole, header.as_deref()) {
                Verdict::Valid { secret_index } => Some(Diagnosis::explained(
                    Cause::BodyPastContentLength { extra: extra.len() },
                    secret_index,
                )),
                Verdict::Invalid(_) => diagnose(secrets, &captured.body, header.as_deref()),
            },
            _ => diagnose(secrets, &captured.body, header.as_deref()),
        },
    };
    // The envelope is read from the body as declared, or, when that is not JSON, from the whole.
    let envelope = serde_json::from_slice::<Envelope>(&captured.body)
        .ok()
        .or_else(|| {
            whole_body
                .as_deref()
                .and_then(|whole| serde_json::from_slice::<Envelope>(whole).ok())
        });
    if is_capture {
        problems.extend(capture::header_problems(
            captured,
            envelope.as_ref().map(|e| e.event.as_deref()),
        ));
    }
    if let Some(tolerance) = tolerance {
        let timestamp = envelope.as_ref().and_then(|e| e.timestamp.as_ref());
        problems.extend(capture::timestamp_problem(
            timestamp.and_then(serde_json::Value::as_u64),
            now_ms,
            tolerance,
        ));
    }
    Report {
        source: captured.source.clone(),
        event: envelope.and_then(|e| e.event),
        verdict: Some(verdict),
        problems,
        diagnosis,
    }
}

//! `send --count N`: load mode's glue: builds one template per event, runs `wire::load` behind a
//! progress bar (on a terminal only) and prints the summary.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::bail;
use colored::Colorize;
use hyper::header::{HeaderName, HeaderValue};
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use serde::Serialize;

use crate::Outcome;
use crate::cli::SendArgs;
use crate::config::Settings;
use crate::output::{self, Format, millis};
use crate::payload;
use crate::secret::Secret;
use crate::wire::WebhookUrl;
use crate::wire::explain::{self, Explanation};
use crate::wire::load::{self, Plan, Report, Template};

/// Runs `count` deliveries.
pub(super) fn run(
    args: &SendArgs,
    settings: &Settings,
    count: u64,
    secret: &Secret,
) -> anyhow::Result<Outcome> {
    let url = load_url(args, settings)?;
    let first_timestamp = args.timestamp.unwrap_or_else(payload::now_millis);
    let overrides = super::overrides(args, Some(first_timestamp));
    let mut templates = Vec::new();
    for spec in super::selected_events(args) {
        let value = payload::build(spec, &overrides)?;
        if !args.no_validate {
            payload::check_valid(&value, spec.name)?;
        }
        templates.push(Template::new(spec, &value));
    }
    let extra_headers = args
        .header
        .iter()
        .map(|header| {
            // Checked when the command line was parsed.
            let name = HeaderName::from_bytes(header.name.as_bytes())?;
            Ok((name, HeaderValue::from_str(&header.value)?))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let plan = Plan {
        url: url.clone(),
        trust: args.delivery.trust.trust(),
        templates,
        count,
        concurrency: args.concurrency.unwrap_or(1),
        rate: args.rate,
        timeout: settings.timeout(args.delivery.timeout).value,
        first_timestamp,
        extra_headers,
    };
    let progress = if output::stderr_is_terminal() {
        let bar = ProgressBar::new(count);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {bar:40} {pos}/{len} deliveries  {rate}  eta {eta}",
        ) {
            // indicatif's own {per_sec} shows four decimals; a rate is a whole number here.
            let rate = |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                let _ = write!(out, "{:.0}/s", state.per_sec());
            };
            bar.set_style(style.with_key("rate", rate));
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let report = load::run(plan, secret.clone(), progress)?;
    output::checked(report.ok());
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => output::write_json_line(&mut out, &LoadReport::new(&url, &report))?,
        Format::Human => print_summary(&mut out, &report)?,
    }
    out.flush()?;
    Ok(Outcome::from_ok(report.ok()))
}

/// The one URL load mode sends to: `--url`, else the URL every selected event resolves to.
fn load_url(args: &SendArgs, settings: &Settings) -> anyhow::Result<WebhookUrl> {
    let mut url: Option<WebhookUrl> = None;
    for spec in super::selected_events(args) {
        let next = settings.url_for(spec.name, args.url.as_ref())?.value;
        match &url {
            Some(first) if *first != next => bail!(
                "load mode sends to one URL, and the profile's routes send these events to \
                 {first} and {next}: pass --url, or select events that share one"
            ),
            _ => url = Some(next),
        }
    }
    Ok(url.expect("send selects at least one event"))
}

/// `send --count --format json` (schemas/output/send-load.schema.json).
#[derive(Serialize)]
struct LoadReport<'a> {
    ok: bool,
    url: &'a WebhookUrl,
    /// Wall time of the whole run.
    millis: f64,
    requests_per_second: f64,
    counts: LoadCounts,
    /// Latency of the deliveries that got an answer; null when none did.
    latency_millis: Option<Latency>,
    /// One entry per failing status and per kind of missing answer, with what it means.
    failures: Vec<Failure>,
}

#[derive(Serialize)]
struct Failure {
    /// The status answered; null for deliveries that got no answer.
    status: Option<u16>,
    /// The kind of error, for deliveries that got no answer.
    error_kind: Option<&'static str>,
    count: u64,
    explanation: Explanation,
}

/// What each failing status, and each kind of missing answer, means (load mode keeps no bodies).
fn failures(report: &Report) -> Vec<Failure> {
    let statuses = report.statuses.iter().filter_map(|(status, count)| {
        Some(Failure {
            status: Some(*status),
            error_kind: None,
            count: *count,
            explanation: explain::of_status(*status, None, None)?,
        })
    });
    let errors = report.errors.iter().filter_map(|(kind, count)| {
        let example = report.error_examples.get(kind)?;
        Some(Failure {
            status: None,
            error_kind: Some(kind),
            count: *count,
            explanation: explain::of_error(example),
        })
    });
    statuses.chain(errors).collect()
}

#[derive(Serialize)]
struct LoadCounts {
    deliveries: u64,
    delivered: u64,
    failed: u64,
    /// Answers by status code.
    by_status: BTreeMap<String, u64>,
    /// Deliveries that got no answer, by error kind.
    by_error: BTreeMap<&'static str, u64>,
}

#[derive(Serialize)]
struct Latency {
    min: f64,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
}

impl<'a> LoadReport<'a> {
    fn new(url: &'a WebhookUrl, report: &Report) -> Self {
        let at = |q: f64| report.percentile(q).map(millis);
        let latency = match (at(0.0), at(0.5), at(0.9), at(0.99), at(1.0)) {
            (Some(min), Some(p50), Some(p90), Some(p99), Some(max)) => Some(Latency {
                min,
                p50,
                p90,
                p99,
                max,
            }),
            _ => None,
        };
        LoadReport {
            ok: report.ok(),
            url,
            millis: millis(report.elapsed),
            requests_per_second: (report.requests_per_second() * 1000.0).round() / 1000.0,
            counts: LoadCounts {
                deliveries: report.count,
                delivered: report.delivered(),
                failed: report.count - report.delivered(),
                by_status: report
                    .statuses
                    .iter()
                    .map(|(status, count)| (status.to_string(), *count))
                    .collect(),
                by_error: report.errors.clone(),
            },
            latency_millis: latency,
            failures: failures(report),
        }
    }
}

fn print_summary(out: &mut impl Write, report: &Report) -> std::io::Result<()> {
    writeln!(
        out,
        "{} deliveries in {:.2} s: {} requests/s",
        report.count,
        report.elapsed.as_secs_f64(),
        format!("{:.0}", report.requests_per_second()).bold()
    )?;
    let statuses: Vec<String> = report
        .statuses
        .iter()
        .map(|(status, count)| {
            let text = format!("{status}: {count}");
            if (200..300).contains(status) {
                text.green().to_string()
            } else {
                text.red().to_string()
            }
        })
        .collect();
    let statuses = if statuses.is_empty() {
        "none".to_string()
    } else {
        statuses.join("  ")
    };
    writeln!(out, "status   {statuses}")?;
    for failure in failures(report).iter().filter(|f| f.status.is_some()) {
        let status = failure.status.unwrap_or_default();
        writeln!(out, "  {status}: {}", failure.explanation.message.yellow())?;
    }
    if report.errors.is_empty() {
        writeln!(out, "errors   none (every delivery got an answer)")?;
    } else {
        for (kind, count) in &report.errors {
            let example = report
                .error_examples
                .get(kind)
                .map(ToString::to_string)
                .unwrap_or_default();
            writeln!(out, "errors   {}: {count} (e.g. {example})", kind.red())?;
            if let Some(error) = report.error_examples.get(kind) {
                writeln!(out, "  {}", explain::of_error(error).message.yellow())?;
            }
        }
    }
    let at = |q| report.percentile(q).map(millis);
    match (at(0.0), at(0.5), at(0.9), at(0.99), at(1.0)) {
        (Some(min), Some(p50), Some(p90), Some(p99), Some(max)) => writeln!(
            out,
            "latency  min {min:.2} ms  p50 {p50:.2} ms  p90 {p90:.2} ms  p99 {p99:.2} ms  max {max:.2} ms"
        )?,
        _ => writeln!(out, "latency  no answers")?,
    }
    if !report.ok() {
        let failed = format!(
            "{} of {} deliveries failed",
            report.count - report.delivered(),
            report.count
        );
        writeln!(out, "{}", failed.red().bold())?;
    }
    Ok(())
}

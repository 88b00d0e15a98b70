//! `send --count N`: load mode's glue: checks the flags, builds one template per event, runs
//! `load::run` behind a progress bar (on a terminal only) and prints the summary.

use std::io::Write;
use std::time::Duration;

use anyhow::bail;
use colored::Colorize;
use hyper::header::{HeaderName, HeaderValue};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value, json};

use crate::Outcome;
use crate::cli::{Format, SendArgs};
use crate::delivery::check_url;
use crate::events::{CATALOGUE, EventSpec};
use crate::load::{self, Plan, Report, Template};
use crate::output;
use crate::payload::{self, Overrides};
use crate::secret::Secret;

/// Runs load mode. `headers` are the already-checked `--header` pairs.
pub(super) fn run(
    args: &SendArgs,
    secret: &Secret,
    headers: &[(String, String)],
) -> anyhow::Result<Outcome> {
    let count = args.count.unwrap_or(0);
    if count == 0 {
        bail!("--count must be at least 1");
    }
    if args.concurrency == 0 {
        bail!("--concurrency must be at least 1");
    }
    if args
        .rate
        .is_some_and(|rate| !(rate > 0.0 && rate.is_finite()))
    {
        bail!("--rate must be a positive number of deliveries per second");
    }
    if args.payload.is_some() {
        bail!(
            "--payload cannot be combined with --count: load mode gives every delivery its own \
             timestamp and id, so it builds each body from the event's sample (use --set to shape it)"
        );
    }
    if args.dry_run || args.retry || !args.retry_schedule.is_empty() {
        bail!("--dry-run, --retry and --retry-schedule cannot be combined with --count");
    }
    let Some(url) = args.url.as_deref() else {
        bail!("load mode needs --url");
    };
    let url = check_url(url)?;
    let first_timestamp = args.timestamp.unwrap_or_else(payload::now_millis);
    let overrides = Overrides::parse(Some(first_timestamp), &args.set, &args.unset)?;
    let specs: Vec<&'static EventSpec> = match args.event {
        Some(spec) if !args.all => vec![spec],
        _ => CATALOGUE.iter().collect(),
    };
    let mut templates = Vec::new();
    for spec in specs {
        let value = payload::build(spec, &overrides)?;
        if !args.no_validate {
            super::send::check_valid(&value, spec.name)?;
        }
        templates.push(Template::new(spec.name, &value));
    }
    let extra_headers = headers
        .iter()
        .map(|(name, value)| {
            Ok((
                HeaderName::from_bytes(name.as_bytes())?,
                HeaderValue::from_str(value)?,
            ))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let plan = Plan {
        url,
        templates,
        count,
        concurrency: args.concurrency,
        rate: args.rate,
        timeout: args.timeout,
        first_timestamp,
        extra_headers,
    };
    let progress = if output::stderr_is_terminal() {
        let bar = ProgressBar::new(count);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {bar:40} {pos}/{len} deliveries  {per_sec}  eta {eta}",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let report = load::run(plan, secret.clone(), progress)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => output::write_json_line(&mut out, &summary_json(&report))?,
        Format::Human => print_summary(&mut out, &report)?,
    }
    out.flush()?;
    Ok(Outcome::from_ok(report.ok()))
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The `--format json` summary of a load run.
pub fn summary_json(report: &Report) -> Value {
    let statuses: Map<String, Value> = report
        .statuses
        .iter()
        .map(|(status, count)| (status.to_string(), json!(count)))
        .collect();
    let errors: Map<String, Value> = report
        .errors
        .iter()
        .map(|(kind, count)| (kind.to_string(), json!(count)))
        .collect();
    let quantile = |q: f64| report.percentile(q).map(millis);
    json!({
        "requests": report.count,
        "delivered": report.delivered(),
        "failed": report.count - report.delivered(),
        "seconds": report.elapsed.as_secs_f64(),
        "requests_per_second": report.requests_per_second(),
        "statuses": statuses,
        "errors": errors,
        "latency_ms": {
            "min": quantile(0.0),
            "p50": quantile(0.5),
            "p90": quantile(0.9),
            "p99": quantile(0.99),
            "max": quantile(1.0),
        },
        "ok": report.ok(),
    })
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
    if report.errors.is_empty() {
        writeln!(out, "errors   none")?;
    } else {
        for (kind, count) in &report.errors {
            let example = report.error_examples.get(kind).map_or("", String::as_str);
            writeln!(out, "errors   {}: {count} (e.g. {example})", kind.red())?;
        }
    }
    match (report.percentile(0.0), report.percentile(1.0)) {
        (Some(min), Some(max)) => {
            let at = |q| report.percentile(q).map_or(0.0, millis);
            writeln!(
                out,
                "latency  min {:.2} ms  p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
                millis(min),
                at(0.5),
                at(0.9),
                at(0.99),
                millis(max)
            )?;
        }
        _ => writeln!(out, "latency  no answers")?,
    }
    if !report.ok() {
        writeln!(
            out,
            "{}",
            format!(
                "{} of {} deliveries failed",
                report.count - report.delivered(),
                report.count
            )
            .red()
            .bold()
        )?;
    }
    Ok(())
}

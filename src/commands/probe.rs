//! `probe --url URL`: the reference's receiver rules run against a user's endpoint as named
//! conformance cases; a table, JSON or JUnit report; exit 1 when a case fails.

use std::io::Write;

use crate::Outcome;
use crate::cli::{ProbeArgs, ProbeFormat};
use crate::delivery::check_url;
use crate::events::{CATALOGUE, EventSpec};
use crate::output::write_json_line;
use crate::payload::now_millis;
use crate::probe::{cases, report, run};
use crate::secret::Secrets;

/// Runs `probe`.
pub fn run(args: ProbeArgs) -> anyhow::Result<Outcome> {
    check_url(&args.url)?;
    if args.timeout.is_zero() {
        anyhow::bail!("--timeout must be longer than 0 (the reference's deadline is 30s)");
    }
    let secrets = Secrets::resolve(&args.secret)?;
    let events = selected_events(&args.event);
    let cases = cases::build(&args.url, secrets.primary(), &events, now_millis());
    let mut out = std::io::stdout().lock();
    let report = match args.format {
        ProbeFormat::Human => {
            let mut table = report::Table::start(&mut out, &args.url, &cases, args.timeout)?;
            let mut written = Ok(());
            let report = crate::runtime()?.block_on(run::run_all(
                &args.url,
                cases,
                args.timeout,
                |result| {
                    if written.is_ok() {
                        written = table.row(&mut out, result).and_then(|()| out.flush());
                    }
                },
            ));
            written?;
            table.finish(&mut out, &report)?;
            report
        }
        ProbeFormat::Json | ProbeFormat::Junit => {
            let report =
                crate::runtime()?.block_on(run::run_all(&args.url, cases, args.timeout, |_| {}));
            if args.format == ProbeFormat::Json {
                write_json_line(&mut out, &report::to_json(&report)?)?;
            } else {
                out.write_all(report::to_junit(&report).as_bytes())?;
            }
            report
        }
    };
    Ok(Outcome::from_ok(report.passed()))
}

/// The events given with `--event`, once each in the order given, or all 14.
fn selected_events(given: &[&'static EventSpec]) -> Vec<&'static EventSpec> {
    if given.is_empty() {
        return CATALOGUE.iter().collect();
    }
    let mut events: Vec<&'static EventSpec> = Vec::with_capacity(given.len());
    for spec in given {
        if !events.iter().any(|seen| seen.name == spec.name) {
            events.push(spec);
        }
    }
    events
}

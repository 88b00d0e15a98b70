//! `probe --url URL`: the reference's receiver rules run against a user's endpoint as named
//! conformance cases; a table, JSON or JUnit report; exit 1 when a case fails.

use std::io::Write;

use crate::Outcome;
use crate::cli::{ProbeArgs, ProbeFormat};
use crate::events::{CATALOGUE, EventSpec};
use crate::payload::now_millis;
use crate::probe::{cases, report, run};

/// Runs `probe`.
pub fn run(args: ProbeArgs) -> anyhow::Result<Outcome> {
    let secrets = args.secret.resolve()?;
    let events = selected_events(&args.event);
    let cases = cases::build(&args.url, secrets.primary(), &events, now_millis());
    let client = args.trust.client();
    let runtime = crate::runtime()?;
    let mut out = std::io::stdout().lock();
    let report = match args.format {
        ProbeFormat::Human => {
            let mut table = report::Table::start(&mut out, &args.url, &cases, args.timeout)?;
            let mut written = Ok(());
            let report = runtime.block_on(run::run_all(
                &client,
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
            let report = runtime.block_on(run::run_all(
                &client,
                &args.url,
                cases,
                args.timeout,
                |_| {},
            ));
            match args.format {
                ProbeFormat::Json => report::to_json(&mut out, &report)?,
                _ => report::to_junit(&mut out, &report)?,
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

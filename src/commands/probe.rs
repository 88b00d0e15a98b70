//! `probe [--url URL]`: the reference's receiver rules run against a user's endpoint as named
//! conformance cases (all of them, or those `--case` names); a table, JSON or JUnit report; exit 1
//! when a case fails.

use std::io::Write;

use anyhow::bail;

use crate::Outcome;
use crate::cli::{ProbeArgs, ProbeFormat};
use crate::config::Settings;
use crate::events::{CATALOGUE, EventSpec};
use crate::output;
use crate::payload::now_millis;
use crate::probe::{Case, cases, report, run};

/// Runs `probe` against `--url`, else the profile's url.
pub fn run(args: ProbeArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let url = settings.url(args.url.as_ref())?.value;
    let timeout = settings.timeout(args.delivery.timeout).value;
    let secrets = args.delivery.secret.resolve(settings)?;
    let events = selected_events(&args);
    let cases = selected_cases(
        cases::build(&url, secrets.primary(), &events, now_millis()),
        &args.cases,
    )?;
    let client = args.delivery.trust.client();
    let runtime = crate::runtime()?;
    let mut out = std::io::stdout().lock();
    let report = match args.format {
        ProbeFormat::Human => {
            let mut table = report::Table::start(&mut out, &url, &cases, timeout)?;
            let mut written = Ok(());
            let report = runtime.block_on(run::run_all(&client, &url, &cases, timeout, |result| {
                output::checked(result.passed);
                if written.is_ok() {
                    written = table.row(&mut out, result).and_then(|()| out.flush());
                }
            }));
            output::checked(report.passed());
            written?;
            let curls = args.curl.then_some(cases.as_slice());
            table.finish(&mut out, &report, curls)?;
            report
        }
        ProbeFormat::Json | ProbeFormat::Junit => {
            let report = runtime.block_on(run::run_all(&client, &url, &cases, timeout, |_| {}));
            output::checked(report.passed());
            match args.format {
                ProbeFormat::Json => report::to_json(&mut out, &report, &cases)?,
                _ => report::to_junit(&mut out, &report)?,
            }
            report
        }
    };
    Ok(Outcome::from_ok(report.passed()))
}

/// The events of the `valid-<event>` cases: `--event`'s, once each in the order given; else
/// those `--case` names; else all 14. The other cases use the first.
fn selected_events(args: &ProbeArgs) -> Vec<&'static EventSpec> {
    let named: Vec<&'static EventSpec> = args
        .cases
        .iter()
        .filter_map(|id| id.strip_prefix("valid-"))
        .filter_map(crate::events::find)
        .collect();
    let given = if args.event.is_empty() {
        &named
    } else {
        &args.event
    };
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

/// The cases `--case` names (all when none), in the order they run.
fn selected_cases(all: Vec<Case>, wanted: &[String]) -> anyhow::Result<Vec<Case>> {
    if wanted.is_empty() {
        return Ok(all);
    }
    if let Some(missing) = wanted
        .iter()
        .find(|id| !all.iter().any(|case| &case.id == *id))
    {
        bail!("--case {missing} is not among the cases --event selects");
    }
    Ok(all
        .into_iter()
        .filter(|case| wanted.contains(&case.id))
        .collect())
}

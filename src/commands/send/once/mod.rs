//! `send` without `--count`: builds (or reads) payloads (`prepare`), signs exactly the bytes
//! sent, POSTs them with the reference's headers, and reports each attempt as it ends (`render`)
//! or as one JSON document (`report`); `--dry-run` prints the requests instead.

mod prepare;
mod render;
mod report;

use std::io::Write;
use std::time::Duration;

use crate::Outcome;
use crate::cli::SendArgs;
use crate::config::Settings;
use crate::contract::RETRY_DELAYS;
use crate::output::{self, Format};
use crate::secret::Secret;
use crate::wire;
use report::{DryRunReport, SendReport};

/// Sends each selected event once (with retries when asked).
pub(super) fn run(
    args: &SendArgs,
    settings: &Settings,
    secret: &Secret,
) -> anyhow::Result<Outcome> {
    let prepared = prepare::prepare(args, settings, secret).map_err(|err| {
        if args.dry_run {
            output::unreadable_document(args.format, err, DryRunReport::unreadable)
        } else {
            output::unreadable_document(args.format, err, SendReport::unreadable)
        }
    })?;
    let mut out = std::io::stdout().lock();
    if args.dry_run {
        match args.format {
            Format::Json => output::write_json_line(&mut out, &DryRunReport::new(&prepared))?,
            Format::Human => render::print_dry_run(&mut out, &prepared)?,
        }
        return Ok(Outcome::Success);
    }
    let delays = retry_delays(args);
    let timeout = settings.timeout(args.delivery.timeout).value;
    let client = args.delivery.trust.client();
    let runtime = crate::runtime()?;
    // Each line names where its event went when the events go to more than one URL.
    let several_urls = prepared
        .iter()
        .any(|item| item.request.url != prepared[0].request.url);
    let mut results = Vec::new();
    // A closed stdout stops the run after the delivery whose lines could not be written.
    let mut written = Ok(());
    for item in &prepared {
        let attempts = runtime.block_on(wire::deliver(
            &client,
            &item.request,
            timeout,
            &delays,
            |attempt, next| {
                if next.is_none() {
                    output::checked(attempt.delivered());
                }
                if args.format == Format::Human && written.is_ok() {
                    let destination = several_urls.then(|| item.request.url.destination());
                    written = render::print_attempt(
                        &mut out,
                        item,
                        destination.as_deref(),
                        attempt,
                        !delays.is_empty(),
                        next,
                    );
                    if args.verbose && written.is_ok() {
                        written = render::print_exchange(&mut out, &item.request, attempt);
                    }
                }
            },
        ));
        results.push((item, attempts));
        if written.is_err() {
            break;
        }
    }
    written?;
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

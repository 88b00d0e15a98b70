//! `send EVENT…|--all --export FORMAT`: each selected event's payload as `send` builds it (the
//! overrides, the schema check), its weight, and the file written to stdout or `--out`. Every
//! check runs before anything is written.

use anyhow::bail;

use crate::Outcome;
use crate::cli::{self, SendArgs};
use crate::config::{Origin, Settings};
use crate::export::{self, Common, Format, Weighted, refuse_sender_flags, why};

/// Writes the export of the selected events.
pub(super) fn run(args: &SendArgs, settings: &Settings, format: Format) -> anyhow::Result<Outcome> {
    let Format::Locust = format;
    let shown = [(args.dry_run, "--dry-run"), (args.verbose, "--verbose")];
    let shared = cli::sender_flags(&args.delivery, shown, args.format);
    refuse_sender_flags(&shared)?;
    refuse_sender_flags(&[
        (
            args.count.is_some(),
            "--count",
            "a Locust run lasts its -t/--run-time, or until stopped",
        ),
        (
            args.concurrency.is_some(),
            "--concurrency",
            why::CONCURRENCY,
        ),
        (
            args.rate.is_some(),
            "--rate",
            "pace Locust's users instead (wait_time in the file)",
        ),
        (
            args.retry,
            "--retry",
            "each delivery is sent once; Locust counts a non-2xx as failed",
        ),
        (
            !args.retry_schedule.is_empty(),
            "--retry-schedule",
            "each delivery is sent once",
        ),
        (args.url.is_some(), "--url", why::URL),
        (
            args.payload.is_some(),
            "--payload",
            "each delivery is built fresh from its event's sample (`titancard-wh replay` \
             re-sends a file as it is)",
        ),
        (
            args.timestamp.is_some(),
            "--timestamp",
            "each delivery's timestamp is when it is sent",
        ),
    ])?;
    let events = super::selected_events(args);
    for (index, spec) in events.iter().enumerate() {
        if events[..index].contains(spec) {
            bail!(
                "{} is named twice: name each event once, and give it --weight {}=N to send it more often",
                spec.name,
                spec.name
            );
        }
    }
    let mut weights = vec![1; events.len()];
    let mut weighted_already = Vec::new();
    for weight in &args.weight {
        let name = weight.event.name;
        let Some(index) = events.iter().position(|spec| spec.name == name) else {
            let names: Vec<&str> = events.iter().map(|spec| spec.name).collect();
            bail!(
                "--weight {name}={}: {name} is not among the events exported ({}); name it too, or use --all",
                weight.weight,
                names.join(", ")
            );
        };
        if weighted_already.contains(&name) {
            bail!("--weight {name} is given twice: give each event one weight");
        }
        weighted_already.push(name);
        weights[index] = weight.weight;
    }
    let mut weighted = Vec::new();
    for (spec, weight) in events.iter().zip(weights) {
        let body = export::event_body(spec, &args.set, &args.unset, !args.no_validate)?;
        weighted.push(Weighted { body, weight });
    }
    let timeout = settings.timeout(args.delivery.timeout);
    let from = (!matches!(timeout.origin, Origin::Default)).then(|| timeout.origin.to_string());
    let headers = args
        .header
        .iter()
        .map(|h| (h.name.clone(), h.value.clone()))
        .collect();
    let common = Common::new(
        export::command_line(std::env::args_os()),
        timeout.value,
        from,
        args.out.as_deref(),
        headers,
    );
    let text = export::send_file(&common, &weighted);
    export::write(args.out.as_deref(), &text)?;
    if let Some(out) = &args.out {
        let mix: Vec<String> = weighted
            .iter()
            .map(|event| format!("{} ×{}", event.body.spec.name, event.weight))
            .collect();
        export::print_written(out, &mix.join(", "))?;
    }
    Ok(Outcome::Success)
}

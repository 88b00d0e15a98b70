//! `story STORY`: compose the story (every payload checked before anything is sent), plan the
//! deliveries, sign them, write `--out` fixtures, then print the requests (`--dry-run`) or deliver
//! them and show the timeline.

use std::io::Write;
use std::sync::Arc;

use colored::Colorize;

use crate::Outcome;
use crate::cli::StoryRunArgs;
use crate::config::Settings;
use crate::output::{self, Format};
use crate::payload;
use crate::story::deliver::{self, Delivered};
use crate::story::plan::{self, Options};
use crate::story::report::{RunInfo, StoryReport, Timeline};
use crate::story::{self, Seed, out};
use crate::wire::{OutgoingRequest, WebhookUrl, transcript};

/// Runs one story.
pub(super) fn run(args: StoryRunArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let source = args
        .story
        .as_ref()
        .expect("clap requires STORY for a story run");
    let seed = args.seed.map_or_else(Seed::random, Seed);
    let options = Options {
        shuffle: args.shuffle,
        duplicates: args.duplicates,
    };
    let story = story::load(source).map_err(|err| unreadable(&args, settings, seed, err))?;
    let start = args.timestamp.unwrap_or_else(payload::now_millis);
    let composed = story::compose(&story, seed, start)?;
    let plan = plan::plan(&story.steps, options, seed);

    // The target and the secret come from the one resolver: --url for every event, else the
    // profile's route for each event, else its url. With --dry-run, or --out and no --url,
    // nothing is sent.
    let secrets = args.delivery.secret.resolve(settings)?;
    let sending = !args.dry_run && (args.url.is_some() || args.out.is_none());
    let url = match settings.url(args.url.as_ref()) {
        Ok(resolved) if sending || args.dry_run => Some(resolved.value),
        Err(err) if sending => return Err(err),
        _ => None,
    };
    let placeholder: WebhookUrl = "http://localhost/"
        .parse()
        .expect("the placeholder URL is valid");
    let requests: Vec<OutgoingRequest> = composed
        .iter()
        .map(|step| {
            let target = match &url {
                Some(_) => settings.url_for(step.event.name, args.url.as_ref())?.value,
                None => placeholder.clone(),
            };
            Ok(OutgoingRequest::signed(
                &target,
                step.event.name,
                step.body.clone(),
                secrets.primary(),
            ))
        })
        .collect::<anyhow::Result<_>>()?;
    let written = match &args.out {
        Some(dir) => Some(out::write(dir, &composed, &plan, &requests)?),
        None => None,
    };
    let info = RunInfo {
        story: &story.name,
        file: source.file().map(|path| path.display().to_string()),
        seed: seed.0,
        options,
        concurrency: args.concurrency.unwrap_or(1),
        out: args.out.as_ref().map(|dir| dir.display().to_string()),
    };
    let mut stdout = std::io::stdout().lock();
    let Some(url) = url.clone().filter(|_| sending) else {
        let shown = super::dry_run::Shown {
            info: &info,
            url: url.as_ref(),
            composed: &composed,
            plan: &plan,
            requests: &requests,
            written: written.as_ref(),
        };
        match (args.format, args.dry_run) {
            (Format::Json, _) => shown.json(&mut stdout)?,
            (Format::Human, true) => shown.requests(&mut stdout)?,
            (Format::Human, false) => shown.files(&mut stdout)?,
        }
        return Ok(Outcome::Success);
    };

    let mut timeline = Timeline::new(&composed);
    if args.format == Format::Human {
        timeline.header(&mut stdout, &info, &url, &plan)?;
    }
    let delivery = deliver::Settings {
        timeout: settings.timeout(args.delivery.timeout).value,
        concurrency: args.concurrency.unwrap_or(1),
    };
    let prefix = format!("      {} ", "|".dimmed());
    let client = Arc::new(args.delivery.trust.client());
    let runtime = crate::runtime()?;
    let delivered: Vec<Delivered> = runtime.block_on(deliver::run(
        client,
        &requests,
        &plan,
        delivery,
        |delivered| {
            output::checked(delivered.attempt.delivered());
            if args.format == Format::Human {
                // A closed stdout surfaces at the next write below.
                let _ = timeline.row(&mut stdout, delivered);
                if args.verbose {
                    let request = &requests[delivered.delivery.step];
                    let answer = delivered.attempt.result.as_ref().ok();
                    let _ = transcript::exchange(&mut stdout, request, answer, &prefix);
                }
            }
        },
    ));
    let report = StoryReport::new(&info, &url, &composed, &delivered);
    output::checked(report.ok());
    match args.format {
        Format::Json => output::write_json_line(&mut stdout, &report)?,
        Format::Human => timeline.footer(&mut stdout, &info, &delivered)?,
    }
    stdout.flush()?;
    Ok(Outcome::from_ok(report.ok()))
}

/// The story file could not be read: under `--format json`, the document the run would have
/// printed (a dry run's, or a delivery run's when its URL is known) says so before the error.
fn unreadable(
    args: &StoryRunArgs,
    settings: &Settings,
    seed: Seed,
    err: anyhow::Error,
) -> anyhow::Error {
    let Some(source) = args.story.as_ref() else {
        return err;
    };
    let name = source.default_name();
    let info = RunInfo {
        story: &name,
        file: source.file().map(|path| path.display().to_string()),
        seed: seed.0,
        options: Options {
            shuffle: args.shuffle,
            duplicates: args.duplicates,
        },
        concurrency: args.concurrency.unwrap_or(1),
        out: args.out.as_ref().map(|dir| dir.display().to_string()),
    };
    let sending = !args.dry_run && (args.url.is_some() || args.out.is_none());
    if !sending {
        return output::unreadable_document(args.format, err, |unreadable| {
            super::dry_run::unreadable(&info, unreadable)
        });
    }
    match settings.url(args.url.as_ref()) {
        Ok(url) => output::unreadable_document(args.format, err, |unreadable| {
            StoryReport::unreadable(&info, &url.value, unreadable)
        }),
        Err(_) => err,
    }
}

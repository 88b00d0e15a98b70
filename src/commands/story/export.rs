//! `story STORY --export FORMAT`: the story composed as a run composes it (every payload checked),
//! each step as a template of one walk, `--shuffle` and `--duplicates` carried over, and the file
//! written to stdout or `--out`. Every check runs before anything is written.

use crate::Outcome;
use crate::cli::{self, StoryRunArgs};
use crate::config::{Origin, Settings};
use crate::export::{self, Common, Format, StoryExport, refuse_sender_flags, why};
use crate::story::{self, plan};

/// Writes the export of one story.
pub(super) fn run(
    args: &StoryRunArgs,
    settings: &Settings,
    format: Format,
) -> anyhow::Result<Outcome> {
    let Format::Locust = format;
    let shown = [(args.dry_run, "--dry-run"), (args.verbose, "--verbose")];
    let shared = cli::sender_flags(&args.delivery, shown, args.format);
    refuse_sender_flags(&shared)?;
    refuse_sender_flags(&[
        (args.url.is_some(), "--url", why::URL),
        (
            args.concurrency.is_some(),
            "--concurrency",
            why::CONCURRENCY,
        ),
        (
            args.seed.is_some(),
            "--seed",
            "each walk draws its own ids and order; one seed would give every walk the same",
        ),
        (
            args.timestamp.is_some(),
            "--timestamp",
            "each walk's times count from when it starts",
        ),
    ])?;
    let source = args
        .story
        .as_ref()
        .expect("clap requires STORY for a story run");
    let story = story::load(source)?;
    let bodies = export::story_bodies(&story)?;
    let timeout = settings.timeout(args.delivery.timeout);
    let from = (!matches!(timeout.origin, Origin::Default)).then(|| timeout.origin.to_string());
    let common = Common::new(
        export::command_line(std::env::args_os()),
        timeout.value,
        from,
        args.out.as_deref(),
        Vec::new(),
    );
    let exported = StoryExport {
        duplicates: plan::duplicate_count(story.steps.len(), args.duplicates),
        name: story.name.clone(),
        description: story.description.clone(),
        bodies,
        shuffle: args.shuffle,
        duplicates_fraction: args.duplicates,
    };
    let text = export::story_file(&common, &exported);
    export::write(args.out.as_deref(), &text)?;
    if let Some(out) = &args.out {
        let what = format!(
            "story {}, {} steps a walk{}",
            story.name,
            story.steps.len(),
            match exported.duplicates {
                0 => String::new(),
                n => format!(" and {n} re-deliveries"),
            }
        );
        export::print_written(out, &what)?;
    }
    Ok(Outcome::Success)
}

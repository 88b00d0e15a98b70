//! `story`: list and show stories (`show`), deliver one (`run`, with `--dry-run` and `--out`
//! in `dry_run`), or write it for another tool to deliver (`export`).

mod dry_run;
mod export;
mod run;
mod show;

use crate::Outcome;
use crate::cli::{StoryAction, StoryArgs, StoryRunArgs};
use crate::config::Settings;

/// Runs `story list`, `story show STORY`, or `story [run] STORY` (its URL, secret and timeout
/// from the flags, else the project file's profile).
pub fn run(args: StoryArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    match args.action {
        Some(StoryAction::List { format }) => show::list(format),
        Some(StoryAction::Show { story, format }) => show::show(&story, format),
        Some(StoryAction::Run(run)) => run_or_export(*run, settings),
        None => run_or_export(*args.run, settings),
    }
}

/// Delivers the story, or with `--export` writes it out.
fn run_or_export(args: StoryRunArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    match args.export {
        Some(format) => export::run(&args, settings, format),
        None => run::run(args, settings),
    }
}

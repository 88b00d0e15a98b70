//! `story`: list and show stories (`show`), and deliver one (`run`, with `--dry-run` and `--out`
//! in `dry_run`).

mod dry_run;
mod run;
mod show;

use crate::Outcome;
use crate::cli::{StoryAction, StoryArgs};
use crate::config::Settings;

/// Runs `story list`, `story show STORY`, or `story [run] STORY` (its URL, secret and timeout
/// from the flags, else the project file's profile).
pub fn run(args: StoryArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    match args.action {
        Some(StoryAction::List { format }) => show::list(format),
        Some(StoryAction::Show { story, format }) => show::show(&story, format),
        Some(StoryAction::Run(run)) => run::run(*run, settings),
        None => run::run(*args.run, settings),
    }
}

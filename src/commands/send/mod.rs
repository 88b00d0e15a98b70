//! `send`: one delivery per selected event (`once`, with `--dry-run` and `--retry`), or load mode
//! with `--count` (`load`). This file picks one and holds what both build payloads from.

mod load;
mod once;

use crate::Outcome;
use crate::cli::SendArgs;
use crate::config::Settings;
use crate::events::{CATALOGUE, EventSpec};
use crate::payload::Overrides;

/// Runs `send`: each event to its URL (`--url`, else the profile's route for it, else the
/// profile's url).
pub fn run(args: SendArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let secrets = args.delivery.secret.resolve(settings)?;
    match args.count {
        Some(count) => load::run(&args, settings, count, secrets.primary()),
        None => once::run(&args, settings, secrets.primary()),
    }
}

/// The events `--all` or EVENT selects, in catalogue order.
fn selected_events(args: &SendArgs) -> Vec<&'static EventSpec> {
    match args.event {
        Some(spec) if !args.all => vec![spec],
        _ => CATALOGUE.iter().collect(),
    }
}

/// The `--set` and `--unset` overrides, with this envelope timestamp (now when `None`).
fn overrides(args: &SendArgs, timestamp: Option<u64>) -> Overrides {
    Overrides {
        timestamp,
        set: args.set.clone(),
        unset: args.unset.clone(),
    }
}

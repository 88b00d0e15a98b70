//! `send`: one delivery per selected event (`once`, with `--dry-run` and `--retry`), load mode
//! with `--count` (`load`), or a file for another tool to send them with `--export` (`export`).
//! This file picks one and holds what they build payloads from.

mod export;
mod load;
mod once;

use anyhow::bail;

use crate::Outcome;
use crate::cli::SendArgs;
use crate::config::Settings;
use crate::events::{CATALOGUE, EventSpec};
use crate::payload::Overrides;

/// Runs `send`: each event to its URL (`--url`, else the profile's route for it, else the
/// profile's url).
pub fn run(args: SendArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    if let Some(format) = args.export {
        return export::run(&args, settings, format);
    }
    if !args.weight.is_empty() {
        bail!("--weight mixes the events of an export: add --export locust");
    }
    if args.out.is_some() {
        bail!("--out names the file of an export: add --export locust");
    }
    if args.payload.is_some() && args.events.len() > 1 {
        bail!("--payload sends one file: give at most one EVENT with it");
    }
    let secrets = args.delivery.secret.resolve(settings)?;
    match args.count {
        Some(count) => load::run(&args, settings, count, secrets.primary()),
        None => once::run(&args, settings, secrets.primary()),
    }
}

/// The events EVENT… select in the order given, or `--all` in catalogue order.
fn selected_events(args: &SendArgs) -> Vec<&'static EventSpec> {
    if args.all || args.events.is_empty() {
        CATALOGUE.iter().collect()
    } else {
        args.events.clone()
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

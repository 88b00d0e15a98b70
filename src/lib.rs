//! `titancard-wh`: the developer toolkit for TitanCard webhooks, as a library that the binary and
//! the integration tests share.
//!
//! Exit codes (see `cli::EXIT_CODES`): 0 all good, 1 a check failed, 2 usage or unreadable input.
//!
//! Layers point one way: `cli` (what can be typed) → `commands` (one file of glue per command) →
//! the domain modules (`wire`, `receiver`, `inspector`, `probe`, `story`, `export`, `validate`,
//! `capture`, `diagnose`, `payload`) → the facts (`contract`, `events`, `schema`, `signature`, `headers`,
//! `json_pointer`). `config` resolves every value a command takes from a flag, the environment or
//! the project file, once, before the command runs. Only `cli` and `output` (for `main`) are
//! public, and `internals` for the tests and fuzz targets, so the compiler reports any item
//! nothing uses.

mod capture;
pub mod cli;
mod commands;
mod config;
mod contract;
mod diagnose;
mod duration;
mod events;
mod export;
mod fields;
mod headers;
mod input;
mod inspector;
mod json_pointer;
mod junit;
pub mod output;
mod payload;
mod probe;
mod receiver;
mod record;
mod schema;
mod secret;
mod signature;
mod story;
mod validate;
mod wire;

/// What the integration tests and the fuzz targets reach into. Not a stable API.
#[doc(hidden)]
pub mod internals {
    pub use crate::capture::{
        InputKind, detect, header_problems, parse_http, parse_jsonl, parse_requests,
    };
    pub use crate::diagnose::diagnose;
    pub use crate::events::{CATALOGUE, EventSpec, find};
    pub use crate::payload::event_name;
    pub use crate::record::{BodyEncoding, RequestRecord};
    pub use crate::schema::{event_schema, validate_payload};
    pub use crate::secret::Secret;
    pub use crate::signature::{sign, verify};
    pub use crate::validate::check_bytes;
}

use std::process::ExitCode;

use cli::{Cli, Command};

/// What a command concluded, when it could run at all. "Could not run" is an `Err` (exit 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every check passed (exit 0).
    Success,
    /// The command ran and a check failed: a bad signature, an invalid payload, a non-2xx answer
    /// (exit 1).
    CheckFailed,
}

impl Outcome {
    /// `Success` when `ok`, else `CheckFailed`.
    pub fn from_ok(ok: bool) -> Self {
        if ok {
            Outcome::Success
        } else {
            Outcome::CheckFailed
        }
    }

    /// The process exit code for this outcome.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::CheckFailed => ExitCode::from(1),
        }
    }
}

/// Runs one parsed command line. A closed stdout (`… | head`) stops the command quietly, with the
/// outcome of the checks it made until then.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match dispatch(cli) {
        Err(err) if output::is_broken_pipe(&err) => Ok(output::outcome_so_far()),
        result => result,
    }
}

/// Runs the command. The commands that deliver, listen or need the secret get the `Settings`
/// (project file, profile, environment), loaded here once.
fn dispatch(cli: Cli) -> anyhow::Result<Outcome> {
    let request = cli.config_request();
    let settings = || config::Settings::load(&request);
    match cli.command {
        Command::Events(args) => commands::events::run(args),
        Command::Schema(args) => commands::schema::run(args),
        Command::Sign(args) => commands::sign::run(args, &settings()?),
        Command::Send(args) => commands::send::run(args, &settings()?),
        Command::Verify(args) => commands::verify::run(args, &settings()?),
        Command::Validate(args) => commands::validate::run(args),
        Command::Listen(args) => commands::listen::run(args, &settings()?),
        Command::Probe(args) => commands::probe::run(args, &settings()?),
        Command::Replay(args) => commands::replay::run(args, &settings()?),
        Command::Story(args) => commands::story::run(args, &settings()?),
        Command::Demo(args) => commands::demo::run(args),
        Command::Config(args) => commands::config::run(args, &request),
        Command::Completions(args) => commands::completions::run(args),
        Command::Man(args) => commands::man::run(args),
    }
}

/// A multi-threaded tokio runtime for the commands that do network work. Built on demand so that
/// offline commands (`sign`, `validate`, `verify`) start without it.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| anyhow::anyhow!("cannot start the async runtime: {err}"))
}

//! The command line: clap derive definitions, one struct per subcommand, and nothing else.
//!
//! Conventions (after xh): explicit `short`, implicit `long`, UPPERCASE `value_name`, doc comments
//! as help text. Behaviour lives in `commands/`; this file only describes what can be typed.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod network;
mod offline;

pub use network::{DemoArgs, ListenArgs, ProbeArgs, ReplayArgs, SendArgs};
pub use offline::{
    CompletionsArgs, EventsAction, EventsArgs, InputFormat, SchemaArgs, SignArgs, ValidateArgs,
    VerifyArgs,
};

/// The exit-code table, shown in the top-level `--help` and the README.
macro_rules! exit_codes {
    () => {
        "Exit codes:
  0  all good
  1  a check failed: bad signature, invalid payload, non-2xx or no answer, failed probe case
  2  usage error or unreadable input"
    };
}

/// The exit-code table, for callers outside clap.
pub const EXIT_CODES: &str = exit_codes!();

const MAIN_AFTER_HELP: &str = concat!(
    "Examples:
  titancard-wh demo
  titancard-wh events show connection.created
  titancard-wh send connection.created --url http://localhost:3000/webhook --secret whsec_test
  titancard-wh verify capture.http --secret whsec_test
  titancard-wh validate payloads/ --strict --format github
  titancard-wh listen --port 8787 --secret whsec_test --save events.jsonl
  titancard-wh probe --url http://localhost:3000/webhook --secret whsec_test

The secret comes from --secret, --secret-file FILE, or TITANCARD_WEBHOOK_SECRET (in that order).

",
    exit_codes!()
);

/// Build, sign, send, verify and validate TitanCard webhooks.
#[derive(Debug, Parser)]
#[command(name = "titancard-wh", version, propagate_version = true, after_help = MAIN_AFTER_HELP)]
pub struct Cli {
    /// When to colour output: auto (a terminal, unless NO_COLOR is set), always, never
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto, global = true)]
    pub color: ColorWhen,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the 14 events, or show one event's sample payload and fields
    Events(EventsArgs),
    /// Print the JSON Schema (draft 2020-12) of one event or all, or write them to a folder
    Schema(SchemaArgs),
    /// Sign a body and print the X-Webhook-Signature value (sha256=<hex>)
    Sign(SignArgs),
    /// Send a signed sample event (or your own payload) to a URL
    Send(SendArgs),
    /// Verify a captured request's signature and explain a mismatch
    Verify(VerifyArgs),
    /// Validate payload files against the event schemas
    Validate(ValidateArgs),
    /// Run a local receiver that verifies, validates, dedupes and records events
    Listen(ListenArgs),
    /// Check that an endpoint follows the receiver rules (a conformance suite)
    Probe(ProbeArgs),
    /// Re-send recorded requests byte for byte
    Replay(ReplayArgs),
    /// Start an embedded receiver, send it all 14 events and verify each end to end
    Demo(DemoArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// `--format` for commands whose output is a report: human text or one JSON document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// `--format` for `validate`, which also speaks CI dialects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    Human,
    Json,
    /// GitHub Actions annotations (::error file=…,line=…,col=…::message)
    Github,
    /// JUnit XML, one test case per payload
    Junit,
}

/// `--format` for `probe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProbeFormat {
    Human,
    Json,
    Junit,
}

/// Where the webhook secret comes from. Resolved once by `secret::Secrets::resolve`.
#[derive(Debug, Clone, Args)]
pub struct SecretArgs {
    /// The webhook secret (repeat for rotation where a command accepts several)
    /// [env: TITANCARD_WEBHOOK_SECRET]
    #[arg(long, value_name = "SECRET")]
    pub secret: Vec<String>,

    /// Read the secret from a file (one secret per line for rotation)
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}

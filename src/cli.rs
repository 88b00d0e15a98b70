//! The command line: clap derive definitions, one struct per subcommand, and nothing else.
//!
//! Conventions (after xh): explicit `short`, implicit `long`, UPPERCASE `value_name`, doc comments
//! as help text. Behaviour lives in `commands/`; this file only describes what can be typed.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::events::{EventSpec, parse_event};

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

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  titancard-wh events\n  titancard-wh events show card.viewed")]
pub struct EventsArgs {
    #[command(subcommand)]
    pub action: Option<EventsAction>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Subcommand)]
pub enum EventsAction {
    /// Print an event's sample payload and its fields with their types
    Show {
        /// The event name, such as connection.created
        #[arg(value_name = "EVENT", value_parser = parse_event)]
        event: &'static EventSpec,

        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  titancard-wh schema connection.created\n  titancard-wh schema --out schemas/"
)]
pub struct SchemaArgs {
    /// One event; all events and the envelope when omitted
    #[arg(value_name = "EVENT", value_parser = parse_event)]
    pub event: Option<&'static EventSpec>,

    /// Write DIR/<event>.schema.json for each event and DIR/titancard-webhook.schema.json
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  titancard-wh sign body.json --secret whsec_test
  cat body.json | titancard-wh sign --secret-file secret.txt
  titancard-wh sign body.json --secret whsec_test --curl http://localhost:3000/webhook

Exit codes:
  0  signed
  2  usage error or unreadable input")]
pub struct SignArgs {
    /// The body to sign, byte for byte; - or nothing reads stdin
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Print a ready-to-paste curl command that sends the body to URL with all four headers
    #[arg(long, value_name = "URL")]
    pub curl: Option<String>,

    #[command(flatten)]
    pub secret: SecretArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  titancard-wh send connection.created --url http://localhost:3000/webhook --secret whsec_test
  titancard-wh send card.updated --url URL --set data.title=CTO --set 'data.changed_fields=[\"title\"]'
  titancard-wh send connection.created --url URL --unset data.phone
  titancard-wh send --all --url URL
  titancard-wh send connection.created --payload my-event.json --url URL
  titancard-wh send connection.created --dry-run
  titancard-wh send connection.created --url URL --retry --retry-schedule 1s,2s,3s
  titancard-wh send --all --url URL --count 10000 --concurrency 64

Exit codes:
  0  every delivery got a 2xx answer
  1  a delivery got a non-2xx answer or no answer
  2  usage error, unreadable or invalid payload")]
pub struct SendArgs {
    /// The event to send (its sample payload, unless --payload is given)
    #[arg(value_name = "EVENT", value_parser = parse_event, required_unless_present_any = ["all", "payload"])]
    pub event: Option<&'static EventSpec>,

    /// The endpoint to POST to
    #[arg(short, long, value_name = "URL", required_unless_present = "dry_run")]
    pub url: Option<String>,

    /// Send every event, in catalogue order
    #[arg(long, conflicts_with_all = ["event", "payload"])]
    pub all: bool,

    /// Override a field: PATH=VALUE, VALUE parsed as JSON when it is JSON, else a string
    #[arg(long, value_name = "PATH=VALUE")]
    pub set: Vec<String>,

    /// Remove a field: PATH such as data.phone
    #[arg(long, value_name = "PATH")]
    pub unset: Vec<String>,

    /// Send this file byte for byte instead of a sample (- reads stdin)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["set", "unset", "timestamp"])]
    pub payload: Option<PathBuf>,

    /// The envelope timestamp in milliseconds since the epoch (default: now)
    #[arg(long, value_name = "MS")]
    pub timestamp: Option<u64>,

    /// Add a header to the request: 'Name: value' (repeatable)
    #[arg(short = 'H', long, value_name = "HEADER")]
    pub header: Vec<String>,

    /// Send the payload even when it does not match the event's schema (for negative tests)
    #[arg(long)]
    pub no_validate: bool,

    /// Print the full request (headers and body) and send nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Give up on an answer after this long
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = humantime::parse_duration)]
    pub timeout: Duration,

    /// On a non-2xx answer or no answer, retry as TitanCard does: after 1 min, 5 min and 15 min
    #[arg(long)]
    pub retry: bool,

    /// Replace the retry delays, e.g. 1s,2s,3s (implies --retry)
    #[arg(long, value_name = "DELAYS", value_delimiter = ',', value_parser = humantime::parse_duration)]
    pub retry_schedule: Vec<Duration>,

    /// Load mode: send this many deliveries (each with a unique timestamp, id and signature)
    #[arg(short = 'n', long, value_name = "N")]
    pub count: Option<u64>,

    /// Load mode: deliveries in flight at once
    #[arg(short = 'c', long, value_name = "C", default_value_t = 1)]
    pub concurrency: usize,

    /// Load mode: at most this many deliveries per second
    #[arg(long, value_name = "R")]
    pub rate: Option<f64>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    #[command(flatten)]
    pub secret: SecretArgs,
}

/// `verify --input-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Detect from the content
    Auto,
    /// A raw HTTP/1.1 request: request line, headers, blank line, body
    Http,
    /// JSON Lines records as written by `listen --save`
    Jsonl,
    /// A bare body, with the signature given by --signature
    Body,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  titancard-wh verify capture.http --secret whsec_test
  titancard-wh verify body.json --signature 'sha256=…' --secret whsec_test
  titancard-wh verify events.jsonl --secret whsec_old --secret whsec_new
  nc -l 8080 | tee capture.http; titancard-wh verify capture.http --tolerance 30m

Exit codes:
  0  every signature is valid
  1  a signature is invalid (the reason and likely cause are printed), or a captured
     request's X-Webhook-Event, Content-Type or --tolerance check failed
  2  usage error or unreadable input")]
pub struct VerifyArgs {
    /// A captured request, a listen --save file, or a bare body; - or nothing reads stdin
    #[arg(value_name = "FILE")]
    pub input: Option<PathBuf>,

    /// The X-Webhook-Signature value for a bare body
    #[arg(short, long, value_name = "SIGNATURE")]
    pub signature: Option<String>,

    /// How to read the input
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,

    /// Fail a payload whose timestamp is further than this from now, either way (e.g. 30m). Off by
    /// default: TitanCard signs no timestamp, and its retries arrive up to ~21 minutes late
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub tolerance: Option<Duration>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    #[command(flatten)]
    pub secret: SecretArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  titancard-wh validate payload.json
  titancard-wh validate payloads/ 'captures/**/*.jsonl' --strict
  cat payload.json | titancard-wh validate -
  titancard-wh validate payloads/ --format github

Exit codes:
  0  every payload is valid
  1  a payload is invalid (syntax error, empty file, schema error, or a lint under --strict)
  2  a path cannot be read, or a folder or glob holds no payload files")]
pub struct ValidateArgs {
    /// Files, folders (searched for *.json and *.jsonl), globs, or - for stdin
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,

    /// Reject unknown keys at every level and turn lint warnings into errors
    #[arg(long)]
    pub strict: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = ValidateFormat::Human)]
    pub format: ValidateFormat,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  titancard-wh listen --secret whsec_test
  titancard-wh listen --port 0 --secret whsec_test --save events.jsonl
  titancard-wh listen --secret whsec_test --forward-to http://localhost:3000/webhook
  titancard-wh listen --secret whsec_test --fail-first 2 --delay 2s

Exit codes:
  0  stopped by Ctrl-C or SIGTERM
  2  usage error, or the address cannot be bound")]
pub struct ListenArgs {
    /// The address to bind (loopback by default; anything else exposes the receiver)
    #[arg(long, value_name = "HOST", default_value = "127.0.0.1")]
    pub host: String,

    /// The port to bind (0 picks a free one; the address is printed first)
    #[arg(short, long, value_name = "PORT", default_value_t = 8787)]
    pub port: u16,

    /// The path that receives webhooks
    #[arg(long, value_name = "PATH", default_value = "/webhook")]
    pub path: String,

    /// Refuse bodies larger than this many bytes with 413
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_body: usize,

    /// Append one JSON Lines record per request to FILE before answering
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,

    /// Relay each accepted request to URL and answer with its status
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,

    /// Answer every otherwise-accepted request with this status (simulate failures)
    #[arg(long, value_name = "CODE")]
    pub status: Option<u16>,

    /// Answer this fraction of accepted requests with 500 (0.0 to 1.0)
    #[arg(long, value_name = "RATE")]
    pub fail_rate: Option<f64>,

    /// Answer the first N accepted requests with 500
    #[arg(long, value_name = "N")]
    pub fail_first: Option<u64>,

    /// Wait this long before answering (e.g. 2s)
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub delay: Option<Duration>,

    /// Give a client this long to send its headers, and as long again for its body
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = humantime::parse_duration)]
    pub read_timeout: Duration,

    /// Remember this many accepted deliveries to detect duplicates (oldest forgotten first; 0: off)
    #[arg(long, value_name = "N", default_value_t = crate::receiver::dedupe::DEFAULT_CAPACITY)]
    pub dedupe_capacity: usize,

    /// Output format for the per-request lines (json: JSON Lines)
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    #[command(flatten)]
    pub secret: SecretArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  titancard-wh probe --url http://localhost:3000/webhook --secret whsec_test
  titancard-wh probe --url URL --event connection.created --format junit > probe.xml

Exit codes:
  0  every case passed
  1  a case failed
  2  usage error")]
pub struct ProbeArgs {
    /// The endpoint under test
    #[arg(short, long, value_name = "URL")]
    pub url: String,

    /// Only these events for the valid-<event> cases (repeatable; default all 14)
    #[arg(short, long, value_name = "EVENT", value_parser = parse_event)]
    pub event: Vec<&'static EventSpec>,

    /// The deadline for each answer (the reference's is 30 s)
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = humantime::parse_duration)]
    pub timeout: Duration,

    /// Output format
    #[arg(long, value_enum, default_value_t = ProbeFormat::Human)]
    pub format: ProbeFormat,

    #[command(flatten)]
    pub secret: SecretArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  titancard-wh replay events.jsonl --url http://localhost:3000/webhook
  titancard-wh replay capture.http --url URL --resign --secret whsec_new

Exit codes:
  0  every request got a 2xx answer
  1  a request got a non-2xx answer or no answer
  2  usage error or unreadable input")]
pub struct ReplayArgs {
    /// A listen --save file (JSON Lines) or a raw HTTP capture
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The endpoint to send to
    #[arg(short, long, value_name = "URL")]
    pub url: String,

    /// Sign each body again with the given secret instead of keeping its signature
    #[arg(long)]
    pub resign: bool,

    /// Give up on an answer after this long
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = humantime::parse_duration)]
    pub timeout: Duration,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    #[command(flatten)]
    pub secret: SecretArgs,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  titancard-wh completions bash > /etc/bash_completion.d/titancard-wh\n  titancard-wh completions zsh > \"${fpath[1]}/_titancard-wh\""
)]
pub struct CompletionsArgs {
    /// The shell to generate completions for
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
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

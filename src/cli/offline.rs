//! Arguments of the commands that work on local input: `events`, `schema`, `sign`, `verify`,
//! `validate`, `completions`, `man`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};

use super::values;
use super::{SecretArgs, ValidateFormat};
use crate::events::{EventSpec, parse_event};
use crate::output::Format;
use crate::wire::WebhookUrl;

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  titancard-wh events
  titancard-wh events show card.viewed
  titancard-wh events show card.viewed --body > card.viewed.json
  titancard-wh events --format json")]
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
    #[command(after_long_help = "Examples:
  titancard-wh events show connection.created
  titancard-wh events show card.viewed --body > card.viewed.json
  titancard-wh events show card.viewed --body --pretty
  titancard-wh events show reminder.due --format json")]
    Show {
        /// The event name, such as connection.created
        #[arg(value_name = "EVENT", value_parser = parse_event)]
        event: &'static EventSpec,

        /// Print the sample body alone (compact, as a sender sends it), ready for a file
        #[arg(long, conflicts_with = "format")]
        body: bool,

        /// With --body: pretty-printed instead of compact
        #[arg(long, requires = "body")]
        pretty: bool,

        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:
  titancard-wh schema connection.created
  titancard-wh schema > titancard-webhook.schema.json
  titancard-wh schema --out schemas/
  titancard-wh schema --openapi > webhooks.openapi.json")]
pub struct SchemaArgs {
    /// One event; all events and the envelope when omitted
    #[arg(value_name = "EVENT", value_parser = parse_event)]
    pub event: Option<&'static EventSpec>,

    /// Write DIR/<event>.schema.json for each event and DIR/titancard-webhook.schema.json
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Print an OpenAPI 3.1 document with a webhooks entry per event (with --out: write
    /// DIR/titancard-webhooks.openapi.json)
    #[arg(long, conflicts_with = "event")]
    pub openapi: bool,
}

#[derive(Debug, Args)]
#[command(after_long_help = "Exit codes:
  0  signed
  2  usage error or unreadable input

Examples:
  titancard-wh sign body.json --secret whsec_test
  cat body.json | titancard-wh sign --secret-file secret.txt
  titancard-wh sign body.json --secret whsec_test \\
    --curl http://localhost:3000/webhook")]
pub struct SignArgs {
    /// The body to sign, byte for byte; - or nothing reads stdin
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Print a ready-to-paste curl command that sends the body to URL with all four headers
    #[arg(long, value_name = "URL")]
    pub curl: Option<WebhookUrl>,

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
#[command(after_long_help = "Exit codes:
  0  every signature is valid
  1  a signature is invalid (the reason and likely cause are printed), or a
     captured request's X-Webhook-Event, Content-Type or --tolerance check
     failed, or a request in a capture is not whole
  2  usage error or unreadable input

Examples:
  titancard-wh verify capture.http --secret whsec_test
  titancard-wh verify body.json --signature 'sha256=…' --secret whsec_test
  titancard-wh verify events.jsonl --secret whsec_old --secret whsec_new
  titancard-wh verify capture.http --tolerance 30m
  titancard-wh verify events.jsonl --format json")]
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
    #[arg(long, value_name = "DURATION", value_parser = values::positive_duration)]
    pub tolerance: Option<Duration>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    #[command(flatten)]
    pub secret: SecretArgs,
}

#[derive(Debug, Args)]
#[command(after_long_help = "Exit codes:
  0  every payload is valid
  1  a payload is invalid (syntax error, empty file, schema error, or a lint
     under --strict)
  2  a path cannot be read, or a folder or glob holds no payload files

Examples:
  titancard-wh validate payload.json
  titancard-wh validate payloads/ 'captures/**/*.jsonl' --strict
  cat payload.json | titancard-wh validate -
  titancard-wh validate payloads/ --format github
  titancard-wh validate payloads/ --format junit > validate.xml")]
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
#[command(after_long_help = "Examples:
  titancard-wh completions bash > /etc/bash_completion.d/titancard-wh
  titancard-wh completions zsh > \"${fpath[1]}/_titancard-wh\"
  titancard-wh completions fish > ~/.config/fish/completions/titancard-wh.fish")]
pub struct CompletionsArgs {
    /// The shell to generate completions for
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
#[command(after_long_help = "Exit codes:
  0  printed or written
  2  no such command, or the folder cannot be written

Examples:
  titancard-wh man | man -l -
  titancard-wh man send | man -l -
  titancard-wh man events show > titancard-wh-events-show.1
  titancard-wh man --out ~/.local/share/man/man1")]
pub struct ManArgs {
    /// The command whose page to print, such as send or events show (default: titancard-wh's own)
    #[arg(value_name = "COMMAND", conflicts_with = "out")]
    pub command: Vec<String>,

    /// Write every page, titancard-wh.1 and titancard-wh-COMMAND.1 for each command, to DIR
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

//! Arguments of the commands that talk HTTP: `send`, `listen`, `probe`, `replay`, `demo`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::values::{self, HeaderArg};
use super::{DeliveryArgs, ProbeFormat, SecretArgs, TrustArgs};
use crate::events::{EventSpec, parse_event};
use crate::export::{Format as ExportFormat, Weight};
use crate::output::Format;
use crate::payload::SetField;
use crate::payload::field_path::FieldPath;
use crate::probe::cases::parse_case_id;
use crate::receiver::dedupe::DEFAULT_CAPACITY;
use crate::wire::WebhookUrl;

#[derive(Debug, Args)]
#[command(after_long_help = "Exit codes:
  0  every delivery got a 2xx answer (with --export: the file was written)
  1  a delivery got a non-2xx answer or no answer
  2  usage error, unreadable or invalid payload

Examples:
  titancard-wh send connection.created --url http://localhost:3000/webhook \\
    --secret whsec_test
  titancard-wh send card.updated --url URL --set data.title=CTO --dry-run
  titancard-wh send --payload my-event.json --url URL
  titancard-wh send --all --url URL --count 10000 --concurrency 64
  titancard-wh send --all --export locust --out locustfile.py    # docs/load.md")]
pub struct SendArgs {
    /// The events to send, in the order given (each its sample payload, unless --payload is
    /// given: then one event)
    #[arg(value_name = "EVENT", value_parser = parse_event, required_unless_present_any = ["all", "payload"])]
    pub events: Vec<&'static EventSpec>,

    /// The endpoint to POST to (default: the profile's route for the event, else its url)
    #[arg(short, long, value_name = "URL")]
    pub url: Option<WebhookUrl>,

    /// Send every event, in catalogue order
    #[arg(long, conflicts_with_all = ["events", "payload"])]
    pub all: bool,

    /// Override a field: PATH=VALUE, VALUE parsed as JSON when it is JSON, else a string
    #[arg(long, value_name = "PATH=VALUE")]
    pub set: Vec<SetField>,

    /// Remove a field: PATH such as data.phone
    #[arg(long, value_name = "PATH")]
    pub unset: Vec<FieldPath>,

    /// Send this file byte for byte instead of a sample (- reads stdin)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["set", "unset", "timestamp"])]
    pub payload: Option<PathBuf>,

    /// The envelope timestamp in milliseconds since the epoch (default: now)
    #[arg(long, value_name = "MS")]
    pub timestamp: Option<u64>,

    /// Add a header to the request: 'Name: value' (repeatable)
    #[arg(short = 'H', long, value_name = "HEADER")]
    pub header: Vec<HeaderArg>,

    /// Send the payload even when it does not match the event's schema (for negative tests)
    #[arg(long)]
    pub no_validate: bool,

    /// Print the full request (headers and body) and send nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Print each request as sent and the answer as received (status line, headers, body); the
    /// secret never
    #[arg(short, long, conflicts_with_all = ["count", "dry_run"])]
    pub verbose: bool,

    /// On a non-2xx answer or no answer, retry as TitanCard does: after 1 min, 5 min and 15 min
    #[arg(long)]
    pub retry: bool,

    /// Replace the retry delays, e.g. 1s,2s,3s (implies --retry)
    #[arg(long, value_name = "DELAYS", value_delimiter = ',', value_parser = values::duration)]
    pub retry_schedule: Vec<Duration>,

    /// Load mode: send this many deliveries (each with a unique timestamp, id and signature)
    #[arg(
        short = 'n',
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u64).range(1..),
        conflicts_with_all = ["payload", "dry_run", "retry", "retry_schedule"],
    )]
    pub count: Option<u64>,

    /// Load mode: deliveries in flight at once (default 1)
    #[arg(
        short = 'c',
        long,
        value_name = "C",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100_000),
    )]
    pub concurrency: Option<usize>,

    /// Load mode: at most this many deliveries per second
    #[arg(long, value_name = "R", value_parser = values::rate)]
    pub rate: Option<f64>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Send nothing: write a file that another tool runs to make the deliveries, for load
    /// beyond one machine (locust: a locustfile; the URL is Locust's --host, the secret
    /// TITANCARD_WEBHOOK_SECRET at run time)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub export: Option<ExportFormat>,

    /// With --export: how often EVENT is sent against the others, EVENT=N with N from 1 up
    /// (repeatable; an event without one has weight 1)
    #[arg(long, value_name = "EVENT=N", value_parser = values::weight)]
    pub weight: Vec<Weight>,

    /// With --export: write the file here instead of to stdout
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub delivery: DeliveryArgs,
}

#[derive(Debug, Args)]
#[command(after_long_help = "Exit codes:
  0  stopped by Ctrl-C or SIGTERM
  2  usage error, or the address cannot be bound

Examples:
  titancard-wh listen --secret whsec_test --save events.jsonl
  titancard-wh listen --secret whsec_test \\
    --forward-to http://localhost:3000/webhook
  titancard-wh listen --secret whsec_test --fail-first 2 --delay 2s
  titancard-wh listen --secret whsec_test --save events.jsonl --ui
  titancard-wh listen    # port, save file, secret, relay from titancard-wh.toml")]
pub struct ListenArgs {
    /// The address to bind (loopback by default; anything else exposes the receiver)
    #[arg(long, value_name = "HOST", default_value = "127.0.0.1")]
    pub host: String,

    /// The port to bind; 0 picks a free one, and the address is printed first (default: the
    /// profile's listen.port, else 8787)
    #[arg(short, long, value_name = "PORT")]
    pub port: Option<u16>,

    /// The path that receives webhooks
    #[arg(long, value_name = "PATH", default_value = "/webhook", value_parser = values::url_path)]
    pub path: String,

    /// Refuse bodies larger than this many bytes with 413
    #[arg(
        long,
        value_name = "BYTES",
        default_value_t = 1024 * 1024,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..),
    )]
    pub max_body: usize,

    /// Append one JSON Lines record per request to FILE before answering (default: the
    /// profile's listen.save)
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,

    /// Relay each accepted request to URL and answer with its status (default: with the
    /// profile's listen.forward = true, each event to its route or the profile's url)
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<WebhookUrl>,

    /// Answer every otherwise-accepted request with this status (simulate failures)
    #[arg(long, value_name = "CODE", value_parser = clap::value_parser!(u16).range(200..=599))]
    pub status: Option<u16>,

    /// Answer this fraction of accepted requests with 500 (0.0 to 1.0)
    #[arg(long, value_name = "RATE", value_parser = values::fraction)]
    pub fail_rate: Option<f64>,

    /// Answer the first N accepted requests with 500
    #[arg(long, value_name = "N")]
    pub fail_first: Option<u64>,

    /// Wait this long before answering (e.g. 2s)
    #[arg(long, value_name = "DURATION", value_parser = values::duration)]
    pub delay: Option<Duration>,

    /// Give a client this long to send its headers, and as long again for its body
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = values::positive_duration)]
    pub read_timeout: Duration,

    /// Remember this many accepted deliveries to detect duplicates (oldest forgotten first; 0: off)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CAPACITY)]
    pub dedupe_capacity: usize,

    /// Output format for the per-request lines (json: JSON Lines)
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Print each request's headers and body under its line (and, with --forward-to, the app's
    /// whole answer)
    #[arg(short, long)]
    pub verbose: bool,

    /// Serve the inspector: a live web page and JSON API of the deliveries, with replay
    #[arg(long)]
    pub ui: bool,

    /// The inspector's port (0 picks a free one; its URL is printed after the listening line)
    #[arg(long, value_name = "PORT", default_value_t = 8788, requires = "ui")]
    pub ui_port: u16,

    /// The inspector's address: loopback unless said here (needed with a non-loopback --host)
    #[arg(long, value_name = "HOST", requires = "ui")]
    pub ui_host: Option<String>,

    #[command(flatten)]
    pub secret: SecretArgs,

    #[command(flatten)]
    pub trust: TrustArgs,
}

#[derive(Debug, Args)]
#[command(after_long_help = "Exit codes:
  0  every case passed
  1  a case failed
  2  usage error

Examples:
  titancard-wh probe --url http://localhost:3000/webhook --secret whsec_test
  titancard-wh probe --url URL --event connection.created \\
    --format junit > probe.xml
  titancard-wh probe --url URL --case truncated-signature --curl")]
pub struct ProbeArgs {
    /// The endpoint under test (default: the profile's url)
    #[arg(short, long, value_name = "URL")]
    pub url: Option<WebhookUrl>,

    /// Only these events for the valid-<event> cases (repeatable; default all 14)
    #[arg(short, long, value_name = "EVENT", value_parser = parse_event)]
    pub event: Vec<&'static EventSpec>,

    /// Run only this case (repeatable): valid-<event>, wrong-secret, missing-signature,
    /// truncated-signature, malformed-signature, tampered-body, malformed-json, duplicate-delivery
    #[arg(long = "case", value_name = "ID", value_parser = parse_case_id)]
    pub cases: Vec<String>,

    /// For each failed case, print a curl command that sends the same request again
    #[arg(long)]
    pub curl: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = ProbeFormat::Human)]
    pub format: ProbeFormat,

    #[command(flatten)]
    pub delivery: DeliveryArgs,
}

#[derive(Debug, Args)]
#[command(after_long_help = "Exit codes:
  0  every request got a 2xx answer
  1  a request got a non-2xx answer or no answer
  2  usage error or unreadable input

Examples:
  titancard-wh replay events.jsonl --url http://localhost:3000/webhook
  titancard-wh replay capture.http --url URL --resign --secret whsec_new
  titancard-wh replay out/01-connection.created.json --url URL --resign")]
pub struct ReplayArgs {
    /// A listen --save file (JSON Lines), a raw HTTP capture, or with --resign a bare payload
    /// file (a story --out fixture)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The endpoint to send to (default: the profile's url)
    #[arg(short, long, value_name = "URL")]
    pub url: Option<WebhookUrl>,

    /// Sign each body again with the given secret instead of keeping its signature
    #[arg(long)]
    pub resign: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    #[command(flatten)]
    pub delivery: DeliveryArgs,
}

#[derive(Debug, Args)]
#[command(after_long_help = "Exit codes:
  0  all 14 events were delivered, signed and verified end to end
  1  an event failed on the way

Examples:
  titancard-wh demo
  titancard-wh demo --format json")]
pub struct DemoArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

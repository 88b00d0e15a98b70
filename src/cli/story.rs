//! Arguments of `story`: `story list`, `story show STORY`, and `story [run] STORY --url URL` (a
//! built-in story's name or a story file).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::DeliveryArgs;
use super::values;
use crate::export::Format as ExportFormat;
use crate::output::Format;
use crate::story::StorySource;
use crate::wire::WebhookUrl;

#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_long_help = "Exit codes:
  0  every delivery, re-deliveries included, got a 2xx answer
     (with --export: the file was written)
  1  a delivery got a non-2xx answer or no answer
  2  usage error, or a story that cannot be read or has an error (nothing sent)

Examples:
  titancard-wh story list
  titancard-wh story contact-lifecycle --url http://localhost:3000/webhook
  titancard-wh story all-events --url URL --shuffle --duplicates 0.3 --seed 1
  titancard-wh story stories/vip-onboarding.toml --url URL
  titancard-wh story all-events --out DIR --seed 1 --timestamp 1705420800000"
)]
pub struct StoryArgs {
    #[command(subcommand)]
    pub action: Option<StoryAction>,

    #[command(flatten)]
    pub run: Box<StoryRunArgs>,
}

#[derive(Debug, Subcommand)]
pub enum StoryAction {
    /// List the built-in stories
    #[command(after_long_help = "Examples:
  titancard-wh story list
  titancard-wh story list --format json")]
    List {
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Show a story's steps (a built-in one or a story file, checked as a run would check it)
    #[command(after_long_help = "Examples:
  titancard-wh story show contact-lifecycle
  titancard-wh story show contact-lifecycle --format toml > my-story.toml
  titancard-wh story show my-story.toml")]
    Show {
        /// A built-in story (see `story list`) or a story file (.toml)
        #[arg(value_name = "STORY")]
        story: StorySource,

        /// Output format (toml: the story file itself, to start your own from)
        #[arg(long, value_enum, default_value_t = ShowFormat::Human)]
        format: ShowFormat,
    },
    /// Deliver a story (the same as `story STORY`)
    #[command(after_long_help = "Examples:
  titancard-wh story run contact-lifecycle --url http://localhost:3000/webhook
  titancard-wh story run my-story.toml --dry-run
  titancard-wh story run card-lifecycle --export locust --out cards.py")]
    Run(Box<StoryRunArgs>),
}

/// `story show --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Human,
    Json,
    /// The story file
    Toml,
}

#[derive(Debug, Args)]
pub struct StoryRunArgs {
    /// A built-in story (see `story list`) or a story file (.toml)
    #[arg(value_name = "STORY", required = true)]
    pub story: Option<StorySource>,

    /// The endpoint to POST to (default: the profile's route for each event, else its url;
    /// with --out alone nothing is sent)
    #[arg(short, long, value_name = "URL")]
    pub url: Option<WebhookUrl>,

    /// Deliver the steps in a random order (the seed's)
    #[arg(long)]
    pub shuffle: bool,

    /// Re-deliver this fraction of the steps a second time, with the same bytes and signature,
    /// each later than its first delivery (0.0 to 1.0; at least one when above 0)
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0, value_parser = values::fraction)]
    pub duplicates: f64,

    /// Deliveries in flight at once (default 1)
    #[arg(
        short = 'c',
        long,
        value_name = "N",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1024),
    )]
    pub concurrency: Option<usize>,

    /// Make the run repeatable: the same ids, order and re-deliveries (printed on every run)
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// The first step's envelope timestamp in milliseconds since the epoch (default: now)
    #[arg(long, value_name = "MS")]
    pub timestamp: Option<u64>,

    /// Print each request as sent and the answer as received under its row of the timeline
    #[arg(short, long, conflicts_with = "dry_run")]
    pub verbose: bool,

    /// Print the requests in delivery order and send nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Write each payload to DIR/NN-EVENT.json and every delivery to DIR/deliveries.jsonl
    /// (a new or empty folder); without --url nothing is sent. With --export: the file to
    /// write instead of stdout
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Send nothing: write a file that another tool runs, each of its users walking the story
    /// with fresh ids (locust: a locustfile; the URL is Locust's --host, the secret
    /// TITANCARD_WEBHOOK_SECRET at run time)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub export: Option<ExportFormat>,

    #[command(flatten)]
    pub delivery: DeliveryArgs,
}

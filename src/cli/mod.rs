//! The command line: clap derive definitions, one struct per subcommand; the value parsers that
//! check what is typed (`values`); the global flags that pick the project file and profile; and
//! parser errors shown like every other error (`parse_error`).
//!
//! Conventions (after xh): explicit `short`, implicit `long`, UPPERCASE `value_name`, doc comments
//! as help text. Behaviour lives in `commands/`; this folder only describes what can be typed.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{Request, SecretFlags, Settings};
use crate::output::ColorWhen;
use crate::secret::{Secret, Secrets};
use crate::wire::Client;
use crate::wire::tls::{CaCerts, Trust};

mod config;
mod network;
mod offline;
mod parse_error;
mod story;
mod values;

pub use config::{ConfigAction, ConfigArgs, ConfigShowArgs};
pub use network::{DemoArgs, ListenArgs, ProbeArgs, ReplayArgs, SendArgs};
pub use offline::{
    CompletionsArgs, EventsAction, EventsArgs, InputFormat, ManArgs, SchemaArgs, SignArgs,
    ValidateArgs, VerifyArgs,
};
pub use parse_error::parse_error;
pub use story::{ShowFormat, StoryAction, StoryArgs, StoryRunArgs};
pub use values::HeaderArg;

/// The exit-code table, shown in the top-level `--help` and the README.
macro_rules! exit_codes {
    () => {
        "Exit codes:
  0  all good
  1  a check failed: bad signature, invalid payload, non-2xx or no answer,
     a failed probe case
  2  usage error or unreadable input"
    };
}

/// The exit-code table, for callers outside clap.
pub const EXIT_CODES: &str = exit_codes!();

const MAIN_AFTER_HELP: &str = concat!(
    "URLs, the secret's source and listen's settings can come from a project file,
titancard-wh.toml (titancard-wh config init writes one; config show --origin
prints what is used and why). Every value: a flag, then the environment, then
the profile, then the default. The secret: --secret, --secret-file FILE, the
profile's secret_env or secret_file, then TITANCARD_WEBHOOK_SECRET.

Each command's --help ends with examples; titancard-wh man COMMAND prints its
manual page. Guides: https://github.com/titancard/titancard-wh/tree/main/docs

",
    exit_codes!(),
    "

Examples:
  titancard-wh demo
  titancard-wh send connection.created --url http://localhost:3000/webhook
  titancard-wh listen --secret whsec_test --save events.jsonl
  titancard-wh verify capture.http --secret whsec_test
  titancard-wh validate payloads/ --strict --format github"
);

/// The heading the global flags that pick the project file are listed under.
const PROJECT_FILE: &str = "Project file";

/// Build, sign, send, verify and validate TitanCard webhooks.
#[derive(Debug, Parser)]
#[command(
    name = "titancard-wh",
    version,
    propagate_version = true,
    after_long_help = MAIN_AFTER_HELP
)]
pub struct Cli {
    /// When to colour output: auto (a terminal, unless NO_COLOR is set), always, never
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto, global = true)]
    pub color: ColorWhen,

    /// Read this project file (default: TITANCARD_WH_CONFIG, else the first titancard-wh.toml
    /// up to the repository root, else ~/.config/titancard-wh/config.toml)
    #[arg(long, value_name = "PATH", global = true, help_heading = PROJECT_FILE)]
    pub config: Option<PathBuf>,

    /// Read no project file
    #[arg(long, global = true, conflicts_with_all = ["config", "profile"], help_heading = PROJECT_FILE)]
    pub no_config: bool,

    /// Use this profile of the project file (default: TITANCARD_WH_PROFILE, else the file's
    /// default_profile)
    #[arg(long, value_name = "NAME", global = true, help_heading = PROJECT_FILE)]
    pub profile: Option<String>,

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
    /// Deliver related events with shared, fresh ids: in order, shuffled, re-delivered
    Story(StoryArgs),
    /// Start an embedded receiver, send it all 14 events and verify each end to end
    Demo(DemoArgs),
    /// Show, check or start the project file, titancard-wh.toml
    Config(ConfigArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
    /// Print the manual page of titancard-wh or of one command (roff, for man)
    Man(ManArgs),
}

impl Cli {
    /// What the global flags ask of the project file, as plain values.
    pub fn config_request(&self) -> Request {
        Request {
            config: self.config.clone(),
            no_config: self.no_config,
            profile: self.profile.clone(),
        }
    }
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

/// What every command that delivers takes alike: the deadline of each answer, the secret it
/// signs with, and the servers it trusts.
#[derive(Debug, Clone, Args)]
pub struct DeliveryArgs {
    /// Give up on an answer after this long (default: the profile's timeout, else the
    /// reference's 30s)
    #[arg(long, value_name = "DURATION", value_parser = values::positive_duration)]
    pub timeout: Option<std::time::Duration>,

    #[command(flatten)]
    pub secret: SecretArgs,

    #[command(flatten)]
    pub trust: TrustArgs,
}

/// Where the webhook secret comes from, when a flag gives it.
#[derive(Debug, Clone, Args)]
pub struct SecretArgs {
    /// The webhook secret (repeat for rotation where a command accepts several); without it,
    /// the profile's secret_env or secret_file, then TITANCARD_WEBHOOK_SECRET
    #[arg(long, value_name = "SECRET")]
    pub secret: Vec<Secret>,

    /// Read the secret from a file (one secret per line for rotation)
    #[arg(long, value_name = "FILE")]
    pub secret_file: Option<PathBuf>,
}

impl SecretArgs {
    /// The secrets: these flags, then the profile, then the environment (`Settings::secrets`,
    /// the one place the order is decided).
    pub fn resolve(&self, settings: &Settings) -> anyhow::Result<Secrets> {
        settings.secrets(&SecretFlags {
            values: &self.secret,
            file: self.secret_file.as_deref(),
        })
    }
}

impl SecretArgs {
    /// The secret flag given on the command line, if any.
    pub fn flag_given(&self) -> Option<&'static str> {
        if !self.secret.is_empty() {
            Some("--secret")
        } else {
            self.secret_file.as_ref().map(|_| "--secret-file")
        }
    }
}

/// The flags of titancard-wh's own sender that `send` and `story` share, as (given, flag, why
/// it has no place in an export): `--export` refuses each one given.
pub fn sender_flags(
    delivery: &DeliveryArgs,
    shown: [(bool, &'static str); 2],
    format: crate::output::Format,
) -> Vec<(bool, &'static str, &'static str)> {
    use crate::export::why;
    let secret_flag = delivery.secret.flag_given();
    let mut flags = vec![
        (
            secret_flag.is_some(),
            secret_flag.unwrap_or("--secret"),
            why::SECRET,
        ),
        (
            format != crate::output::Format::Human,
            "--format",
            why::FORMAT,
        ),
        (delivery.trust.cacert.is_some(), "--cacert", why::CACERT),
    ];
    flags.extend(shown.map(|(given, flag)| (given, flag, why::SHOWN)));
    flags
}

/// Which servers an https delivery trusts, for the commands that send.
#[derive(Debug, Clone, Args)]
pub struct TrustArgs {
    /// Also trust the CA certificates of this PEM file (a local CA such as mkcert's, or a
    /// company CA); the platform's roots are always trusted (SSL_CERT_FILE is honoured)
    #[arg(long, value_name = "FILE", value_parser = values::ca_certs)]
    pub cacert: Option<CaCerts>,
}

impl TrustArgs {
    /// The trust settings these flags ask for.
    pub fn trust(&self) -> Trust {
        Trust::new(self.cacert.clone())
    }

    /// A delivery client with these trust settings.
    pub fn client(&self) -> Client {
        Client::new(self.trust())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// `SecretArgs` derived `Debug` over the raw `--secret` strings: one `{:?}` of the parsed
    /// command line printed the secret.
    #[test]
    fn a_parsed_command_line_never_prints_its_secret() {
        for line in [
            &["titancard-wh", "sign", "--secret", "hunter2-very-secret"][..],
            &[
                "titancard-wh",
                "send",
                "--all",
                "--secret",
                "hunter2-very-secret",
            ],
            &[
                "titancard-wh",
                "listen",
                "--secret",
                "a",
                "--secret",
                "hunter2-very-secret",
            ],
        ] {
            let cli = Cli::try_parse_from(line).unwrap();
            let shown = format!("{cli:?} {cli:#?}");
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains("Secret(***)"), "{shown}");
        }
    }

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    /// An example that wraps on an 80-column terminal breaks in the middle of a command.
    #[test]
    fn help_examples_fit_80_columns() {
        fn check(command: &clap::Command, name: &str) {
            let text = command
                .get_after_long_help()
                .map(ToString::to_string)
                .unwrap_or_default();
            for line in text.lines() {
                assert!(line.chars().count() <= 80, "{name}: {line}");
            }
            for sub in command.get_subcommands() {
                check(sub, &format!("{name} {}", sub.get_name()));
            }
        }
        check(&Cli::command(), "titancard-wh");
    }
}

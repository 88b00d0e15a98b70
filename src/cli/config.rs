//! Arguments of `config`: `show`, `check` and `init` for the project file, titancard-wh.toml.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::output::Format;

#[derive(Debug, Args)]
#[command(
    after_long_help = "The file is --config PATH, else TITANCARD_WH_CONFIG, else the first
titancard-wh.toml from the current folder up to the repository root (the
folder holding .git), else $XDG_CONFIG_HOME/titancard-wh/config.toml
(~/.config/titancard-wh/config.toml). One file is read, never merged.

Exit codes:
  0  shown, valid, or written
  2  the file is not valid, or init would overwrite a file

Examples:
  titancard-wh config init
  titancard-wh config show --origin
  titancard-wh --profile staging config show --format json
  titancard-wh config check ci/titancard-wh.toml"
)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: ConfigAction,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the values commands will use (the secret redacted: only where it is read from)
    #[command(after_long_help = "Examples:
  titancard-wh config show
  titancard-wh config show --origin
  titancard-wh --profile staging config show --format json")]
    Show(ConfigShowArgs),
    /// Check a project file: every problem with its line and column
    #[command(after_long_help = "Exit codes:
  0  the file is valid
  2  it is not (each problem on a line of its own), or it cannot be read

Examples:
  titancard-wh config check
  titancard-wh config check ci/titancard-wh.toml")]
    Check {
        /// The file to check (default: the project file found as commands find it)
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Write a commented starter project file (never over an existing file)
    #[command(after_long_help = "Examples:
  titancard-wh config init
  titancard-wh config init ci/titancard-wh.toml")]
    Init {
        /// Where to write it
        #[arg(value_name = "FILE", default_value = crate::config::FILE_NAME)]
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ConfigShowArgs {
    /// Also say where each value came from: a flag, the environment, file:line, the default
    #[arg(long)]
    pub origin: bool,

    /// Output format (json always carries the origins)
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

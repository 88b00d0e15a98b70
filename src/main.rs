//! The `titancard-wh` binary: parse the command line, run it, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use titancard_wh::cli::{self, Cli};
use titancard_wh::output;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return cli::parse_error(err),
    };
    output::init_color(cli.color);
    match titancard_wh::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) if output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            output::error(&format!("{err:#}"));
            ExitCode::from(2)
        }
    }
}

//! The `titancard-wh` binary: parse the command line, run it, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use titancard_wh::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    titancard_wh::output::init_color(cli.color);
    match titancard_wh::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) if titancard_wh::output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            titancard_wh::output::error(&format!("{err:#}"));
            ExitCode::from(2)
        }
    }
}

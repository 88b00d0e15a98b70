//! The `titancard-wh` binary: parse the command line, run it, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use titancard_wh::cli::{self, Cli};
use titancard_wh::output;

/// mimalloc rather than the system allocator: `listen` allocates a few dozen small objects per
/// request on two threads, and glibc's malloc was a fifth of its time (lock contention between
/// the threads included); mimalloc's thread-local heaps take a fifth off the CPU time of each
/// request (docs/performance.md) for under 0.3 ms more start-up.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return cli::parse_error(err),
    };
    output::init_color(cli.color);
    match titancard_wh::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            output::error(&format!("{err:#}"));
            ExitCode::from(2)
        }
    }
}

//! `demo`.

use crate::Outcome;
use crate::cli::DemoArgs;

/// Runs `demo`.
pub fn run(_args: DemoArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`demo` is not available in this build")
}

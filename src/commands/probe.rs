//! `probe`.

use crate::Outcome;
use crate::cli::ProbeArgs;

/// Runs `probe`.
pub fn run(_args: ProbeArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`probe` is not available in this build")
}

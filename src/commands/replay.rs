//! `replay`.

use crate::Outcome;
use crate::cli::ReplayArgs;

/// Runs `replay`.
pub fn run(_args: ReplayArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`replay` is not available in this build")
}

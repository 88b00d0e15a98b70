//! `listen`.

use crate::Outcome;
use crate::cli::ListenArgs;

/// Runs `listen`.
pub fn run(_args: ListenArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`listen` is not available in this build")
}

//! `send`.

use crate::Outcome;
use crate::cli::SendArgs;

/// Runs `send`.
pub fn run(_args: SendArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`send` is not available in this build")
}

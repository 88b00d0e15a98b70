//! `validate`.

use crate::Outcome;
use crate::cli::ValidateArgs;

/// Runs `validate`.
pub fn run(_args: ValidateArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`validate` is not available in this build")
}

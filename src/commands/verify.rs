//! `verify`.

use crate::Outcome;
use crate::cli::VerifyArgs;

/// Runs `verify`.
pub fn run(_args: VerifyArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`verify` is not available in this build")
}

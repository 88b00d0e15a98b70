//! `schema`.

use crate::Outcome;
use crate::cli::SchemaArgs;

/// Runs `schema`.
pub fn run(_args: SchemaArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`schema` is not available in this build")
}

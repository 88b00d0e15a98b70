//! `validate`: expands the paths, validates every payload in parallel (each schema compiled once,
//! on first use), and writes the report in input order.

use std::io::{BufWriter, Write};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::Outcome;
use crate::cli::{ValidateArgs, ValidateFormat};
use crate::output;
use crate::validate::{self, FileReport, inputs, report};

/// Large runs show a progress bar, on a terminal only.
const PROGRESS_FROM: usize = 2_000;

fn progress_bar(total: usize) -> ProgressBar {
    if total < PROGRESS_FROM || !output::stderr_is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}") {
        bar.set_style(style);
    }
    bar
}

/// Runs `validate`.
pub fn run(args: ValidateArgs) -> anyhow::Result<Outcome> {
    let (inputs, mut unreadable) = inputs::expand(&args.paths);
    let progress = progress_bar(inputs.len());
    let reports: Vec<FileReport> = inputs
        .par_iter()
        .map(|input| {
            let report = validate::check_input(input, args.strict);
            progress.inc(1);
            report
        })
        .collect();
    progress.finish_and_clear();
    unreadable.extend(reports.iter().filter_map(|file| file.unreadable.clone()));
    let valid = reports
        .iter()
        .flat_map(|file| &file.payloads)
        .all(|payload| payload.is_valid());
    output::checked(valid && unreadable.is_empty());
    let stdout = std::io::stdout().lock();
    let mut out = BufWriter::new(stdout);
    match args.format {
        // With nothing validated there is nothing to sum up: the error says it all.
        ValidateFormat::Human if reports.iter().all(|file| file.unreadable.is_some()) => {}
        ValidateFormat::Human => report::human(&mut out, &reports, &unreadable)?,
        ValidateFormat::Json => report::json(&mut out, &reports, &unreadable)?,
        ValidateFormat::Github => report::github(&mut out, &reports, &unreadable)?,
        ValidateFormat::Junit => report::junit(&mut out, &reports, &unreadable)?,
    }
    out.flush()?;
    if let [problem] = unreadable.as_slice() {
        anyhow::bail!("{problem}");
    }
    for problem in &unreadable {
        output::error(&problem.to_string());
    }
    if !unreadable.is_empty() {
        anyhow::bail!(
            "{} of the given paths could not be validated (see above)",
            unreadable.len()
        );
    }
    Ok(Outcome::from_ok(valid))
}

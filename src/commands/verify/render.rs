//! What `verify` prints: a verdict per request (the signature, the cause of a mismatch, the
//! other checks) in words, or one JSON document.

use std::io::Write;

use colored::Colorize;
use serde::Serialize;

use super::Report;
use crate::diagnose::{DiagnosisReport, SignatureReport};
use crate::output::{Counts, UnreadableReport};
use crate::signature::Verdict;

/// `verify --format json` (schemas/output/verify.schema.json).
#[derive(Serialize)]
pub(super) struct VerifyReport<'a> {
    ok: bool,
    counts: Counts,
    requests: Vec<RequestReport<'a>>,
    /// The input, when it could not be read (nothing was verified).
    unreadable: Vec<UnreadableReport>,
}

#[derive(Serialize)]
struct RequestReport<'a> {
    source: &'a str,
    event: Option<&'a str>,
    ok: bool,
    signature: SignatureReport,
    /// The other checks that failed (headers, --tolerance).
    problems: &'a [String],
    diagnosis: Option<DiagnosisReport>,
}

impl<'a> VerifyReport<'a> {
    pub(super) fn new(reports: &'a [Report]) -> Self {
        let requests: Vec<RequestReport<'a>> = reports.iter().map(RequestReport::new).collect();
        let counts = Counts::of(
            ["requests", "valid", "invalid"],
            requests.iter().map(|request| request.ok),
        );
        VerifyReport {
            ok: counts.all_passed(),
            counts,
            requests,
            unreadable: Vec::new(),
        }
    }

    /// The document of a run whose input could not be read.
    pub(super) fn unreadable(unreadable: Vec<UnreadableReport>) -> Self {
        VerifyReport {
            ok: false,
            unreadable,
            ..VerifyReport::new(&[])
        }
    }
}

impl<'a> RequestReport<'a> {
    fn new(report: &'a Report) -> Self {
        let signature = match &report.verdict {
            Some(verdict) => SignatureReport::new(verdict),
            None => SignatureReport {
                ok: false,
                secret: None,
                problem: Some("not checked: the request could not be read".to_string()),
            },
        };
        let diagnosis = report.diagnosis.as_ref().map(DiagnosisReport::new);
        RequestReport {
            source: &report.source,
            event: report.event.as_deref(),
            ok: report.valid(),
            signature,
            problems: &report.problems,
            diagnosis,
        }
    }
}

pub(super) fn human(out: &mut impl Write, reports: &[Report]) -> std::io::Result<()> {
    for report in reports {
        let event = report.event.as_deref().unwrap_or("-");
        let verdict = if report.valid() {
            "valid".green().bold()
        } else {
            "invalid".red().bold()
        };
        write!(out, "{}  {verdict}  {event}", report.source.bold())?;
        match &report.verdict {
            None => writeln!(out)?,
            Some(Verdict::Valid { secret_index }) => {
                writeln!(out, "  (matched secret #{})", secret_index + 1)?
            }
            Some(Verdict::Invalid(problem)) => {
                writeln!(out)?;
                writeln!(out, "  {} {problem}", "signature:".red())?;
            }
        }
        if let Some(diagnosis) = &report.diagnosis {
            let label = if diagnosis.explanation.is_some() {
                "cause:"
            } else {
                "likely:"
            };
            writeln!(out, "  {} {}", label.yellow(), diagnosis.message())?;
            if let Some(explanation) = &diagnosis.explanation {
                writeln!(
                    out,
                    "  {} it matches with secret #{} once that is undone",
                    "note:".dimmed(),
                    explanation.secret_index + 1
                )?;
            }
            for note in &diagnosis.notes {
                writeln!(out, "  {} {note}", "note:".dimmed())?;
            }
        }
        for problem in &report.problems {
            writeln!(out, "  {} {problem}", "check:".red())?;
        }
    }
    if reports.len() > 1 {
        let valid = reports.iter().filter(|r| r.valid()).count();
        writeln!(
            out,
            "{} requests: {valid} valid, {} invalid",
            reports.len(),
            reports.len() - valid
        )?;
    }
    Ok(())
}

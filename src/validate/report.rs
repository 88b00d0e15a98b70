//! Rendering a validation run: human text (coloured on a terminal), one JSON document, GitHub
//! Actions annotations, or JUnit XML (one test case per payload).

use std::io::{self, Write};

use colored::Colorize;
use serde::Serialize;

use super::inputs::Unreadable;
use super::{FileReport, Finding, PayloadReport, Severity};
use crate::junit;
use crate::output::UnreadableReport;

/// The counts the summary line gives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub payloads: usize,
    pub invalid: usize,
    pub warnings: usize,
    pub unreadable: usize,
}

impl Summary {
    /// Counts the reports: a .json file is one payload, a .jsonl line is one.
    pub fn of(reports: &[FileReport], unreadable: &[Unreadable]) -> Self {
        let payloads = reports.iter().flat_map(|file| &file.payloads);
        Summary {
            files: reports
                .iter()
                .filter(|file| file.unreadable.is_none())
                .count(),
            payloads: payloads.clone().count(),
            invalid: payloads.clone().filter(|p| !p.is_valid()).count(),
            warnings: payloads
                .flat_map(|p| &p.findings)
                .filter(|f| f.severity == Severity::Warning)
                .count(),
            unreadable: unreadable.len(),
        }
    }

    /// `3 files, 5 payloads, 1 invalid, 2 warnings`.
    pub fn line(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        format!(
            "{}, {}, {} invalid, {}",
            plural(self.files, "file"),
            plural(self.payloads, "payload"),
            self.invalid,
            plural(self.warnings, "warning")
        )
    }
}

fn findings(reports: &[FileReport]) -> impl Iterator<Item = (&FileReport, &Finding)> {
    reports.iter().flat_map(|file| {
        file.payloads
            .iter()
            .flat_map(move |payload| payload.findings.iter().map(move |found| (file, found)))
    })
}

fn pointer_suffix(found: &Finding) -> String {
    match found.pointer.as_deref() {
        Some(pointer) if !pointer.is_empty() => format!(" ({pointer})"),
        _ => String::new(),
    }
}

/// Every finding as `file:line:col: error: message (pointer)`, then the summary line.
pub fn human(
    out: &mut impl Write,
    reports: &[FileReport],
    unreadable: &[Unreadable],
) -> io::Result<()> {
    let summary = Summary::of(reports, unreadable);
    for (file, found) in findings(reports) {
        let label = format!("{}:", found.severity.name());
        let label = if found.severity == Severity::Error {
            label.red().bold()
        } else {
            label.yellow().bold()
        };
        writeln!(
            out,
            "{}: {label} {}{}",
            format!("{}:{}:{}", file.name, found.line, found.column).bold(),
            found.message,
            pointer_suffix(found).dimmed()
        )?;
    }
    let line = summary.line();
    let line = if summary.invalid > 0 {
        line.red()
    } else if summary.warnings > 0 {
        line.yellow()
    } else {
        line.green()
    };
    writeln!(out, "{line}")
}

/// `validate --format json` (schemas/output/validate.schema.json).
#[derive(Serialize)]
struct ValidateReport<'a> {
    ok: bool,
    counts: Summary,
    files: Vec<FileJson<'a>>,
    unreadable: Vec<UnreadableReport>,
}

#[derive(Serialize)]
struct FileJson<'a> {
    file: &'a str,
    payloads: Vec<PayloadJson<'a>>,
}

#[derive(Serialize)]
struct PayloadJson<'a> {
    line: usize,
    event: Option<&'a str>,
    ok: bool,
    errors: Vec<FindingJson<'a>>,
    warnings: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    line: usize,
    column: usize,
    pointer: Option<&'a str>,
    message: &'a str,
}

impl<'a> PayloadJson<'a> {
    fn new(payload: &'a PayloadReport) -> Self {
        let of = |severity| {
            payload
                .findings
                .iter()
                .filter(|f| f.severity == severity)
                .map(|f| FindingJson {
                    line: f.line,
                    column: f.column,
                    pointer: f.pointer.as_deref(),
                    message: &f.message,
                })
                .collect()
        };
        PayloadJson {
            line: payload.line,
            event: payload.event.as_deref(),
            ok: payload.is_valid(),
            errors: of(Severity::Error),
            warnings: of(Severity::Warning),
        }
    }
}

/// The `--format json` document.
pub fn json(
    out: &mut impl Write,
    reports: &[FileReport],
    unreadable: &[Unreadable],
) -> io::Result<()> {
    let counts = Summary::of(reports, unreadable);
    let document = ValidateReport {
        ok: counts.invalid == 0 && unreadable.is_empty(),
        counts,
        files: reports
            .iter()
            .filter(|file| file.unreadable.is_none())
            .map(|file| FileJson {
                file: &file.name,
                payloads: file.payloads.iter().map(PayloadJson::new).collect(),
            })
            .collect(),
        unreadable: unreadable
            .iter()
            .map(|problem| UnreadableReport::new(&problem.path, problem.kind, &problem.message))
            .collect(),
    };
    crate::output::write_json_line(out, &document)
}

/// GitHub's escaping for workflow-command data and property values.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions annotations, one per finding, then the summary line.
pub fn github(
    out: &mut impl Write,
    reports: &[FileReport],
    unreadable: &[Unreadable],
) -> io::Result<()> {
    for (file, found) in findings(reports) {
        writeln!(
            out,
            "::{} file={},line={},col={},title=titancard-wh validate::{}",
            found.severity.name(),
            escape_property(&file.name),
            found.line,
            found.column,
            escape_data(&format!("{}{}", found.message, pointer_suffix(found)))
        )?;
    }
    for problem in unreadable {
        writeln!(
            out,
            "::error title=titancard-wh validate::{}",
            escape_data(&problem.to_string())
        )?;
    }
    writeln!(out, "{}", Summary::of(reports, unreadable).line())
}

/// JUnit XML: one test case per payload (named `file` or `file:line` for JSON Lines), failed
/// when it has errors; one failed case per input that could not be read.
pub fn junit(
    out: &mut impl Write,
    reports: &[FileReport],
    unreadable: &[Unreadable],
) -> io::Result<()> {
    let mut cases = Vec::new();
    for file in reports.iter().filter(|file| file.unreadable.is_none()) {
        let share = file.elapsed / u32::try_from(file.payloads.len().max(1)).unwrap_or(u32::MAX);
        let several = file.payloads.len() > 1 || file.name.ends_with(".jsonl");
        for payload in &file.payloads {
            let errors: Vec<String> = payload
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .map(|f| {
                    format!(
                        "{}:{}: {}{}",
                        f.line,
                        f.column,
                        f.message,
                        pointer_suffix(f)
                    )
                })
                .collect();
            cases.push(junit::TestCase {
                name: if several {
                    format!("{}:{}", file.name, payload.line)
                } else {
                    file.name.clone()
                },
                classname: payload
                    .event
                    .clone()
                    .unwrap_or_else(|| "payload".to_string()),
                time: share,
                failure: (!errors.is_empty()).then(|| errors.join("\n")),
            });
        }
    }
    for problem in unreadable {
        cases.push(junit::TestCase {
            name: problem.path.clone(),
            classname: "input".to_string(),
            time: std::time::Duration::ZERO,
            failure: Some(problem.to_string()),
        });
    }
    out.write_all(junit::render("titancard-wh validate", &cases).as_bytes())
}

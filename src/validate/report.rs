//! Rendering a validation run: human text (coloured on a terminal), one JSON document, GitHub
//! Actions annotations, or JUnit XML (one test case per payload).

use std::io::{self, Write};

use colored::Colorize;
use serde_json::{Value, json};

use super::{FileReport, Finding, PayloadReport, Severity};
use crate::cli::ValidateFormat;
use crate::junit;

/// The counts the summary line gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub payloads: usize,
    pub invalid: usize,
    pub warnings: usize,
}

impl Summary {
    /// Counts the reports: a .json file is one payload, a .jsonl line is one.
    pub fn of(reports: &[FileReport]) -> Self {
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

/// Writes the whole report in `format`. `unreadable` names the inputs that could not be read.
pub fn render(
    out: &mut impl Write,
    format: ValidateFormat,
    reports: &[FileReport],
    unreadable: &[String],
) -> io::Result<()> {
    let summary = Summary::of(reports);
    match format {
        ValidateFormat::Human => human(out, reports, &summary),
        ValidateFormat::Json => {
            crate::output::write_json_line(out, &document(reports, unreadable, &summary))
        }
        ValidateFormat::Github => github(out, reports, unreadable, &summary),
        ValidateFormat::Junit => out.write_all(junit_xml(reports, unreadable).as_bytes()),
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

fn human(out: &mut impl Write, reports: &[FileReport], summary: &Summary) -> io::Result<()> {
    for (file, found) in findings(reports) {
        let label = match found.severity {
            Severity::Error => "error:".red().bold(),
            Severity::Warning => "warning:".yellow().bold(),
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

fn finding_json(found: &Finding) -> Value {
    json!({
        "line": found.line,
        "column": found.column,
        "pointer": found.pointer,
        "message": found.message,
    })
}

fn payload_json(payload: &PayloadReport) -> Value {
    let of = |severity| -> Vec<Value> {
        payload
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .map(finding_json)
            .collect()
    };
    json!({
        "line": payload.line,
        "event": payload.event,
        "valid": payload.is_valid(),
        "errors": of(Severity::Error),
        "warnings": of(Severity::Warning),
    })
}

/// The `--format json` document.
fn document(reports: &[FileReport], unreadable: &[String], summary: &Summary) -> Value {
    let results: Vec<Value> = reports
        .iter()
        .filter(|file| file.unreadable.is_none())
        .map(|file| {
            json!({
                "file": file.name,
                "payloads": file.payloads.iter().map(payload_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "valid": summary.invalid == 0 && unreadable.is_empty(),
        "files": summary.files,
        "payloads": summary.payloads,
        "invalid": summary.invalid,
        "warnings": summary.warnings,
        "unreadable": unreadable,
        "results": results,
    })
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

fn github(
    out: &mut impl Write,
    reports: &[FileReport],
    unreadable: &[String],
    summary: &Summary,
) -> io::Result<()> {
    for (file, found) in findings(reports) {
        let command = match found.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},title=titancard-wh validate::{}",
            escape_property(&file.name),
            found.line,
            found.column,
            escape_data(&format!("{}{}", found.message, pointer_suffix(found)))
        )?;
    }
    for message in unreadable {
        writeln!(
            out,
            "::error title=titancard-wh validate::{}",
            escape_data(message)
        )?;
    }
    writeln!(out, "{}", summary.line())
}

/// JUnit XML: one test case per payload (named `file` or `file:line` for JSON Lines), failed
/// when it has errors; one failed case per input that could not be read.
fn junit_xml(reports: &[FileReport], unreadable: &[String]) -> String {
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
    for message in unreadable {
        cases.push(junit::TestCase {
            name: message.split(": ").next().unwrap_or(message).to_string(),
            classname: "input".to_string(),
            time: std::time::Duration::ZERO,
            failure: Some(message.clone()),
        });
    }
    junit::render("titancard-wh validate", &cases)
}

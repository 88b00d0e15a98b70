//! Validating payload files: reading each input, splitting JSON Lines, parsing, schema
//! validation, lints, and placing every finding at `line:column` with its JSON pointer.
//! Rendering lives in `report`; path expansion in `inputs`.

mod duplicate_keys;
pub mod inputs;
mod lint;
mod locate;
pub mod report;

use std::io::Read;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::contract::HEADER_EVENT;
use crate::record::RequestRecord;
use crate::schema::{self, Violation};
use inputs::{Input, Unreadable};
use locate::Position;

/// How bad a finding is: errors make the payload invalid; warnings (lints) do not, except under
/// `--strict`, where they are errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// `error` or `warning`, as the human lines and GitHub's workflow commands name it.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem, placed in the file.
#[derive(Debug, Clone)]
pub struct Finding {
    pub severity: Severity,
    pub line: usize,
    pub column: usize,
    /// The JSON pointer of the offending value; `None` for syntax errors.
    pub pointer: Option<String>,
    /// The plain message, path first: `data.source: "x" is not one of …`.
    pub message: String,
}

/// One payload: a .json file, or one line of a .jsonl file.
#[derive(Debug, Clone)]
pub struct PayloadReport {
    /// The line the payload starts on (1 for a .json file).
    pub line: usize,
    /// The event the payload names, when it names one.
    pub event: Option<String>,
    pub findings: Vec<Finding>,
}

impl PayloadReport {
    /// Valid when it has no error (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.findings
            .iter()
            .all(|f| f.severity == Severity::Warning)
    }
}

/// Everything found in one input.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub name: String,
    pub payloads: Vec<PayloadReport>,
    /// Why the input could not be read at all (it then has no payloads).
    pub unreadable: Option<Unreadable>,
    pub elapsed: Duration,
}

/// Reads and validates one input.
pub fn check_input(input: &Input, strict: bool) -> FileReport {
    let started = Instant::now();
    let name = input.name();
    let read = match input {
        Input::File(path) => std::fs::read(path),
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map(|_| bytes)
        }
    };
    let (payloads, unreadable) = match read {
        Ok(bytes) => (check_bytes(&bytes, input.is_json_lines(), strict), None),
        Err(err) => (Vec::new(), Some(Unreadable::io(&name, &err))),
    };
    FileReport {
        name,
        payloads,
        unreadable,
        elapsed: started.elapsed(),
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Validates the bytes of a .json file (one payload) or a .jsonl file (one payload a line).
pub fn check_bytes(bytes: &[u8], json_lines: bool, strict: bool) -> Vec<PayloadReport> {
    let mut bom = None;
    let bytes = match bytes.strip_prefix(BOM) {
        Some(rest) => {
            bom = Some(finding(
                lint_severity(strict),
                Position { line: 1, column: 1 },
                None,
                "the file starts with a UTF-8 byte order mark (BOM), which JSON senders must not add"
                    .to_string(),
            ));
            rest
        }
        None => bytes,
    };
    let mut reports = if json_lines {
        let mut reports = Vec::new();
        for (index, line) in bytes.split(|byte| *byte == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            reports.push(check_text(line, index + 1, true, strict));
        }
        if reports.is_empty() {
            reports.push(single_error(
                1,
                "empty file: no payload (a .jsonl file holds one JSON object a line)",
            ));
        }
        reports
    } else if bytes.iter().all(u8::is_ascii_whitespace) {
        vec![single_error(
            1,
            "empty file: no payload (expected one JSON object)",
        )]
    } else {
        vec![check_text(bytes, 1, false, strict)]
    };
    if let (Some(bom), Some(first)) = (bom, reports.first_mut()) {
        first.findings.insert(0, bom);
    }
    reports
}

fn single_error(line: usize, message: &str) -> PayloadReport {
    PayloadReport {
        line,
        event: None,
        findings: vec![finding(
            Severity::Error,
            Position { line, column: 1 },
            None,
            message.to_string(),
        )],
    }
}

fn lint_severity(strict: bool) -> Severity {
    if strict {
        Severity::Error
    } else {
        Severity::Warning
    }
}

fn finding(severity: Severity, at: Position, pointer: Option<String>, message: String) -> Finding {
    Finding {
        severity,
        line: at.line,
        column: at.column,
        pointer,
        message,
    }
}

/// Validates one payload's bytes, which start on `first_line` of the file.
fn check_text(bytes: &[u8], first_line: usize, in_lines: bool, strict: bool) -> PayloadReport {
    let shift = |at: Position| Position {
        line: at.line + first_line - 1,
        column: at.column,
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = String::from_utf8_lossy(&bytes[..err.valid_up_to()]);
            let at = shift(locate::position_at(&valid, valid.len()));
            let mut report = single_error(at.line, "invalid UTF-8: JSON text must be UTF-8");
            report.findings[0].column = at.column;
            return report;
        }
    };
    let (value, duplicates) = match duplicate_keys::parse(text) {
        Ok(parsed) => parsed,
        Err(err) => {
            let at = shift(locate::from_line_and_byte_column(
                text,
                err.line(),
                err.column(),
            ));
            let mut report = single_error(at.line, &syntax_message(&err, in_lines));
            report.findings[0].column = at.column;
            return report;
        }
    };
    if in_lines && let Some(record) = as_record(&value) {
        return check_record(text, &record, first_line, strict);
    }
    let mut report = check_value(text, &value, duplicates, strict, None);
    for found in &mut report.findings {
        found.line += first_line - 1;
    }
    report.line = first_line;
    report
}

/// Schema violations and lints of one parsed payload (and its repeated keys), placed in `text`.
fn check_value(
    text: &str,
    value: &Value,
    duplicates: Vec<Violation>,
    strict: bool,
    header_event: Option<&str>,
) -> PayloadReport {
    let event = value
        .get("event")
        .and_then(Value::as_str)
        .map(str::to_string);
    let place = |severity, violation: Violation| {
        let at = locate::locate(text, &violation.pointer);
        let message = violation.to_string();
        finding(severity, at, Some(violation.pointer), message)
    };
    let mut findings = Vec::new();
    if !value.is_object() {
        let kind = if value.is_array() {
            "an array"
        } else {
            "not an object"
        };
        findings.push(place(
            Severity::Error,
            Violation {
                pointer: String::new(),
                message: format!(
                    "the top-level value is {kind}; a payload is one JSON object (a .jsonl file holds one a line)"
                ),
            },
        ));
    } else {
        for violation in schema::validate_payload(value, strict) {
            findings.push(place(Severity::Error, violation));
        }
        let header = lint::header_event_mismatch(header_event, value);
        for violation in lint::lint(value)
            .into_iter()
            .chain(header)
            .chain(duplicates)
        {
            findings.push(place(lint_severity(strict), violation));
        }
    }
    findings.sort_by_key(|found| (found.line, found.column));
    PayloadReport {
        line: 1,
        event,
        findings,
    }
}

/// A `listen --save` record (`body` and `headers`), when the line is one.
fn as_record(value: &Value) -> Option<RequestRecord> {
    let object = value.as_object()?;
    if !(object.contains_key("body") && object.contains_key("headers")) {
        return None;
    }
    serde_json::from_value(value.clone()).ok()
}

/// Validates a record's body and checks its `X-Webhook-Event` header; findings are placed at the
/// record's `body` value, since the body is text inside the line.
fn check_record(
    line_text: &str,
    record: &RequestRecord,
    line: usize,
    strict: bool,
) -> PayloadReport {
    let at_body = locate::locate(line_text, "/body");
    let place = |report: &mut PayloadReport| {
        report.line = line;
        for found in &mut report.findings {
            found.line = line;
            found.column = at_body.column;
        }
    };
    let body = match record.body_bytes() {
        Ok(body) => body,
        Err(err) => {
            let mut report = single_error(line, &format!("body: not valid base64: {err}"));
            place(&mut report);
            return report;
        }
    };
    let header = record.headers.get(HEADER_EVENT);
    let mut report = match std::str::from_utf8(&body)
        .map(|text| (text, duplicate_keys::parse(text)))
    {
        Ok((text, Ok((value, duplicates)))) => {
            check_value(text, &value, duplicates, strict, header)
        }
        Ok((_, Err(err))) => single_error(line, &format!("body: {}", syntax_message(&err, false))),
        Err(_) => single_error(line, "body: invalid UTF-8: JSON text must be UTF-8"),
    };
    place(&mut report);
    report
}

/// serde_json's syntax error in plain words, without its " at line L column C" (placed apart).
fn syntax_message(err: &serde_json::Error, in_lines: bool) -> String {
    let text = err.to_string();
    let bare = text.split(" at line ").next().unwrap_or(&text);
    if bare == "trailing characters" {
        let hint = if in_lines {
            "one payload a line"
        } else {
            "a .json file holds one payload; use .jsonl for several"
        };
        return format!("trailing characters after the JSON value ({hint})");
    }
    if err.is_eof() {
        return format!("the JSON ends too early: {bare}");
    }
    format!("not valid JSON: {bare}")
}

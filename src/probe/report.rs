//! Rendering a probe run: a live pass/fail table for people (rows printed as cases finish), one
//! JSON document, or JUnit XML for CI.

use std::io::{self, Write};
use std::time::Duration;

use colored::Colorize;
use serde::Serialize;

use super::{Case, CaseResult, ProbeReport};
use crate::junit;
use crate::output::{ErrorReport, millis};
use crate::wire::{WebhookUrl, curl};

/// Where the rule quotes come from, named after each failure.
const RULE_SOURCE: &str = "the reference, Error Handling";

/// The human table, written row by row while the cases run.
pub struct Table {
    width: usize,
    /// Whether the column headings are out (they wait for the first row, so an unreachable
    /// endpoint gets one message instead of an empty table).
    headed: bool,
}

impl Table {
    /// Writes the heading for `cases` and returns a table sized for their ids.
    pub fn start(
        out: &mut impl Write,
        url: &WebhookUrl,
        cases: &[Case],
        timeout: Duration,
    ) -> io::Result<Self> {
        let width = cases.iter().map(|case| case.id.len()).max().unwrap_or(0);
        writeln!(
            out,
            "Probing {url} with {} cases, one at a time (timeout {} each)\n",
            cases.len(),
            humantime::format_duration(timeout)
        )?;
        Ok(Table {
            width,
            headed: false,
        })
    }

    /// Writes one case's row.
    pub fn row(&mut self, out: &mut impl Write, result: &CaseResult) -> io::Result<()> {
        let width = self.width;
        if !self.headed {
            self.headed = true;
            writeln!(
                out,
                "    {:<width$}  {:<9}  {:<7}  {:>8}",
                "case", "expected", "status", "time"
            )?;
        }
        let mark = if result.passed {
            "✓".green()
        } else {
            "✗".red()
        };
        let status = if result.statuses.len() > 1 {
            let shown: Vec<String> = result
                .statuses
                .iter()
                .map(|status| status.map_or_else(|| "—".to_string(), |s| s.to_string()))
                .collect();
            shown.join(",")
        } else {
            result
                .status
                .map_or_else(|| "—".to_string(), |status| status.to_string())
        };
        let status = format!("{status:<7}");
        let status = if result.passed {
            status.normal()
        } else {
            status.red()
        };
        writeln!(
            out,
            "  {mark} {:<width$}  {:<9}  {status}  {:>5} ms",
            result.id,
            result.expect.label(),
            result.elapsed.as_millis()
        )
    }

    /// Writes each failure with what the endpoint answered, what it should do and the rule (and
    /// with `curls`, the cases run, a curl command per request to send it again), then the
    /// summary.
    pub fn finish(
        &self,
        out: &mut impl Write,
        report: &ProbeReport,
        curls: Option<&[Case]>,
    ) -> io::Result<()> {
        if report.unreachable.is_some() {
            writeln!(out, "{}", summary(report))?;
            return writeln!(out, "  Is the server running, and is the URL right?");
        }
        let failures: Vec<&CaseResult> = report.results.iter().filter(|r| !r.passed).collect();
        if !failures.is_empty() {
            writeln!(out, "\nFailures:")?;
        }
        for failure in &failures {
            writeln!(out, "  {} {}", "✗".red(), failure.id.bold())?;
            writeln!(out, "      seen:   {}", failure.seen)?;
            writeln!(out, "      should: {}", failure.should)?;
            writeln!(
                out,
                "      rule:   \"{}\" ({RULE_SOURCE})",
                failure.expect.rule()
            )?;
            if let Some(answer) = &failure.answer {
                writeln!(out, "      answer: {}", answer.dimmed())?;
            }
            let case = curls.and_then(|cases| cases.iter().find(|case| case.id == failure.id));
            for command in case.map(curl_commands).unwrap_or_default() {
                writeln!(
                    out,
                    "      again:  {}",
                    command.replace('\n', "\n              ")
                )?;
            }
        }
        writeln!(out)?;
        writeln!(out, "{}", summary(report))?;
        if report.looks_like_another_secret() {
            writeln!(
                out,
                "  hint: every correctly signed request got 401; does the endpoint use the same \
                 secret as --secret?"
            )?;
        }
        Ok(())
    }
}

/// The one-line verdict: all passed, or how many failed and where the endpoint crashed.
pub fn summary(report: &ProbeReport) -> String {
    let total = report.results.len();
    let failed = report.results.iter().filter(|r| !r.passed).count();
    if let Some(reason) = &report.unreachable {
        return format!(
            "{} could not reach the endpoint ({reason}); none of the {total} cases ran",
            "✗".red().bold()
        );
    }
    if failed == 0 {
        return format!("{} all {total} cases passed", "✓".green().bold());
    }
    let mut line = format!(
        "{} {} of {total} cases passed, {failed} failed",
        "✗".red().bold(),
        total - failed
    );
    let crashed = report.crashed_on();
    if !crashed.is_empty() {
        line.push_str(&format!("; the endpoint crashed on {}", crashed.join(", ")));
    }
    line
}

/// `probe --format json` (schemas/output/probe.schema.json).
#[derive(Serialize)]
struct JsonReport<'a> {
    ok: bool,
    url: &'a WebhookUrl,
    counts: JsonCounts,
    /// Why no case could run (the endpoint could not be reached); null when they ran.
    error: Option<ErrorReport>,
    cases: Vec<JsonCase<'a>>,
}

#[derive(Serialize)]
struct JsonCounts {
    cases: usize,
    passed: usize,
    failed: usize,
}

#[derive(Serialize)]
struct JsonCase<'a> {
    id: &'a str,
    ok: bool,
    expected: &'static str,
    /// The status that decided the case.
    status: Option<u16>,
    /// Every request's status, in order (two for duplicate-delivery).
    statuses: &'a [Option<u16>],
    millis: f64,
    detail: String,
    /// The first lines of the answer that failed the case.
    answer: Option<&'a str>,
    /// For a failed case, a curl command per request that sends it again.
    curl: Vec<String>,
}

/// A curl command for each request of a case (the signature header, never the secret).
fn curl_commands(case: &Case) -> Vec<String> {
    case.requests
        .iter()
        .map(|request| {
            curl::command(
                request.url.as_str(),
                &request.headers,
                curl::Body::Bytes(&request.body),
            )
        })
        .collect()
}

/// The `--format json` document; `cases` are the cases run, for the curl commands.
pub fn to_json(out: &mut impl Write, report: &ProbeReport, cases: &[Case]) -> io::Result<()> {
    let passed = report.results.iter().filter(|r| r.passed).count();
    let document = JsonReport {
        ok: report.passed(),
        url: &report.url,
        counts: JsonCounts {
            cases: report.results.len(),
            passed,
            failed: report.results.len() - passed,
        },
        error: report.unreachable.as_ref().map(ErrorReport::from),
        cases: report
            .results
            .iter()
            .map(|result| JsonCase {
                id: &result.id,
                ok: result.passed,
                expected: result.expect.label(),
                status: result.status,
                statuses: &result.statuses,
                millis: millis(result.elapsed),
                detail: result.detail(),
                answer: result.answer.as_deref(),
                curl: match cases.iter().find(|case| case.id == result.id) {
                    Some(case) if !result.passed => curl_commands(case),
                    _ => Vec::new(),
                },
            })
            .collect(),
    };
    crate::output::write_json_line(out, &document)
}

/// The `--format junit` document: one test case per probe case, the detail as the failure.
pub fn to_junit(out: &mut impl Write, report: &ProbeReport) -> io::Result<()> {
    let cases: Vec<junit::TestCase> = report
        .results
        .iter()
        .map(|result| junit::TestCase {
            name: result.id.clone(),
            classname: "titancard-wh.probe".to_string(),
            time: result.elapsed,
            failure: (!result.passed).then(|| result.detail()),
        })
        .collect();
    let xml = junit::render(&format!("titancard-wh probe {}", report.url), &cases);
    out.write_all(xml.as_bytes())
}

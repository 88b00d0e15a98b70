//! Rendering a probe run: a live pass/fail table for people (rows printed as cases finish), one
//! JSON document, or JUnit XML for CI.

use std::io::{self, Write};
use std::time::Duration;

use colored::Colorize;
use serde::Serialize;

use super::{Case, CaseResult, ProbeReport};
use crate::junit;

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
        url: &str,
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
                "    {:<width$}  {:<9}  {:<6}  {:>8}",
                "case", "expected", "status", "time"
            )?;
        }
        let mark = if result.passed {
            "✓".green()
        } else {
            "✗".red()
        };
        let status = result
            .status
            .map_or_else(|| "—".to_string(), |status| status.to_string());
        let status = format!("{status:<6}");
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

    /// Writes each failure with what the endpoint should do and the rule, then the summary.
    pub fn finish(&self, out: &mut impl Write, report: &ProbeReport) -> io::Result<()> {
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

#[derive(Serialize)]
struct JsonReport<'a> {
    url: &'a str,
    passed: bool,
    cases: Vec<JsonCase<'a>>,
}

#[derive(Serialize)]
struct JsonCase<'a> {
    id: &'a str,
    passed: bool,
    expected: &'static str,
    status: Option<u16>,
    millis: u64,
    detail: String,
}

/// The `--format json` document:
/// `{"url","passed","cases":[{"id","passed","expected","status","millis","detail"}]}`.
pub fn to_json(report: &ProbeReport) -> serde_json::Result<serde_json::Value> {
    let document = JsonReport {
        url: &report.url,
        passed: report.passed(),
        cases: report
            .results
            .iter()
            .map(|result| JsonCase {
                id: &result.id,
                passed: result.passed,
                expected: result.expect.label(),
                status: result.status,
                millis: u64::try_from(result.elapsed.as_millis()).unwrap_or(u64::MAX),
                detail: result.detail(),
            })
            .collect(),
    };
    serde_json::to_value(document)
}

/// The `--format junit` document: one test case per probe case, the detail as the failure.
pub fn to_junit(report: &ProbeReport) -> String {
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
    junit::render(&format!("titancard-wh probe {}", report.url), &cases)
}

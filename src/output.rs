//! Output policy shared by every command: the colour decision (made once), the `titancard-wh:`
//! prefix for diagnostics on stderr, broken-pipe handling, and the pieces of the JSON output
//! vocabulary every report shares (`millis`, `error: {kind, message}`).
//!
//! Data goes to stdout with `writeln!(out, …)?` (never `println!`, which panics on a closed
//! pipe). A closed stdout ends the command quietly at its next write; the exit code is then what
//! the checks made so far earn (`checked`, `outcome_so_far`), so that `titancard-wh validate dir |
//! head` still fails a CI step under `set -o pipefail` when a payload is invalid.

use std::io::{self, IsTerminal};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use colored::Colorize;
use serde::Serialize;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// `--format` for commands whose output is a report: human text or JSON (one document, or JSON
/// Lines for a stream).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// The program name used as the prefix of diagnostics.
pub const PROGRAM: &str = "titancard-wh";

/// Decides colour once for the whole process and pins `colored` to that decision.
///
/// `auto` colours only a terminal, and not when `NO_COLOR` is set and non-empty or `TERM=dumb`;
/// `CLICOLOR_FORCE` (non-empty, not "0") forces it on in `auto`.
pub fn init_color(when: ColorWhen) {
    colored::control::set_override(should_color(when));
}

fn should_color(when: ColorWhen) -> bool {
    let env_set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            if env_set("NO_COLOR") {
                false
            } else if env_set("CLICOLOR_FORCE")
                && std::env::var_os("CLICOLOR_FORCE") != Some("0".into())
            {
                true
            } else {
                io::stdout().is_terminal() && std::env::var_os("TERM") != Some("dumb".into())
            }
        }
    }
}

/// Whether stdout is a terminal (a line a person reads ends with a line break; bytes for a file
/// or a pipe are written as they are).
pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

/// Whether stderr is a terminal: progress bars are drawn only then.
pub fn stderr_is_terminal() -> bool {
    io::stderr().is_terminal()
}

/// Prints `titancard-wh: error: MESSAGE` on stderr.
pub fn error(message: &str) {
    eprintln!("{PROGRAM}: {} {message}", "error:".red().bold());
}

/// Prints `titancard-wh: warning: MESSAGE` on stderr.
pub fn warning(message: &str) {
    eprintln!("{PROGRAM}: {} {message}", "warning:".yellow().bold());
}

/// Whether a check of this run has failed so far: a closed stdout stops a command before it
/// returns its outcome, and this is what the exit code is then made from.
static CHECK_FAILED: AtomicBool = AtomicBool::new(false);

/// Notes a verdict as soon as it is reached, before it is written: a failed one makes a run that
/// a closed stdout stops exit 1. Returns `ok`.
pub fn checked(ok: bool) -> bool {
    if !ok {
        CHECK_FAILED.store(true, Ordering::Relaxed);
    }
    ok
}

/// What the checks noted so far earn: `CheckFailed` once one failed.
pub fn outcome_so_far() -> crate::Outcome {
    crate::Outcome::from_ok(!CHECK_FAILED.load(Ordering::Relaxed))
}

/// Whether an error is, at its root, a closed stdout pipe (`… | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io_err| io_err.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Cuts `text` to at most `max_chars` characters, saying how much was left out.
pub fn truncate_for_display(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}… ({} more bytes)", &text[..cut], text.len() - cut),
    }
}

/// A report as one line of JSON on stdout (JSON output is never coloured).
pub fn write_json_line(out: &mut impl io::Write, report: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, report)?;
    out.write_all(b"\n")
}

/// A duration as the JSON output gives every one: milliseconds, rounded to 3 decimals.
pub fn millis(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// `"error": {"kind": "...", "message": "..."}`, the one shape of an error in JSON output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorReport {
    /// A short stable identifier (`timeout`, `connection_refused`, …).
    pub kind: String,
    /// What happened, in words.
    pub message: String,
}

impl ErrorReport {
    pub fn new(kind: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorReport {
            kind: kind.into(),
            message: message.into(),
        }
    }
}

/// `"counts"` of a report whose items pass or fail: how many there are, passed and failed, under
/// the names the command's schema gives them (`{"deliveries","delivered","failed"}`,
/// `{"requests","valid","invalid"}`, …). The one place a report's verdict is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// The keys for the total, the passed and the failed.
    names: [&'static str; 3],
    pub total: usize,
    pub passed: usize,
}

impl Counts {
    /// Counts `verdicts` (one per item, `true` when it passed) under `names`.
    pub fn of(names: [&'static str; 3], verdicts: impl IntoIterator<Item = bool>) -> Self {
        let (total, passed) = verdicts.into_iter().fold((0, 0), |(total, passed), ok| {
            (total + 1, passed + usize::from(ok))
        });
        Counts {
            names,
            total,
            passed,
        }
    }

    /// Whether every item passed (the report's `ok`).
    pub fn all_passed(&self) -> bool {
        self.passed == self.total
    }
}

impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let [total, passed, failed] = self.names;
        let mut counts = serializer.serialize_struct("Counts", 3)?;
        counts.serialize_field(total, &self.total)?;
        counts.serialize_field(passed, &self.passed)?;
        counts.serialize_field(failed, &(self.total - self.passed))?;
        counts.end()
    }
}

/// `"unreadable": [{"path": "...", "error": {"kind", "message"}}]`: an input that could not be
/// read, the same in every document that reads one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnreadableReport {
    pub path: String,
    pub error: ErrorReport,
}

impl UnreadableReport {
    pub fn new(path: impl Into<String>, kind: &str, message: &str) -> Self {
        UnreadableReport {
            path: path.into(),
            error: ErrorReport::new(kind, message),
        }
    }
}

/// A command's input could not be read: under `--format json` its document (`document` makes it
/// from the input's `unreadable` entry) goes to stdout first, so that a script reading stdout
/// sees `"ok": false` and why; the error itself still ends the run (stderr, exit 2). Any other
/// error passes through.
pub fn unreadable_document<D: Serialize>(
    format: Format,
    err: anyhow::Error,
    document: impl FnOnce(Vec<UnreadableReport>) -> D,
) -> anyhow::Error {
    if format == Format::Json
        && let Some(input) = err.downcast_ref::<crate::input::Unreadable>()
    {
        let entry = UnreadableReport::new(&input.path, input.kind, &input.message);
        // A closed stdout changes nothing: the error below is the outcome.
        let _ = write_json_line(&mut io::stdout().lock(), &document(vec![entry]));
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_written_under_the_reports_own_names() {
        let counts = Counts::of(["requests", "valid", "invalid"], [true, false, true]);
        assert!(!counts.all_passed());
        assert_eq!(
            serde_json::to_string(&counts).unwrap(),
            r#"{"requests":3,"valid":2,"invalid":1}"#
        );
        assert!(Counts::of(["a", "b", "c"], []).all_passed());
    }
}

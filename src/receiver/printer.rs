//! What `listen` prints, and when: one line per request as it arrives (made by `lines`), written
//! by a thread of its own in batches; the running counts; the summary at the end.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::sync::{Mutex, mpsc};
use std::time::Duration;

use serde::Serialize;

use super::exchange::Exchange;
use super::lines;
use super::verdict::Verdict;
use crate::output::Format;

/// The counts reported at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub received: u64,
    pub accepted: u64,
    pub duplicates: u64,
    /// Everything else, by verdict name.
    pub rejected: BTreeMap<&'static str, u64>,
}

impl Summary {
    /// Counts one request.
    pub fn count(&mut self, verdict: &Verdict) {
        self.received += 1;
        match verdict {
            Verdict::Accepted { .. } => self.accepted += 1,
            Verdict::Duplicate { .. } => self.duplicates += 1,
            other => *self.rejected.entry(other.name()).or_default() += 1,
        }
    }

    /// The last JSON line (schemas/output/listen.schema.json).
    pub fn report(&self) -> SummaryLine<'_> {
        SummaryLine {
            kind: "summary",
            ok: self.rejected.is_empty(),
            counts: SummaryCounts {
                received: self.received,
                accepted: self.accepted,
                duplicates: self.duplicates,
                rejected: self.rejected.values().sum(),
                by_reason: &self.rejected,
            },
        }
    }

    /// The summary as a few human lines.
    pub fn to_human(&self) -> String {
        let rejected: u64 = self.rejected.values().sum();
        let mut text = format!(
            "{} received, {} accepted, {} duplicates, {} rejected",
            self.received, self.accepted, self.duplicates, rejected
        );
        for (reason, count) in &self.rejected {
            text.push_str(&format!("\n  {count:>6}  {reason}"));
        }
        text
    }
}

/// The summary as the last line of `--format json`.
#[derive(Serialize)]
pub struct SummaryLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    /// Whether every request was accepted (or was a duplicate of an accepted one).
    ok: bool,
    counts: SummaryCounts<'a>,
}

#[derive(Serialize)]
struct SummaryCounts<'a> {
    received: u64,
    accepted: u64,
    duplicates: u64,
    rejected: u64,
    /// The rejected requests by verdict.
    by_reason: &'a BTreeMap<&'static str, u64>,
}

/// How many lines may wait for the printing thread.
const PRINT_QUEUE: usize = 16 * 1024;

/// What the printing thread is asked to do.
#[derive(Debug)]
enum Message {
    Line(String),
    /// Write out everything before this, then acknowledge.
    Flush(mpsc::SyncSender<()>),
}

/// The printer and counter of one receiver.
///
/// Lines go to a printing thread that writes them as they come and, under load, in batches (one
/// `write` for all the lines waiting), so that a slow terminal or pipe never holds up a request.
#[derive(Debug)]
pub struct Printer {
    format: Option<Format>,
    /// `-v`: each request's headers and body (and the app's answer) under its line.
    verbose: bool,
    summary: Mutex<Summary>,
    printer: Option<mpsc::SyncSender<Message>>,
}

impl Printer {
    /// A printer in `format` (with `verbose`, the whole exchange in human lines), or only a
    /// counter when `None`.
    pub fn new(format: Option<Format>, verbose: bool) -> Self {
        Printer {
            printer: format.and_then(|_| spawn_printer()),
            format,
            verbose,
            summary: Mutex::new(Summary::default()),
        }
    }

    /// Waits (briefly) until every line so far is written out.
    pub fn flush(&self) {
        if let Some(printer) = &self.printer {
            let (ack, done) = mpsc::sync_channel(1);
            if printer.send(Message::Flush(ack)).is_ok() {
                let _ = done.recv_timeout(Duration::from_secs(5));
            }
        }
        let _ = std::io::stdout().flush();
    }

    /// Counts the request and prints its line. `secret_count` is how many secrets the
    /// receiver holds: the one that matched is named only when there are several.
    pub fn record(&self, exchange: &Exchange, secret_count: usize) {
        self.summary
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .count(&exchange.verdict);
        let line = match self.format {
            None => return,
            Some(Format::Human) => lines::human(exchange, secret_count, self.verbose),
            Some(Format::Json) => lines::json(exchange),
        };
        // The receiver keeps serving even when nobody reads its output any more.
        match &self.printer {
            Some(printer) => {
                let _ = printer.send(Message::Line(line));
            }
            None => {
                let _ = writeln!(std::io::stdout().lock(), "{line}");
            }
        }
    }

    /// The counts so far.
    pub fn summary(&self) -> Summary {
        self.summary
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// Starts the printing thread; `None` (print directly) if the thread cannot start.
fn spawn_printer() -> Option<mpsc::SyncSender<Message>> {
    // Bounded: if the output cannot keep up, requests wait for it rather than memory growing.
    let (sender, receiver) = mpsc::sync_channel::<Message>(PRINT_QUEUE);
    let started = std::thread::Builder::new()
        .name("listen-log".into())
        .spawn(move || {
            let mut out = BufWriter::with_capacity(64 * 1024, std::io::stdout());
            let mut open = true;
            while let Ok(first) = receiver.recv() {
                let mut next = Some(first);
                while let Some(message) = next {
                    match message {
                        Message::Line(line) => {
                            open = open && writeln!(out, "{line}").is_ok();
                        }
                        Message::Flush(ack) => {
                            open = open && out.flush().is_ok();
                            let _ = ack.send(());
                        }
                    }
                    // Batch whatever else is already waiting into the same write.
                    next = receiver.try_recv().ok();
                }
                open = open && out.flush().is_ok();
            }
        });
    started.ok().map(|_| sender)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_by_reason() {
        let mut summary = Summary::default();
        summary.count(&Verdict::Accepted { secret_index: 0 });
        summary.count(&Verdict::Duplicate { secret_index: 0 });
        summary.count(&Verdict::NotFound);
        summary.count(&Verdict::NotFound);
        assert_eq!(summary.received, 4);
        assert_eq!(summary.rejected.get("not_found"), Some(&2));
        assert!(summary.to_human().contains("1 accepted"));
    }
}

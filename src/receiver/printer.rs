//! What `listen` prints: one line per request as it arrives (human or JSON Lines), the running
//! counts, and the summary at the end.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, SystemTime};

use colored::Colorize;
use serde::Serialize;
use serde_json::Value;

use super::verdict::Verdict;
use crate::output::Format;

/// The data fields shown on a request's line, in this order, when the payload has them.
const KEY_FIELDS: [&str; 6] = [
    "full_name",
    "name",
    "card_name",
    "contact_name",
    "email",
    "contact_email",
];

/// One request as the log sees it.
pub struct LogEntry<'a> {
    pub received_at: SystemTime,
    pub method: &'a str,
    pub path: &'a str,
    pub event: Option<&'a str>,
    pub payload: Option<&'a Value>,
    pub verdict: &'a Verdict,
    pub status: u16,
    /// How many secrets were given; the matching one is shown only when there are several.
    pub secret_count: usize,
}

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

/// One request as a line of `--format json`.
#[derive(Serialize)]
struct RequestLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    received_at: String,
    method: &'a str,
    path: &'a str,
    event: Option<&'a str>,
    /// The payload's identifying data fields (name, email).
    fields: BTreeMap<&'static str, String>,
    /// Whether the request was accepted, or was a duplicate of an accepted one.
    ok: bool,
    verdict: &'static str,
    detail: Option<String>,
    /// The 1-based position of the secret that matched.
    secret: Option<usize>,
    status: u16,
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
    summary: Mutex<Summary>,
    printer: Option<mpsc::SyncSender<Message>>,
}

impl Printer {
    /// A log printing in `format`, or only counting when `None`.
    pub fn new(format: Option<Format>) -> Self {
        Printer {
            printer: format.and_then(|_| spawn_printer()),
            format,
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

    /// Counts the request and prints its line.
    pub fn record(&self, entry: &LogEntry<'_>) {
        self.summary
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .count(entry.verdict);
        let line = match self.format {
            None => return,
            Some(Format::Human) => human_line(entry),
            Some(Format::Json) => json_line(entry),
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

/// `HH:MM:SS.mmm POST /webhook connection.created Jane Doe jane@example.com accepted 200`.
fn human_line(entry: &LogEntry<'_>) -> String {
    let stamp = humantime::format_rfc3339_millis(entry.received_at).to_string();
    let time = stamp.get(11..23).unwrap_or(&stamp);
    let fields: Vec<String> = key_fields(entry.payload)
        .into_iter()
        .map(|(_, value)| value)
        .collect();
    let mut verdict = entry.verdict.name().to_string();
    if let Some(index) = entry.verdict.secret_index()
        && entry.secret_count > 1
    {
        verdict.push_str(&format!(" (secret #{})", index + 1));
    }
    let status = entry.status.to_string();
    let (verdict, status) = match entry.verdict {
        Verdict::Accepted { .. } => (verdict.green(), status.green().bold()),
        Verdict::Duplicate { .. } => (verdict.yellow(), status.yellow().bold()),
        _ => (verdict.red(), status.red().bold()),
    };
    let mut line = format!(
        "{} {} {} {} ",
        time.dimmed(),
        status,
        entry.method,
        entry.path,
    );
    if let Some(event) = entry.event {
        line.push_str(&format!("{} ", event.bold()));
    }
    if !fields.is_empty() {
        line.push_str(&format!("{} ", fields.join(" ").cyan()));
    }
    line.push_str(&verdict.to_string());
    if let Some(detail) = entry.verdict.detail() {
        let detail = crate::output::truncate_for_display(&detail, 200);
        line.push_str(&format!(": {}", detail.dimmed()));
    }
    line
}

fn json_line(entry: &LogEntry<'_>) -> String {
    let line = RequestLine {
        kind: "request",
        received_at: humantime::format_rfc3339_millis(entry.received_at).to_string(),
        method: entry.method,
        path: entry.path,
        event: entry.event,
        fields: key_fields(entry.payload).into_iter().collect(),
        ok: entry.verdict.secret_index().is_some(),
        verdict: entry.verdict.name(),
        detail: entry.verdict.detail(),
        secret: entry.verdict.secret_index().map(|index| index + 1),
        status: entry.status,
    };
    serde_json::to_string(&line).expect("a request line always serializes")
}

/// The payload's identifying data fields (name, email, status), as display strings.
fn key_fields(payload: Option<&Value>) -> Vec<(&'static str, String)> {
    let Some(data) = payload
        .and_then(|payload| payload.get("data"))
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    KEY_FIELDS
        .iter()
        .filter_map(|name| match data.get(*name)? {
            Value::String(text) => Some((*name, text.clone())),
            _ => None,
        })
        .collect()
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

    #[test]
    fn key_fields_come_from_data() {
        let payload = serde_json::json!({"data":{"full_name":"Jane Doe","email":"jane@example.com","id":"x"}});
        let fields = key_fields(Some(&payload));
        assert_eq!(
            fields,
            [
                ("full_name", "Jane Doe".to_string()),
                ("email", "jane@example.com".to_string())
            ]
        );
    }
}

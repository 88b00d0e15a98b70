//! What `listen` prints, and when: one line per request as it arrives (made by `lines`), written
//! by a thread of its own in batches; the running counts; the summary at the end.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
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

/// How long the printing thread gathers lines before it writes them, once it is awake.
const BATCH: Duration = Duration::from_millis(20);
/// How much text may wait for the printing thread; past that, requests wait for it rather than
/// memory growing.
const MAX_PENDING: usize = 16 * 1024 * 1024;

/// The lines waiting to be written, shared with the printing thread.
#[derive(Debug, Default)]
struct Pending {
    text: String,
    /// The thread sleeps until told: set when it found nothing to write.
    asleep: bool,
    /// Flushes asked for, and the last one done.
    flush_wanted: u64,
    flush_done: u64,
}

#[derive(Debug, Default)]
struct Queue {
    pending: Mutex<Pending>,
    /// Wakes the printing thread (only from its sleep, or for a flush).
    wake: Condvar,
    /// Tells producers and flushers that text was written.
    written: Condvar,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The printer and counter of one receiver.
///
/// Lines are appended to a buffer that a printing thread writes out in batches (one `write` for
/// everything gathered over `BATCH`): under load, a request adds its line without a system call
/// or a wake-up, and a slow terminal or pipe never holds up a request.
#[derive(Debug)]
pub struct Printer {
    format: Option<Format>,
    /// `-v`: each request's headers and body (and the app's answer) under its line.
    verbose: bool,
    summary: Mutex<Summary>,
    queue: Option<Arc<Queue>>,
}

impl Printer {
    /// A printer in `format` (with `verbose`, the whole exchange in human lines), or only a
    /// counter when `None`.
    pub fn new(format: Option<Format>, verbose: bool) -> Self {
        Printer {
            queue: format.and_then(|_| spawn_printer()),
            format,
            verbose,
            summary: Mutex::new(Summary::default()),
        }
    }

    /// Waits (briefly) until every line so far is written out.
    pub fn flush(&self) {
        if let Some(queue) = &self.queue {
            let mut pending = queue.lock();
            pending.flush_wanted += 1;
            let wanted = pending.flush_wanted;
            queue.wake.notify_one();
            let _ = queue
                .written
                .wait_timeout_while(pending, Duration::from_secs(5), |p| p.flush_done < wanted);
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
        let Some(queue) = &self.queue else {
            let _ = writeln!(std::io::stdout().lock(), "{line}");
            return;
        };
        let mut pending = queue.lock();
        while pending.text.len() > MAX_PENDING {
            queue.wake.notify_one();
            pending = queue
                .written
                .wait(pending)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        pending.text.push_str(&line);
        pending.text.push('\n');
        if pending.asleep {
            pending.asleep = false;
            queue.wake.notify_one();
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
fn spawn_printer() -> Option<Arc<Queue>> {
    let queue = Arc::new(Queue::default());
    let shared = queue.clone();
    let started = std::thread::Builder::new()
        .name("listen-log".into())
        .spawn(move || print_batches(&shared));
    started.ok().map(|_| queue)
}

/// The printing thread: sleeps until there is something to write, lets lines gather for
/// `BATCH` (unless a flush is waiting), writes them all in one call, and again.
fn print_batches(queue: &Queue) {
    let mut out = std::io::stdout();
    let mut open = true;
    let mut batch = String::new();
    loop {
        let mut pending = queue.lock();
        let flushing = |p: &Pending| p.flush_wanted != p.flush_done;
        if pending.text.is_empty() && !flushing(&pending) {
            pending.asleep = true;
            pending = queue
                .wake
                .wait_while(pending, |p| p.asleep && !flushing(p))
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        if !flushing(&pending) {
            drop(pending);
            std::thread::sleep(BATCH);
            pending = queue.lock();
        }
        std::mem::swap(&mut batch, &mut pending.text);
        let flush = pending.flush_wanted;
        drop(pending);
        // Once nobody reads the output any more, lines are dropped, not written.
        open = open
            && out
                .write_all(batch.as_bytes())
                .and_then(|()| out.flush())
                .is_ok();
        batch.clear();
        queue.lock().flush_done = flush;
        queue.written.notify_all();
    }
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

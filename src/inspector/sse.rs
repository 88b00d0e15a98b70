//! `GET /api/stream`: Server-Sent Events, one `delivery` event per delivery with its id as the
//! event id, so a reconnecting browser sends `Last-Event-ID` and gets what it missed. Each stream
//! pulls from the store at its own pace: a slow browser is told what it `missed` rather than
//! queued for, so neither memory nor the receiver waits on it.
//!
//! Messages (schemas/output/inspector-stream.schema.json): `hello` first (the run, so a page
//! notices a restart), then `delivery`, `dropped` and `cleared`, and a comment every 15 s.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame};
use serde::Serialize;
use tokio::sync::mpsc;

use super::store::Store;

/// How many deliveries one write carries at most.
const BATCH: usize = 256;
/// How often an idle stream sends a comment, so that dead connections are noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long the browser waits before reconnecting.
const RETRY_MILLIS: u64 = 1000;

/// The response body of a stream: chunks written by its task, one at a time.
pub struct StreamBody {
    chunks: mpsc::Receiver<Bytes>,
}

impl Body for StreamBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.chunks
            .poll_recv(cx)
            .map(|chunk| chunk.map(|bytes| Ok(Frame::data(bytes))))
    }
}

#[derive(Serialize)]
struct Hello<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    run: &'a str,
    newest: Option<u64>,
}

#[derive(Serialize)]
struct Dropped {
    #[serde(rename = "type")]
    kind: &'static str,
    missed: u64,
}

#[derive(Serialize)]
struct Cleared {
    #[serde(rename = "type")]
    kind: &'static str,
}

/// Starts a stream of what comes after delivery `after` (0: everything kept).
pub fn start(store: Arc<Store>, run: Arc<str>, after: u64) -> StreamBody {
    // One chunk in flight: the task writes the next only once hyper has taken the last.
    let (sender, chunks) = mpsc::channel(1);
    tokio::spawn(feed(store, run, after, sender));
    StreamBody { chunks }
}

async fn feed(store: Arc<Store>, run: Arc<str>, mut after: u64, sender: mpsc::Sender<Bytes>) {
    let mut changes = store.subscribe();
    let mut clears = store.clears();
    let hello = Hello {
        kind: "hello",
        run: &run,
        newest: store.counts().newest,
    };
    let mut chunk = format!("retry: {RETRY_MILLIS}\n");
    message(&mut chunk, "hello", None, &hello);
    if sender.send(Bytes::from(chunk)).await.is_err() {
        return;
    }
    loop {
        // Marks the current version seen before reading, so no change is slept through.
        changes.borrow_and_update();
        let since = store.since(after, clears, BATCH);
        let mut chunk = String::new();
        if since.cleared {
            clears = store.clears();
            message(&mut chunk, "cleared", None, &Cleared { kind: "cleared" });
        }
        if since.missed > 0 {
            let dropped = Dropped {
                kind: "dropped",
                missed: since.missed,
            };
            message(&mut chunk, "dropped", None, &dropped);
        }
        for entry in &since.entries {
            message(&mut chunk, "delivery", Some(entry.id), entry.as_ref());
            after = entry.id;
        }
        if since.missed > 0 && since.entries.is_empty() {
            // Nothing kept after the gap: start from the newest delivery.
            after = store.counts().newest.unwrap_or(after);
        }
        let more = since.entries.len() == BATCH;
        if !chunk.is_empty() && sender.send(Bytes::from(chunk)).await.is_err() {
            return;
        }
        if more {
            continue;
        }
        tokio::select! {
            changed = changes.changed() => if changed.is_err() { return },
            () = sender.closed() => return,
            () = tokio::time::sleep(KEEP_ALIVE) => {
                if sender.send(Bytes::from_static(b": keep-alive\n\n")).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Appends one SSE message: `event:`, `id:` and a one-line JSON `data:` (compact JSON holds no
/// raw newline, so it is always one line).
fn message(chunk: &mut String, event: &str, id: Option<u64>, data: &impl Serialize) {
    chunk.push_str("event: ");
    chunk.push_str(event);
    chunk.push('\n');
    if let Some(id) = id {
        chunk.push_str(&format!("id: {id}\n"));
    }
    chunk.push_str("data: ");
    chunk.push_str(&serde_json::to_string(data).expect("stream messages always serialize"));
    chunk.push_str("\n\n");
}

/// Where a stream starts: after the `Last-Event-ID` a reconnecting browser sends, else after
/// `?after=ID` (the newest delivery a page already has), else from the first delivery kept.
/// `None` for an id that is not a number.
pub fn start_after(last_event_id: Option<&str>, after: Option<&str>) -> Option<u64> {
    match last_event_id.map(str::trim).filter(|id| !id.is_empty()) {
        Some(id) => id.parse().ok(),
        None => after.map_or(Some(0), |after| after.parse().ok()),
    }
}

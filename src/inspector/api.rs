//! The JSON API beside the page, for the page itself, scripts and tests. Each answer is one
//! document with a published schema (schemas/output/inspector-*.schema.json):
//!
//! - `GET /api/events?limit=N`: the kept deliveries, newest first (`inspector-events`);
//! - `GET /api/events/{id}`: one, with the diagnosis of a bad signature and a curl command
//!   (`inspector-event`);
//! - `GET /api/events/{id}/download?as=http|jsonl`: a file `verify` and `replay` read;
//! - `POST /api/events/{id}/replay`: sends it again (`inspector-replay`);
//! - `DELETE /api/events`: forgets the kept deliveries (`inspector-clear`);
//! - any refusal or mistake: `{"ok": false, "error": {"kind", "message"}}` (`inspector-error`).

use serde::Serialize;

use super::State;
use super::entry::{Entry, diagnosis_of};
use super::replay::{ReplayAsk, ReplayReport};
use super::store::CAPACITY;
use crate::diagnose::DiagnosisReport;
use crate::output::ErrorReport;
use crate::wire::curl;

/// A failed API request: its status and the error document's kind and message.
#[derive(Debug)]
pub struct ApiError {
    pub status: u16,
    pub kind: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, kind: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            kind,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(400, "bad_request", message)
    }

    fn unknown(id: u64) -> Self {
        ApiError::new(
            404,
            "not_found",
            format!("no delivery {id} is kept (it was cleared, or pushed out by newer ones)"),
        )
    }

    /// The error document.
    pub fn document(&self) -> ErrorDocument {
        ErrorDocument {
            ok: false,
            error: ErrorReport::new(self.kind, self.message.clone()),
        }
    }
}

/// `{"ok": false, "error": {"kind", "message"}}`.
#[derive(Serialize)]
pub struct ErrorDocument {
    ok: bool,
    error: ErrorReport,
}

/// `GET /api/events`.
#[derive(Serialize)]
pub struct EventsDocument<'a> {
    ok: bool,
    /// This run's identifier: a page that sees another one after reconnecting reloads.
    run: &'a str,
    /// Where this receiver listens (the default replay target).
    receiver: &'a str,
    forward_to: Option<&'a str>,
    /// The `--save` file, whose older records stay there.
    save: Option<&'a str>,
    capacity: usize,
    counts: EventCounts,
    events: Vec<&'a Entry>,
}

#[derive(Serialize)]
struct EventCounts {
    /// In this answer.
    events: usize,
    /// Kept in memory.
    kept: usize,
    /// Older deliveries no longer kept (with `--save`, still in the file).
    older: u64,
    /// Deliveries the inspector never saw: it fell behind the receiver.
    lost: u64,
}

/// `GET /api/events/{id}`: the entry, the diagnosis of its bad signature, a curl command.
#[derive(Serialize)]
pub struct EventDocument<'a> {
    /// The request to the API succeeded (the delivery's own verdict is the entry's `accepted`).
    ok: bool,
    #[serde(flatten)]
    entry: &'a Entry,
    diagnosis: Option<DiagnosisReport>,
    /// Sends the same bytes and headers to this receiver; holds no secret.
    curl: String,
}

/// `DELETE /api/events`.
#[derive(Serialize)]
pub struct ClearDocument {
    ok: bool,
    counts: ClearCounts,
}

#[derive(Serialize)]
struct ClearCounts {
    cleared: usize,
}

/// The kept deliveries, newest first, at most `limit` (default and maximum: the capacity).
pub fn list(state: &State, query: Option<&str>) -> Result<String, ApiError> {
    let limit = match param(query, "limit") {
        None => CAPACITY,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|limit| (1..=CAPACITY).contains(limit))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "limit must be a whole number from 1 to {CAPACITY}, not {text:?}"
                ))
            })?,
    };
    let entries = state.store.newest(limit);
    let counts = state.store.counts();
    let document = EventsDocument {
        ok: true,
        run: &state.run,
        receiver: state.replayer.receiver.as_str(),
        forward_to: state.forward_to.as_ref().map(|url| url.as_str()),
        save: state.save.as_deref(),
        capacity: CAPACITY,
        counts: EventCounts {
            events: entries.len(),
            kept: counts.kept,
            older: counts.older,
            lost: state.lost.count(),
        },
        events: entries.iter().map(AsRef::as_ref).collect(),
    };
    Ok(to_json(&document))
}

/// One delivery with its diagnosis and curl command.
pub fn detail(state: &State, id: u64) -> Result<String, ApiError> {
    let entry = state.store.get(id).ok_or_else(|| ApiError::unknown(id))?;
    let bytes = entry.body_bytes();
    let diagnosis = diagnosis_of(
        state.secrets.all(),
        &entry.headers,
        &bytes,
        entry.signature.as_ref(),
    )
    .as_ref()
    .map(DiagnosisReport::new);
    let curl = curl::command(
        state.replayer.receiver.as_str(),
        &entry.headers.relayable(),
        curl::Body::Bytes(&bytes),
    );
    Ok(to_json(&EventDocument {
        ok: true,
        entry: &entry,
        diagnosis,
        curl,
    }))
}

/// A file `verify` and `replay` read: a raw HTTP request (`as=http`, the default) with the exact
/// body, or the one-line `--save` record (`as=jsonl`). Returns (file name, content type, bytes).
pub fn download(
    state: &State,
    id: u64,
    query: Option<&str>,
) -> Result<(String, &'static str, Vec<u8>), ApiError> {
    let entry = state.store.get(id).ok_or_else(|| ApiError::unknown(id))?;
    match param(query, "as").as_deref().unwrap_or("http") {
        "http" => Ok((
            format!("delivery-{id}.http"),
            "message/http",
            raw_http(&entry),
        )),
        "jsonl" => {
            let mut line = entry.save_line().into_bytes();
            line.push(b'\n');
            Ok((format!("delivery-{id}.jsonl"), "application/jsonl", line))
        }
        other => Err(ApiError::bad_request(format!(
            "as must be http or jsonl, not {other:?}"
        ))),
    }
}

/// The request as it would be captured on the wire: request line, the recorded headers (the
/// framing ones replaced by one Content-Length), a blank line, the exact body.
fn raw_http(entry: &Entry) -> Vec<u8> {
    let body = entry.body_bytes();
    let mut raw = format!("{} {} HTTP/1.1\r\n", entry.method, entry.path);
    for (name, value) in entry.headers.iter() {
        if !name.eq_ignore_ascii_case("content-length")
            && !name.eq_ignore_ascii_case("transfer-encoding")
        {
            raw.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    raw.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut bytes = raw.into_bytes();
    bytes.extend_from_slice(&body);
    bytes
}

/// Sends a kept delivery again as `body` (a `ReplayAsk`) says.
pub async fn replay(state: &State, id: u64, body: &[u8]) -> Result<String, ApiError> {
    let ask: ReplayAsk = serde_json::from_slice(body).map_err(|err| {
        ApiError::bad_request(format!(
            "the body must be {{\"mode\": \"exact\" or \"fresh\", \"url\": URL or null}}: {err}"
        ))
    })?;
    let entry = state.store.get(id).ok_or_else(|| ApiError::unknown(id))?;
    let report: ReplayReport = state
        .replayer
        .replay(&entry, ask)
        .await
        .map_err(|err| ApiError::bad_request(err.to_string()))?;
    Ok(to_json(&report))
}

/// Forgets the kept deliveries; the `--save` file is never touched.
pub fn clear(state: &State) -> String {
    let cleared = state.store.clear();
    to_json(&ClearDocument {
        ok: true,
        counts: ClearCounts { cleared },
    })
}

/// A query parameter's value.
fn param(query: Option<&str>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

pub fn to_json(document: &impl Serialize) -> String {
    serde_json::to_string(document).expect("API documents always serialize")
}

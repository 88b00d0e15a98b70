//! `--out DIR`: a story's payloads as fixtures to commit. Each step's payload goes to
//! `NN-EVENT.json` (story order, the exact bytes a run sends: compact JSON, no trailing newline),
//! which `validate` checks and `send --payload` sends byte for byte; and every delivery of the plan,
//! re-deliveries included, goes to `deliveries.jsonl` as signed records in the format of
//! `listen --save`, which `replay` re-sends in the same order and `verify` checks.

use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use anyhow::bail;

use super::Composed;
use super::plan::Delivery;
use crate::headers::Headers;
use crate::input;
use crate::record::RequestRecord;
use crate::wire::OutgoingRequest;

/// The records file's name inside DIR.
pub const RECORDS_FILE: &str = "deliveries.jsonl";

/// What was written.
#[derive(Debug, Clone)]
pub struct Written {
    /// One payload file per step, in story order.
    pub payloads: Vec<PathBuf>,
    /// The records of every delivery, in plan order.
    pub records: PathBuf,
}

/// Writes the fixtures into `dir`, which must be new or empty (the numbered files of another
/// story would mix with these).
pub fn write(
    dir: &Path,
    composed: &[Composed],
    plan: &[Delivery],
    requests: &[OutgoingRequest],
) -> anyhow::Result<Written> {
    let shown = dir.display();
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).map_err(|err| input::unwritable("read", dir, &err))?;
        if entries.next().is_some() {
            bail!(
                "{shown} is not empty: --out writes a story into a new or empty folder, so that \
                 the files of another run do not mix with these"
            );
        }
    }
    std::fs::create_dir_all(dir).map_err(|err| input::unwritable("create", dir, &err))?;
    let width = composed.len().to_string().len().max(2);
    let mut payloads = Vec::new();
    for step in composed {
        let path = dir.join(format!("{:0width$}-{}.json", step.step, step.event.name));
        std::fs::write(&path, &step.body).map_err(|err| input::unwritable("write", &path, &err))?;
        payloads.push(path);
    }
    let mut lines = String::new();
    for delivery in plan {
        let record = record(&composed[delivery.step], &requests[delivery.step]);
        lines.push_str(&serde_json::to_string(&record).expect("a record always serializes"));
        lines.push('\n');
    }
    let records = dir.join(RECORDS_FILE);
    std::fs::write(&records, lines).map_err(|err| input::unwritable("write", &records, &err))?;
    Ok(Written { payloads, records })
}

/// The record of one delivery: the request as sent (header names in lower case, as `listen`
/// records them), received at the step's timestamp.
fn record(step: &Composed, request: &OutgoingRequest) -> RequestRecord {
    let mut headers = Headers::new();
    headers.push("host", request.url.authority());
    for (name, value) in request.headers.iter() {
        headers.push(name.to_ascii_lowercase(), value);
    }
    headers.push("content-length", request.body.len().to_string());
    let (body, body_encoding) = RequestRecord::encode_body(&request.body);
    let at = UNIX_EPOCH + Duration::from_millis(step.timestamp);
    RequestRecord {
        received_at: humantime::format_rfc3339_millis(at).to_string(),
        method: "POST".to_string(),
        path: request.url.path_and_query(),
        headers,
        body,
        body_encoding,
        status: None,
        verdict: None,
    }
}

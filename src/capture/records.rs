//! The JSON Lines records `listen --save` writes, read back: one request a line, a torn last line
//! (an interrupted write) skipped and reported.

use std::borrow::Cow;

use super::{CaptureError, Captured};
use crate::record::RequestRecord;

/// Why line `line` (1-based) of a JSON Lines file is not a record.
pub(super) fn torn_reason(bytes: &[u8], line: usize) -> CaptureError {
    let text = bytes
        .split(|&b| b == b'\n')
        .nth(line - 1)
        .unwrap_or_default();
    let reason = match serde_json::from_slice::<RequestRecord>(text) {
        Err(err) => format!("{err} (and the line has no line break: cut short?)"),
        Ok(_) => "the line has no line break".to_string(),
    };
    CaptureError::Record { line, reason }
}

/// The records of a `listen --save` file. A last line without its line break that does not parse
/// was torn by an interrupted write: it is skipped and reported in `torn_line`.
#[derive(Debug)]
pub struct Records {
    pub requests: Vec<Captured<'static>>,
    pub torn_line: Option<usize>,
}

/// Reads JSON Lines records; `name` prefixes each request's source (`name:line`). Blank lines are
/// skipped; any other line that is not a record is an error naming the line.
pub fn parse_jsonl(name: &str, bytes: &[u8]) -> Result<Records, CaptureError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(CaptureError::Empty);
    }
    let mut requests = Vec::new();
    let mut torn_line = None;
    let line_count = bytes.split(|&b| b == b'\n').count();
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let number = index + 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let is_last_unterminated = number == line_count && !bytes.ends_with(b"\n");
        let record =
            serde_json::from_slice::<RequestRecord>(line).map_err(|err| CaptureError::Record {
                line: number,
                reason: err.to_string(),
            });
        let mut record = match record {
            Ok(record) => record,
            Err(_) if is_last_unterminated => {
                torn_line = Some(number);
                continue;
            }
            Err(err) => return Err(err),
        };
        let body = record
            .take_body_bytes()
            .map_err(|err| CaptureError::Record {
                line: number,
                reason: format!("body is not valid base64: {err}"),
            })?;
        requests.push(Captured {
            source: format!("{name}:{number}"),
            method: record.method,
            path: record.path,
            headers: record.headers,
            body: Cow::Owned(body),
            overflow: None,
        });
    }
    Ok(Records {
        requests,
        torn_line,
    })
}

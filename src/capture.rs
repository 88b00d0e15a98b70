//! Reading captured requests: a raw HTTP/1.1 request (as saved by nc, socat, Wireshark's "follow
//! TCP stream" or mitmproxy's raw export), the JSON Lines records `listen --save` writes, or a bare
//! body. Pure: bytes in, requests out. Bodies are borrowed from the input where they can be, and
//! never re-serialized.

use std::borrow::Cow;
use std::time::Duration;

use crate::record::RequestRecord;
use crate::signature::{CONTENT_TYPE_JSON, HEADER_CONTENT_TYPE, HEADER_EVENT};

/// Most headers a capture may carry; more is reported rather than truncated.
const MAX_HEADERS: usize = 128;

/// What kind of input a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Http,
    Jsonl,
    Body,
}

/// One request read from a capture.
#[derive(Debug, Clone)]
pub struct Captured<'a> {
    /// Where it came from: `FILE` or, for JSON Lines, `FILE:LINE`.
    pub source: String,
    pub method: String,
    /// The request target (path and query).
    pub path: String,
    /// Names and values in the order received.
    pub headers: Vec<(String, String)>,
    /// The body bytes exactly as received.
    pub body: Cow<'a, [u8]>,
}

impl Captured<'_> {
    /// Every value of a header, by case-insensitive name, in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// A header's value; a header sent several times comes back comma-joined, as HTTP folds it.
    pub fn header(&self, name: &str) -> Option<String> {
        let values = self.header_values(name);
        (!values.is_empty()).then(|| values.join(", "))
    }
}

/// Why a capture cannot be read, with the place when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    #[error("the input is empty")]
    Empty,
    #[error("line 1: malformed request line (expected METHOD PATH HTTP/1.1)")]
    RequestLine,
    #[error("line {0}: malformed header")]
    Header(usize),
    #[error("more than {MAX_HEADERS} headers")]
    TooManyHeaders,
    #[error("the headers never end: no blank line before the body")]
    HeadersNeverEnd,
    #[error("line {line}: Content-Length '{value}' is not a number")]
    ContentLength { line: usize, value: String },
    #[error("Content-Length {declared} but only {got} body bytes")]
    ShortBody { declared: u64, got: usize },
    #[error("line {0}: bad chunk size")]
    ChunkSize(usize),
    #[error("line {line}: chunk of {declared} bytes but only {got} bytes follow")]
    ShortChunk {
        line: usize,
        declared: u64,
        got: usize,
    },
    #[error("line {0}: a chunk is not followed by a line break")]
    ChunkEnd(usize),
    #[error("the chunked body never ends (no final 0-size chunk)")]
    NoLastChunk,
    #[error("no complete record to read")]
    NoRecords,
    #[error("line {line}: not a listen --save record: {reason}")]
    Record { line: usize, reason: String },
}

/// Guesses the kind of input: a request line makes it HTTP, a first line that is a `listen --save`
/// record makes it JSON Lines, anything else is a bare body.
pub fn detect(bytes: &[u8]) -> InputKind {
    if looks_like_http(bytes) {
        InputKind::Http
    } else if first_line_is_record(bytes) {
        InputKind::Jsonl
    } else {
        InputKind::Body
    }
}

fn looks_like_http(bytes: &[u8]) -> bool {
    let end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
    let line = bytes[..end].strip_suffix(b"\r").unwrap_or(&bytes[..end]);
    let mut parts = line.split(|&b| b == b' ');
    let method = parts.next().unwrap_or_default();
    let target = parts.next().unwrap_or_default();
    let version = parts.next().unwrap_or_default();
    !method.is_empty()
        && method.iter().all(u8::is_ascii_uppercase)
        && !target.is_empty()
        && version.starts_with(b"HTTP/1.")
        && parts.next().is_none()
}

fn first_line_is_record(bytes: &[u8]) -> bool {
    // Only the keys are looked at; values are skipped without being kept, so a huge single-line
    // body costs one pass and no copy.
    #[derive(serde::Deserialize)]
    struct Probe {
        #[allow(dead_code)]
        headers: serde::de::IgnoredAny,
        #[allow(dead_code)]
        body: serde::de::IgnoredAny,
    }
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start.filter(|&i| bytes[i] == b'{') else {
        return false;
    };
    let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
    serde_json::from_slice::<Probe>(&bytes[start..end]).is_ok()
}

/// The 1-based line number of byte `offset`.
fn line_at(bytes: &[u8], offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &bytes[..offset.min(bytes.len())]).count() + 1
}

/// Parses a raw HTTP/1.1 request with httparse. CRLF and bare LF line endings are both accepted;
/// the body is taken by Content-Length, by chunked transfer encoding, or as the rest of the input.
/// Returns the request (its body borrowed from `bytes` unless chunked) and warnings (such as
/// bytes left over after the body).
pub fn parse_http<'a>(
    source: &str,
    bytes: &'a [u8],
) -> Result<(Captured<'a>, Vec<String>), CaptureError> {
    if bytes.is_empty() {
        return Err(CaptureError::Empty);
    }
    let mut storage = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut storage);
    let head_len = match request.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => {
            return Err(if looks_like_http(bytes) {
                CaptureError::HeadersNeverEnd
            } else {
                CaptureError::RequestLine
            });
        }
        Err(httparse::Error::TooManyHeaders) => return Err(CaptureError::TooManyHeaders),
        Err(_) => return Err(locate_head_error(bytes)),
    };
    let headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|h| {
            let value = String::from_utf8_lossy(h.value);
            (h.name.to_string(), value.trim().to_string())
        })
        .collect();
    let method = request.method.unwrap_or_default().to_string();
    let path = request.path.unwrap_or_default().to_string();
    let rest = &bytes[head_len..];
    let find = |name: &str| {
        headers
            .iter()
            .position(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    let mut warnings = Vec::new();
    let chunked = find("transfer-encoding")
        .is_some_and(|i| headers[i].1.to_ascii_lowercase().contains("chunked"));
    let body: Cow<'a, [u8]> = if chunked {
        let (body, used) = dechunk(bytes, head_len)?;
        leftover_warning(&mut warnings, bytes.len() - head_len - used);
        Cow::Owned(body)
    } else if let Some(index) = find("content-length") {
        let value = &headers[index].1;
        let declared: u64 = value.parse().map_err(|_| CaptureError::ContentLength {
            line: index + 2,
            value: value.clone(),
        })?;
        if declared > rest.len() as u64 {
            return Err(CaptureError::ShortBody {
                declared,
                got: rest.len(),
            });
        }
        let declared = declared as usize;
        leftover_warning(&mut warnings, rest.len() - declared);
        Cow::Borrowed(&rest[..declared])
    } else {
        Cow::Borrowed(rest)
    };
    let captured = Captured {
        source: source.to_string(),
        method,
        path,
        headers,
        body,
    };
    Ok((captured, warnings))
}

fn leftover_warning(warnings: &mut Vec<String>, extra: usize) {
    if extra > 0 {
        warnings.push(format!(
            "{extra} bytes after the body were ignored (not part of this request)"
        ));
    }
}

/// httparse says only what went wrong, not where: find the first line of the head that is not a
/// request line or a `Name: value` header.
fn locate_head_error(bytes: &[u8]) -> CaptureError {
    if !looks_like_http(bytes) {
        return CaptureError::RequestLine;
    }
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate().skip(1) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        let valid = match line.iter().position(|&b| b == b':') {
            Some(colon) if colon > 0 => line[..colon]
                .iter()
                .all(|&b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b)),
            _ => false,
        };
        if !valid || line.iter().any(|&b| b < 0x20 && b != b'\t') {
            return CaptureError::Header(index + 1);
        }
    }
    CaptureError::Header(line_at(bytes, bytes.len()))
}

/// Decodes a chunked body that starts at `start`; returns it and how many bytes it took.
fn dechunk(bytes: &[u8], start: usize) -> Result<(Vec<u8>, usize), CaptureError> {
    let mut body = Vec::new();
    let mut pos = start;
    loop {
        if pos >= bytes.len() {
            return Err(CaptureError::NoLastChunk);
        }
        let line_end = memchr::memchr(b'\n', &bytes[pos..]).map(|i| pos + i);
        let Some(line_end) = line_end else {
            return Err(CaptureError::ChunkSize(line_at(bytes, pos)));
        };
        // httparse wants CRLF after the size; a capture converted to LF has a bare LF.
        let mut size_line = bytes[pos..line_end].to_vec();
        if size_line.last() != Some(&b'\r') {
            size_line.push(b'\r');
        }
        size_line.push(b'\n');
        let size = match httparse::parse_chunk_size(&size_line) {
            Ok(httparse::Status::Complete((_, size))) => size,
            _ => return Err(CaptureError::ChunkSize(line_at(bytes, pos))),
        };
        let size_line_no = line_at(bytes, pos);
        pos = line_end + 1;
        if size == 0 {
            // Skip trailers up to the blank line that ends the message, if the capture has it.
            while pos < bytes.len() {
                let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
                let blank = matches!(&bytes[pos..end], b"" | b"\r");
                pos = (end + 1).min(bytes.len());
                if blank {
                    break;
                }
            }
            return Ok((body, pos - start));
        }
        let available = bytes.len() - pos;
        if size > available as u64 {
            return Err(CaptureError::ShortChunk {
                line: size_line_no,
                declared: size,
                got: available,
            });
        }
        let size = size as usize;
        body.extend_from_slice(&bytes[pos..pos + size]);
        pos += size;
        let after = &bytes[pos..];
        pos += if after.starts_with(b"\r\n") {
            2
        } else if after.starts_with(b"\n") {
            1
        } else {
            return Err(CaptureError::ChunkEnd(line_at(bytes, pos)));
        };
    }
}

/// The reference's headers that a captured request must carry besides its signature (see "Webhook
/// Headers"): `X-Webhook-Event` equal to the body's `event`, and `Content-Type: application/json`.
/// `body_event` is `None` when the body is not a JSON envelope, `Some(None)` when it has no event.
pub fn header_problems(captured: &Captured<'_>, body_event: Option<Option<&str>>) -> Vec<String> {
    let mut problems = Vec::new();
    match captured.header(HEADER_CONTENT_TYPE) {
        None => problems.push(format!(
            "no Content-Type header (TitanCard sends {CONTENT_TYPE_JSON})"
        )),
        Some(value) => {
            let media = value.split(';').next().unwrap_or_default().trim();
            if !media.eq_ignore_ascii_case(CONTENT_TYPE_JSON) {
                problems.push(format!(
                    "Content-Type is '{value}', not {CONTENT_TYPE_JSON}"
                ));
            }
        }
    }
    match (captured.header(HEADER_EVENT), body_event) {
        (None, _) => problems.push(format!(
            "no {HEADER_EVENT} header (TitanCard sends the event name in it)"
        )),
        (Some(_), None) => problems.push(format!(
            "the body is not a JSON object with an event field, so {HEADER_EVENT} cannot be checked"
        )),
        (Some(_), Some(None)) => problems.push("the body has no event field".to_string()),
        (Some(header), Some(Some(body))) if header != body => problems.push(format!(
            "{HEADER_EVENT} is '{header}' but the body's event is '{body}'"
        )),
        _ => {}
    }
    problems
}

/// Replay protection: a problem when the envelope `timestamp` (ms) is further than `tolerance`
/// from `now_ms` in either direction, or missing. The reference signs no timestamp and retries
/// arrive up to ~21 minutes late, so callers apply this only when asked.
pub fn timestamp_problem(
    timestamp: Option<u64>,
    now_ms: u128,
    tolerance: Duration,
) -> Option<String> {
    let Some(timestamp) = timestamp else {
        return Some(
            "the body has no numeric timestamp, so its age cannot be checked against --tolerance"
                .to_string(),
        );
    };
    let timestamp = u128::from(timestamp);
    let (distance, direction) = if timestamp <= now_ms {
        (now_ms - timestamp, "old")
    } else {
        (timestamp - now_ms, "in the future")
    };
    if distance <= tolerance.as_millis() {
        return None;
    }
    let mut secs = u64::try_from(distance / 1000).unwrap_or(u64::MAX);
    if secs >= 3600 {
        // Seconds are noise at this distance.
        secs -= secs % 60;
    }
    let shown = Duration::from_secs(secs);
    let mut message = format!(
        "the timestamp is {} {direction}, more than --tolerance {} (a replayed or very late delivery)",
        humantime::format_duration(shown),
        humantime::format_duration(tolerance)
    );
    if timestamp < 100_000_000_000 {
        message.push_str("; it looks like seconds, but the contract's timestamps are milliseconds");
    }
    Some(message)
}

/// Reads a raw HTTP capture or a `listen --save` file (`kind` says which; a bare body is not a
/// request) into its requests, with warnings prefixed by their place (`name:line: …`).
pub fn parse_requests<'a>(
    name: &str,
    bytes: &'a [u8],
    kind: InputKind,
) -> Result<(Vec<Captured<'a>>, Vec<String>), CaptureError> {
    match kind {
        InputKind::Jsonl => {
            let records = parse_jsonl(name, bytes)?;
            let mut warnings = Vec::new();
            if let Some(line) = records.torn_line {
                warnings.push(format!(
                    "{name}:{line}: the last line is incomplete (an interrupted write); skipped"
                ));
            }
            if records.requests.is_empty() {
                return Err(CaptureError::NoRecords);
            }
            Ok((records.requests, warnings))
        }
        _ => {
            let (captured, warnings) = parse_http(name, bytes)?;
            let warnings = warnings
                .into_iter()
                .map(|w| format!("{name}: {w}"))
                .collect();
            Ok((vec![captured], warnings))
        }
    }
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
        let record = match record {
            Ok(record) => record,
            Err(_) if is_last_unterminated => {
                torn_line = Some(number);
                continue;
            }
            Err(err) => return Err(err),
        };
        let body = record.body_bytes().map_err(|err| CaptureError::Record {
            line: number,
            reason: format!("body is not valid base64: {err}"),
        })?;
        requests.push(Captured {
            source: format!("{name}:{number}"),
            method: record.method,
            path: record.path,
            headers: record.headers,
            body: Cow::Owned(body),
        });
    }
    Ok(Records {
        requests,
        torn_line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_kind() {
        assert_eq!(detect(b"POST /webhook HTTP/1.1\r\n\r\n"), InputKind::Http);
        assert_eq!(
            detect(br#"{"received_at":"x","headers":[],"body":""}"#),
            InputKind::Jsonl
        );
        assert_eq!(detect(br#"{"event":"card.created"}"#), InputKind::Body);
        assert_eq!(detect(b"\xff\x00garbage"), InputKind::Body);
    }

    #[test]
    fn bare_lf_and_chunked_bodies_parse() {
        let raw = b"POST /w HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n\n3\nabc\n2\nde\n0\n\n";
        let (captured, warnings) = parse_http("c", raw).unwrap();
        assert_eq!(&*captured.body, b"abcde");
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn errors_name_the_place() {
        let bad = b"POST /w HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n";
        assert_eq!(parse_http("c", bad).unwrap_err(), CaptureError::Header(3));
        let short = b"POST /w HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc";
        assert_eq!(
            parse_http("c", short).unwrap_err().to_string(),
            "Content-Length 10 but only 3 body bytes"
        );
    }
}

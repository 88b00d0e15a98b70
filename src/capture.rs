//! Reading captured requests: a raw HTTP/1.1 request (as saved by nc, socat, Wireshark's "follow
//! TCP stream" or mitmproxy's raw export), the JSON Lines records `listen --save` writes, or a bare
//! body. Pure: bytes in, requests out. Bodies are borrowed from the input where they can be, and
//! never re-serialized.

use std::borrow::Cow;

use crate::headers::Headers;

mod checks;
mod http;
pub mod large;
mod records;

pub use checks::{header_problems, problems_in, timestamp_problem, user_agent_problem};
pub use http::parse_http;
use http::parse_one;
pub use records::parse_jsonl;
use records::torn_reason;

/// Most headers a capture may carry; more is reported rather than truncated.
pub(crate) const MAX_HEADERS: usize = 128;

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
    pub headers: Headers,
    /// The body bytes exactly as received.
    pub body: Cow<'a, [u8]>,
    /// Bytes that follow a Content-Length body in a raw capture and are not another request:
    /// most often the body itself grew (an editor's newline) after its length was written.
    pub overflow: Option<&'a [u8]>,
}

/// What a capture holds: its requests, warnings prefixed by their place, and the request that
/// could not be read after the whole ones, when there is one.
#[derive(Debug)]
pub struct Requests<'a> {
    pub requests: Vec<Captured<'a>>,
    pub warnings: Vec<String>,
    /// The request that is not whole, after the whole ones.
    pub broken: Option<Broken>,
}

/// The end of a raw capture that is not a whole request: where it is, how much of the capture,
/// and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// `FILE:N`.
    pub source: String,
    /// How many bytes of the capture follow the last whole request.
    pub bytes: usize,
    pub error: CaptureError,
}

impl Broken {
    /// `the 60 bytes after the last whole request are not a whole request`.
    pub fn what(&self) -> String {
        format!(
            "the {} bytes after the last whole request are not a whole request",
            self.bytes
        )
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

pub(crate) fn looks_like_http(bytes: &[u8]) -> bool {
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
    // A record names its headers before its body; a line without that key near its start is not
    // one, and is not worth a full parse.
    let head = &bytes[start..end.min(start + 4096)];
    memchr::memmem::find(head, b"\"headers\"").is_some()
        && serde_json::from_slice::<Probe>(&bytes[start..end]).is_ok()
}

/// Reads a raw HTTP capture or a `listen --save` file (`kind` says which; a bare body is not a
/// request) into its requests. A raw capture may hold several requests one after another (a
/// capture server that appends, or `nc` left running); each is then named `FILE:N`.
pub fn parse_requests<'a>(
    name: &str,
    bytes: &'a [u8],
    kind: InputKind,
) -> Result<Requests<'a>, CaptureError> {
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
                // With nothing else in the file, a last line without its line break is more
                // likely a hand-written record than a torn write: say why it does not parse.
                return Err(match records.torn_line {
                    Some(line) => torn_reason(bytes, line),
                    None => CaptureError::NoRecords,
                });
            }
            Ok(Requests {
                requests: records.requests,
                warnings,
                broken: None,
            })
        }
        _ => parse_http_stream(name, bytes),
    }
}

/// Every request of a raw capture, in order.
fn parse_http_stream<'a>(name: &str, bytes: &'a [u8]) -> Result<Requests<'a>, CaptureError> {
    let mut requests: Vec<Captured<'a>> = Vec::new();
    let mut warnings = Vec::new();
    let mut broken = None;
    let mut offset = 0;
    loop {
        let (mut captured, used) = match parse_one(name, &bytes[offset..]) {
            Ok(parsed) => parsed,
            Err(err) if requests.is_empty() => return Err(err),
            Err(error) => {
                broken = Some(Broken {
                    source: request_name(name, requests.len() + 1),
                    bytes: bytes.len() - offset,
                    error,
                });
                break;
            }
        };
        offset += used;
        let rest = &bytes[offset..];
        // Requests appended one after another may be separated by blank lines.
        let gap = rest
            .iter()
            .position(|byte| !matches!(byte, b'\r' | b'\n'))
            .unwrap_or(rest.len());
        let mut next = &rest[gap..];
        if next.starts_with(b"HTTP/") {
            // An answer, as Wireshark's "follow TCP stream" saves it after its request: skipped,
            // up to the next request if there is one.
            let status_line = next.split(|&b| b == b'\n').next().unwrap_or_default();
            warnings.push(format!(
                "{}: the {} bytes after the body are an HTTP answer ({}); ignored",
                request_name(name, requests.len() + 1),
                next.len(),
                String::from_utf8_lossy(status_line).trim()
            ));
            let skipped = next_request_line(next).unwrap_or(next.len());
            offset += gap + skipped;
            next = &next[skipped..];
            requests.push(captured);
            if next.is_empty() {
                break;
            }
            continue;
        }
        if !next.is_empty() && !looks_like_http(next) {
            captured.overflow = Some(rest);
            requests.push(captured);
            break;
        }
        requests.push(captured);
        if next.is_empty() {
            break;
        }
        offset += gap;
    }
    if requests.len() > 1 || broken.is_some() {
        for (index, captured) in requests.iter_mut().enumerate() {
            captured.source = format!("{name}:{}", index + 1);
        }
    }
    if requests.len() == 1 && broken.is_none() {
        // One request keeps the file's name; the warnings said `FILE:1`.
        for warning in &mut warnings {
            *warning = warning.replacen(&format!("{name}:1:"), &format!("{name}:"), 1);
        }
    }
    Ok(Requests {
        requests,
        warnings,
        broken,
    })
}

fn request_name(name: &str, number: usize) -> String {
    format!("{name}:{number}")
}

/// Where the next line that is a request line starts in `bytes`.
fn next_request_line(bytes: &[u8]) -> Option<usize> {
    let mut start = 0;
    while start < bytes.len() {
        if looks_like_http(&bytes[start..]) {
            return Some(start);
        }
        start += memchr::memchr(b'\n', &bytes[start..])? + 1;
    }
    None
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
    fn several_requests_one_after_another_are_each_read() {
        let one = "POST /w HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}";
        let raw =
            format!("{one}\r\n{one}{one}\n\nPOST /w HTTP/1.1\r\nContent-Length: 9\r\n\r\n{{}}");
        let read = parse_requests("c", raw.as_bytes(), InputKind::Http).unwrap();
        let sources: Vec<&str> = read.requests.iter().map(|r| r.source.as_str()).collect();
        assert_eq!(sources, ["c:1", "c:2", "c:3"]);
        assert!(
            read.requests
                .iter()
                .all(|r| &*r.body == b"{}" && r.overflow.is_none())
        );
        let broken = read.broken.unwrap();
        assert_eq!(broken.source, "c:4");
        assert_eq!(broken.bytes, 41);
        assert_eq!(
            broken.error,
            CaptureError::ShortBody {
                declared: 9,
                got: 2
            }
        );
    }

    #[test]
    fn bytes_past_the_content_length_that_are_not_a_request_are_overflow() {
        let raw = b"POST /w HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}\n";
        let read = parse_requests("c", raw, InputKind::Http).unwrap();
        assert_eq!(read.requests.len(), 1);
        assert_eq!(read.requests[0].source, "c");
        let raw = b"POST /w HTTP/1.1\r\nContent-Length: 2\r\n\r\n{\"a\":1}";
        let read = parse_requests("c", raw, InputKind::Http).unwrap();
        assert_eq!(read.requests[0].overflow, Some(&b"a\":1}"[..]));
    }

    #[test]
    fn a_lone_unterminated_line_that_is_not_a_record_says_why() {
        let raw = br#"{"received_at":"x","method":"POST","path":"/","headers":[],"body":"","body_encoding":"rot13"}"#;
        let err = parse_requests("f", raw, InputKind::Jsonl).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("line 1: not a listen --save record: unknown variant `rot13`"),
            "{text}"
        );
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

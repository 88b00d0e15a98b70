//! The JSON Lines record of one received request: what `listen --save` writes and what `verify`
//! and `replay` read. One object per line:
//!
//! ```json
//! {"received_at":"2026-01-16T16:00:00.123Z","method":"POST","path":"/webhook",
//!  "headers":[["content-type","application/json"],["x-webhook-signature","sha256=…"]],
//!  "body":"{\"event\":…}","body_encoding":"utf8","status":200,"verdict":"accepted"}
//! ```
//!
//! `body` holds the bytes exactly as received: as a string when they are UTF-8
//! (`body_encoding: "utf8"`), else base64 (`"base64"`). Headers keep their order and repeats.

use std::borrow::Cow;

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::headers::Headers;

/// A record as it is written: the same JSON as `RequestRecord`, borrowing the request's parts
/// instead of copying them (a UTF-8 body is not copied at all).
#[derive(Debug, Serialize)]
pub struct RecordLine<'a> {
    received_at: String,
    method: &'a str,
    path: &'a str,
    headers: &'a Headers,
    body: Cow<'a, str>,
    body_encoding: BodyEncoding,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<&'a str>,
}

impl<'a> RecordLine<'a> {
    pub fn new(
        received_at: String,
        method: &'a str,
        path: &'a str,
        headers: &'a Headers,
        body: &'a [u8],
        status: Option<u16>,
        verdict: Option<&'a str>,
    ) -> Self {
        let (body, body_encoding) = match std::str::from_utf8(body) {
            Ok(text) => (Cow::Borrowed(text), BodyEncoding::Utf8),
            Err(_) => (
                Cow::Owned(base64::engine::general_purpose::STANDARD.encode(body)),
                BodyEncoding::Base64,
            ),
        };
        RecordLine {
            received_at,
            method,
            path,
            headers,
            body,
            body_encoding,
            status,
            verdict,
        }
    }
}

impl RecordLine<'_> {
    /// The record as one line of JSON, newline included: the bytes serde_json writes for it (the
    /// tests check), with the body escaped by `push_json_string` into a buffer sized for it. A
    /// receiver writes one per request, and serde_json's escaping of a JSON body (a quote every
    /// few bytes) was a fifth of `listen --save`'s work.
    pub fn to_line(&self) -> Vec<u8> {
        let headers: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.len() + value.len() + 8)
            .sum();
        let mut line = Vec::with_capacity(self.body.len() + self.body.len() / 4 + headers + 192);
        let small = |line: &mut Vec<u8>, key: &str, value: &dyn erased::Json| {
            line.extend_from_slice(key.as_bytes());
            value.write(line);
        };
        small(&mut line, "{\"received_at\":", &self.received_at.as_str());
        small(&mut line, ",\"method\":", &self.method);
        small(&mut line, ",\"path\":", &self.path);
        line.extend_from_slice(b",\"headers\":[");
        for (index, (name, value)) in self.headers.iter().enumerate() {
            line.extend_from_slice(if index == 0 { b"[" } else { b",[" });
            push_json_string(&mut line, name);
            line.push(b',');
            push_json_string(&mut line, value);
            line.push(b']');
        }
        line.push(b']');
        line.extend_from_slice(b",\"body\":");
        push_json_string(&mut line, &self.body);
        small(&mut line, ",\"body_encoding\":", &self.body_encoding);
        if let Some(status) = self.status {
            small(&mut line, ",\"status\":", &status);
        }
        if let Some(verdict) = self.verdict {
            small(&mut line, ",\"verdict\":", &verdict);
        }
        line.extend_from_slice(b"}\n");
        line
    }
}

/// The small parts of a record, written by serde_json.
mod erased {
    /// A value serde_json writes into a line.
    pub trait Json {
        fn write(&self, line: &mut Vec<u8>);
    }

    impl<T: serde::Serialize> Json for T {
        fn write(&self, line: &mut Vec<u8>) {
            serde_json::to_writer(line, self).expect("strings, numbers and headers serialize");
        }
    }
}

/// `text` as a JSON string, escaped as serde_json escapes it (`\"`, `\\`, `\n`, `\r`, `\t`,
/// `\b`, `\f`, other control characters as `\u00XX`; nothing else). Byte by byte into reserved
/// space: a JSON body has a quote every few bytes, and a copy call per run between them cost more
/// than the bytes themselves.
fn push_json_string(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(text.len() + text.len() / 8 + 2);
    out.push(b'"');
    for &byte in text.as_bytes() {
        let escaped = match byte {
            b'"' => b'"',
            b'\\' => b'\\',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x08 => b'b',
            0x0c => b'f',
            0x00..=0x1f => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(byte >> 4)]);
                out.push(HEX[usize::from(byte & 0xf)]);
                continue;
            }
            _ => {
                out.push(byte);
                continue;
            }
        };
        out.push(b'\\');
        out.push(escaped);
    }
    out.push(b'"');
}

/// One saved request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// RFC 3339 UTC time the request was received.
    pub received_at: String,
    pub method: String,
    /// The request target, path and query.
    pub path: String,
    /// Header names (lower-case) and values, in the order received.
    pub headers: Headers,
    /// The body as text (utf8) or base64.
    pub body: String,
    pub body_encoding: BodyEncoding,
    /// The status the receiver answered, when it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The receiver's verdict: accepted, duplicate, or the rejection reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
}

/// The bytes a record's `body` holds in `encoding`.
pub fn decode_body(body: &str, encoding: BodyEncoding) -> Result<Vec<u8>, base64::DecodeError> {
    match encoding {
        BodyEncoding::Utf8 => Ok(body.as_bytes().to_vec()),
        BodyEncoding::Base64 => base64::engine::general_purpose::STANDARD.decode(body),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyEncoding {
    Utf8,
    Base64,
}

impl RequestRecord {
    /// Stores `body` as text when it is UTF-8, else as base64.
    pub fn encode_body(body: &[u8]) -> (String, BodyEncoding) {
        match std::str::from_utf8(body) {
            Ok(text) => (text.to_string(), BodyEncoding::Utf8),
            Err(_) => (
                base64::engine::general_purpose::STANDARD.encode(body),
                BodyEncoding::Base64,
            ),
        }
    }

    /// The body bytes exactly as received.
    pub fn body_bytes(&self) -> Result<Vec<u8>, base64::DecodeError> {
        decode_body(&self.body, self.body_encoding)
    }

    /// Takes the body bytes out of the record (leaving its `body` empty); a text body is moved,
    /// not copied, so a large record needs no second copy of itself.
    pub fn take_body_bytes(&mut self) -> Result<Vec<u8>, base64::DecodeError> {
        let body = std::mem::take(&mut self.body);
        match self.body_encoding {
            BodyEncoding::Utf8 => Ok(body.into_bytes()),
            BodyEncoding::Base64 => base64::engine::general_purpose::STANDARD.decode(body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_line_reads_back_as_a_record() {
        let headers: Headers = [("x-webhook-event", "card.created")].into_iter().collect();
        for body in [&b"{\"a\":1}\n"[..], &[0xff, 0x00, 0x80][..]] {
            let line = RecordLine::new(
                "2026-01-16T16:00:00.000Z".into(),
                "POST",
                "/webhook",
                &headers,
                body,
                Some(200),
                Some("accepted"),
            );
            let text = serde_json::to_string(&line).unwrap();
            let back: RequestRecord = serde_json::from_str(&text).unwrap();
            assert_eq!(back.body_bytes().unwrap(), body);
            assert_eq!(back.verdict.as_deref(), Some("accepted"));
            assert_eq!(back.headers, headers);
        }
    }

    #[test]
    fn a_line_is_the_bytes_serde_json_writes() {
        let every_byte: String = (0u8..=127).map(char::from).collect();
        let headers: Headers = [("x-a", "quote \" back\\slash"), ("x-é", "\u{1}\u{7f}é")]
            .into_iter()
            .collect();
        let bodies: [&[u8]; 5] = [
            b"",
            b"{\"event\":\"card.created\",\"data\":{\"note\":\"line\\nbreak\"}}\r\n",
            every_byte.as_bytes(),
            "héllo — ✓ \u{2028}".as_bytes(),
            &[0xff, 0x00, 0x80],
        ];
        let none = Headers::new();
        for (body, headers) in bodies
            .into_iter()
            .flat_map(|body| [(body, &headers), (body, &none)])
        {
            for (status, verdict) in [(Some(200), Some("accepted")), (None, None)] {
                let line = RecordLine::new(
                    "2026-01-16T16:00:00.000Z".into(),
                    "POST",
                    "/webhook?x=\"1\"",
                    headers,
                    body,
                    status,
                    verdict,
                );
                let mut expected = serde_json::to_vec(&line).unwrap();
                expected.push(b'\n');
                assert_eq!(
                    String::from_utf8_lossy(&line.to_line()),
                    String::from_utf8_lossy(&expected)
                );
            }
        }
    }

    #[test]
    fn bodies_round_trip_as_text_or_base64() {
        for body in [&b"{\"a\":1}\n"[..], &[0xff, 0x00, 0x80][..]] {
            let (text, body_encoding) = RequestRecord::encode_body(body);
            let record = RequestRecord {
                received_at: "2026-01-16T16:00:00Z".into(),
                method: "POST".into(),
                path: "/webhook".into(),
                headers: [("X-Webhook-Event", "card.created")].into_iter().collect(),
                body: text,
                body_encoding,
                status: Some(200),
                verdict: Some("accepted".into()),
            };
            let line = serde_json::to_string(&record).unwrap();
            let back: RequestRecord = serde_json::from_str(&line).unwrap();
            assert_eq!(back.body_bytes().unwrap(), body);
            assert_eq!(back.headers.get("x-webhook-event"), Some("card.created"));
        }
    }
}

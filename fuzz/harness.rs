//! What each fuzz target does with its input, shared by the fuzz targets (fuzz/fuzz_targets/) and
//! the regression tests that replay saved crashing inputs on stable (tests/fuzz_regressions.rs).
//! Each function must never panic, whatever the bytes; the asserts state invariants.
#![allow(dead_code)]

use titancard_webhooks::{Signature, VerifyError, Webhook};
use titancard_wh::internals::{
    self as capture, InputKind, RequestRecord, Secret, diagnose, sign, validate_payload, verify,
};

/// Raw HTTP captures and `listen --save` files: every way `verify` and `replay` read their input.
pub fn capture(data: &[u8]) {
    let detected = capture::detect(data);
    for kind in [detected, InputKind::Http, InputKind::Jsonl] {
        if let Ok(read) = capture::parse_requests("fuzz", data, kind) {
            assert!(!read.requests.is_empty());
            for request in &read.requests {
                // What verify does with each request once read.
                let _ = request.headers.joined("X-Webhook-Signature");
                let event = titancard_wh::internals::event_name(&request.body);
                let _ = capture::header_problems(request, Some(event.as_deref()));
                let _ = capture::header_problems(request, None);
            }
        }
    }
    if let Ok((request, _)) = capture::parse_http("fuzz", data) {
        assert!(request.body.len() <= data.len());
    }
    let _ = capture::parse_jsonl("fuzz", data);
    round_trips(data);
}

/// Any body, framed by Content-Length or chunked (CRLF or bare LF), or saved in a `listen --save`
/// record, is read back byte for byte with no warning.
fn round_trips(body: &[u8]) {
    for eol in ["\r\n", "\n"] {
        let mut raw = format!(
            "POST /w HTTP/1.1{eol}Host: x{eol}Content-Length: {}{eol}{eol}",
            body.len()
        )
        .into_bytes();
        raw.extend_from_slice(body);
        let (request, warnings) = capture::parse_http("rt", &raw).expect("a sized capture parses");
        assert_eq!(&*request.body, body);
        assert!(warnings.is_empty(), "{warnings:?}");

        let mut raw =
            format!("POST /w HTTP/1.1{eol}Host: x{eol}Transfer-Encoding: chunked{eol}{eol}")
                .into_bytes();
        let (mut rest, mut size) = (body, 1usize);
        while !rest.is_empty() {
            let n = size.min(rest.len());
            raw.extend_from_slice(format!("{n:x}{eol}").as_bytes());
            raw.extend_from_slice(&rest[..n]);
            raw.extend_from_slice(eol.as_bytes());
            rest = &rest[n..];
            size = size * 2 + 1;
        }
        raw.extend_from_slice(format!("0{eol}{eol}").as_bytes());
        let (request, warnings) =
            capture::parse_http("rt", &raw).expect("a chunked capture parses");
        assert_eq!(&*request.body, body);
        assert!(warnings.is_empty(), "{warnings:?}");
    }
    let (text, body_encoding) = RequestRecord::encode_body(body);
    let record = RequestRecord {
        received_at: "2026-01-01T00:00:00Z".into(),
        method: "POST".into(),
        path: "/w".into(),
        headers: [(
            "X-Any".to_string(),
            String::from_utf8_lossy(body).into_owned(),
        )]
        .into_iter()
        .collect(),
        body: text,
        body_encoding,
        status: Some(200),
        verdict: None,
    };
    let mut line = serde_json::to_vec(&record).expect("a record serializes");
    line.push(b'\n');
    let records = capture::parse_jsonl("rt", &line).expect("a saved record reads back");
    assert_eq!(records.requests.len(), 1);
    assert_eq!(&*records.requests[0].body, body);
    assert_eq!(records.requests[0].headers, record.headers);
}

/// Signature headers and the mismatch diagnosis. The first byte picks a mode: an arbitrary header
/// value against an arbitrary body, or a real signature of a related body put through the
/// corruptions the diagnosis looks for, so that its matching branches are reached too. The
/// header is the bytes before the first NUL, the body the bytes after it.
pub fn signature(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let split = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    let header_bytes = &rest[..split];
    let body = rest.get(split + 1..).unwrap_or_default();
    let secrets = [Secret::new("other"), Secret::new(" s\n"), Secret::new("s")];
    let header = if mode & 1 == 0 {
        String::from_utf8_lossy(header_bytes).into_owned()
    } else {
        let mut signed = body.to_vec();
        match (mode >> 1) & 3 {
            0 => signed.push(b'\n'),
            1 => {
                signed.pop();
            }
            2 => {
                signed = String::from_utf8_lossy(&signed)
                    .replace('\n', "\r\n")
                    .into_bytes()
            }
            _ => {}
        }
        let secret = &secrets[usize::from(mode >> 3) % secrets.len()];
        let good = sign(secret, &signed);
        let junk = String::from_utf8_lossy(header_bytes);
        match (mode >> 5) & 7 {
            0 => good,
            1 => good.to_uppercase(),
            2 => format!("\"{good}\""),
            3 => format!(" {good} "),
            4 => good["sha256=".len()..].to_string(),
            5 => format!("{junk}, {good}"),
            6 => format!("'{}'", good.to_uppercase()),
            _ => format!("{junk}{good}"),
        }
    };
    let parsed = Signature::parse(&header);
    let verdict = verify(&secrets, body, Some(&header));
    let diagnosis = if verdict.is_valid() {
        assert!(parsed.is_ok());
        None
    } else {
        diagnose(&secrets, body, Some(&header))
    };
    if let Some(explanation) = diagnosis.as_ref().and_then(|d| d.explanation.as_ref()) {
        assert!(explanation.secret_index < secrets.len());
        assert!(!explanation.causes.is_empty());
        for cause in &explanation.causes {
            let _ = (cause.id(), cause.message());
        }
    }
    // A corruption the diagnosis claims to undo must be explained when it is the only one: a
    // body that lost a trailing newline, or whose LF line endings became CRLF, under a header
    // that is intact or damaged in one of the ways it repairs.
    let repairable_header = matches!((mode >> 5) & 7, 0..=4 | 6);
    let body_change = (mode >> 1) & 3;
    let explainable = mode & 1 == 1
        && repairable_header
        && (body_change == 0
            || (body_change == 2
                && std::str::from_utf8(body).is_ok()
                && body.contains(&b'\n')
                && !body.contains(&b'\r')));
    if explainable && !verdict.is_valid() {
        let explained = diagnosis.as_ref().is_some_and(|d| d.explanation.is_some());
        assert!(explained, "not explained: header {header:?}, mode {mode}");
    }
    assert!(diagnose(&secrets, body, None).is_none());
}

/// Validation of arbitrary bytes, as `validate` does it: a .json file and a .jsonl file, lenient
/// and strict. Every finding is placed at a line and column inside the input; then the schemas
/// alone on whatever parses.
pub fn validate(data: &[u8]) {
    let lines = data.split(|&b| b == b'\n').count();
    for json_lines in [false, true] {
        for strict in [false, true] {
            let reports = titancard_wh::internals::check_bytes(data, json_lines, strict);
            assert!(!reports.is_empty());
            for report in &reports {
                assert!(
                    (1..=lines).contains(&report.line),
                    "payload at line {}",
                    report.line
                );
                for finding in &report.findings {
                    assert!(
                        (1..=lines).contains(&finding.line) && finding.column >= 1,
                        "{}:{} in {lines} lines: {}",
                        finding.line,
                        finding.column,
                        finding.message
                    );
                    assert!(!finding.message.is_empty());
                }
            }
        }
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    for strict in [false, true] {
        for violation in validate_payload(&value, strict) {
            assert!(violation.pointer.is_empty() || violation.pointer.starts_with('/'));
        }
    }
}

/// The library's `Webhook::verify` on whatever a network can send: the input is split into a
/// signature header, an event header and a body (by its first two bytes), and the body is also
/// tried correctly signed. Never a panic; an error is a 400 or a 401; a body verifies only under
/// its own signature, and then parses as an event naming the event header.
pub fn webhook(data: &[u8]) {
    let webhook = Webhook::with_secrets(["whsec_fuzz", "whsec_rotated"]).expect("two secrets");
    let (lengths, rest) = data.split_at(data.len().min(2));
    let cut = |at: Option<&u8>, from: &[u8]| usize::from(at.copied().unwrap_or(0)).min(from.len());
    let (signature, rest) = rest.split_at(cut(lengths.first(), rest));
    let (event, body) = rest.split_at(cut(lengths.get(1), rest));
    let signature = String::from_utf8_lossy(signature);
    let event = String::from_utf8_lossy(event);
    let headers = [None, Some(signature.as_ref())];
    for header in headers {
        for event in [None, Some(event.as_ref())] {
            if let Err(err) = webhook.verify(header, event, body) {
                assert!(matches!(err.status(), 400 | 401), "{err}");
                let _ = (err.kind(), err.response_body());
            }
        }
    }
    let good = webhook.sign(body);
    match webhook.verify(Some(&good), Some(&event), body) {
        Ok(verified) => assert_eq!(verified.event, event),
        Err(err) => assert!(
            !matches!(
                err,
                VerifyError::SignatureMismatch | VerifyError::MalformedSignature(_)
            ),
            "its own signature was refused: {err}"
        ),
    }
    if let Ok(verified) = webhook.verify(Some(&signature), Some(&event), body) {
        // Only the body's own signature, with one of the secrets, verifies.
        let rotated = Webhook::new("whsec_rotated").expect("a secret").sign(body);
        assert!(signature == good || signature == rotated, "{signature}");
        let _ = serde_json::to_vec(&verified);
    }
}

//! `verify` of an input too large to hold (over `HOLD` bytes): a bare body, or a raw capture of
//! one request, is hashed as it is read; the whole input is read into memory only when a mismatch
//! needs diagnosing or the capture is of another kind, by reading the file again.

use std::io::Read;
use std::path::Path;

use super::Report;
use crate::capture::{self, Captured, large};
use crate::cli::{InputFormat, VerifyArgs};
use crate::payload::envelope_head;
use crate::secret::Secret;
use crate::signature::{Verdict, VerifyError};

/// Inputs up to this size are read whole; larger ones stream.
pub(super) const HOLD: usize = 1024 * 1024;

/// What came of a large input.
pub(super) enum Large {
    /// Verified as it streamed.
    Verified(Report),
    /// To be verified whole: these bytes, all of the input.
    Whole(Vec<u8>),
}

/// Verifies a large input whose first `head` bytes are read and `rest` is the remainder.
pub(super) fn verify(
    name: &str,
    path: Option<&Path>,
    head: Vec<u8>,
    mut rest: Box<dyn Read>,
    args: &VerifyArgs,
    secrets: &[Secret],
    now_ms: u128,
) -> anyhow::Result<Large> {
    let is_http = match args.input_format {
        InputFormat::Http => true,
        InputFormat::Auto => capture::detect(&head) == capture::InputKind::Http,
        _ => false,
    };
    // `-` is stdin: only a real file can be read a second time.
    let file = crate::input::file(path);
    let streamed = match (&args.signature, is_http, file) {
        (Some(signature), false, _) if args.input_format != InputFormat::Jsonl => {
            Some(large::verify_body(secrets, signature, &head, &mut rest)?)
        }
        // A capture streams from a file only: what does not stream is read again, whole.
        (None, true, Some(_)) => large::verify_capture(secrets, &head, &mut rest)?,
        _ => None,
    };
    let Some(streamed) = streamed else {
        return whole(path, head, rest);
    };
    let mismatch = streamed.verdict == Verdict::Invalid(VerifyError::SignatureMismatch);
    if mismatch && file.is_some() {
        // The diagnosis needs the body: read the file again, whole.
        return whole(path, head, rest);
    }
    let envelope = envelope_head(body_start(&head, is_http));
    let mut problems = Vec::new();
    if is_http {
        let captured = Captured {
            source: name.to_string(),
            method: "POST".into(),
            path: String::new(),
            headers: streamed.headers,
            body: Vec::new().into(),
            overflow: None,
        };
        problems.extend(capture::header_problems(
            &captured,
            Some(envelope.event.as_deref()),
        ));
    }
    if let Some(tolerance) = args.tolerance {
        problems.extend(capture::timestamp_problem(
            envelope.timestamp,
            now_ms,
            tolerance,
        ));
    }
    if mismatch {
        problems.push(format!(
            "the body ({} bytes) streamed from stdin was not held, so the mismatch is not \
             diagnosed: save it to a file and verify that",
            streamed.length
        ));
    }
    Ok(Large::Verified(Report {
        source: name.to_string(),
        event: envelope.event,
        verdict: Some(streamed.verdict),
        problems,
        diagnosis: None,
    }))
}

/// The body's first bytes: after the request head for a capture.
fn body_start(head: &[u8], is_http: bool) -> &[u8] {
    if !is_http {
        return head;
    }
    let mut storage = [httparse::EMPTY_HEADER; 128];
    match httparse::Request::new(&mut storage).parse(head) {
        Ok(httparse::Status::Complete(len)) => &head[len..],
        _ => &[],
    }
}

/// All of the input: the file read again, or stdin's head and the rest of it (which has not been
/// read: stdin only reaches here unread).
fn whole(path: Option<&Path>, head: Vec<u8>, mut rest: Box<dyn Read>) -> anyhow::Result<Large> {
    match crate::input::file(path) {
        Some(file) => Ok(Large::Whole(crate::input::read(Some(file))?)),
        None => {
            let mut bytes = head;
            rest.read_to_end(&mut bytes)?;
            Ok(Large::Whole(bytes))
        }
    }
}

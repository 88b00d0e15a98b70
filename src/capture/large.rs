//! Bodies too large to hold: a bare body, or a raw capture of one request whose Content-Length
//! body ends the input, verified as they are read (each secret's MAC fed chunk by chunk), with the
//! envelope's `event` and `timestamp` read from their first bytes. Memory stays the size of a
//! chunk, however large the body.

use std::io::{self, Read};

use crate::contract::HEADER_SIGNATURE;
use crate::headers::Headers;
use crate::secret::Secret;
use crate::signature::{self, Checker, Verdict, VerifyError};

/// How much is read past a streamed capture's body to check that only line breaks follow.
const MAX_AFTER_BODY: u64 = 64 * 1024;

/// What a streamed check found.
#[derive(Debug)]
pub struct Streamed {
    pub verdict: Verdict,
    /// The capture's headers (none for a bare body).
    pub headers: Headers,
    /// The body's length in bytes.
    pub length: u64,
}

/// Verifies a bare body: `head` (its first bytes, already read) and then whatever `rest` gives.
pub fn verify_body(
    secrets: &[Secret],
    signature: &str,
    head: &[u8],
    rest: &mut dyn Read,
) -> io::Result<Streamed> {
    let mut checker = Checker::new(&signature::webhook(secrets), Some(signature));
    if let Ok(checker) = &mut checker {
        checker.update(head);
    }
    let length = head.len() as u64 + feed(&mut checker, rest, u64::MAX)?;
    Ok(Streamed {
        verdict: finish(checker),
        headers: Headers::new(),
        length,
    })
}

/// Verifies a raw capture of one request: `head` holds its request head (and the start of its
/// body). `None` when the capture is anything else (chunked, no Content-Length, another request
/// or other bytes after the body): the caller then reads it whole. `rest` is consumed either way.
pub fn verify_capture(
    secrets: &[Secret],
    head: &[u8],
    rest: &mut dyn Read,
) -> io::Result<Option<Streamed>> {
    let mut storage = [httparse::EMPTY_HEADER; super::MAX_HEADERS];
    let mut request = httparse::Request::new(&mut storage);
    let Ok(httparse::Status::Complete(head_len)) = request.parse(head) else {
        return Ok(None);
    };
    let headers: Headers = request
        .headers
        .iter()
        .map(|h| (h.name, String::from_utf8_lossy(h.value).trim().to_string()))
        .collect();
    if headers.get("transfer-encoding").is_some() {
        return Ok(None);
    }
    let Some(declared) = headers
        .get("content-length")
        .and_then(|value| value.parse::<u64>().ok())
    else {
        return Ok(None);
    };
    let in_head = &head[head_len..];
    if in_head.len() as u64 > declared {
        return Ok(None);
    }
    let signature = headers.joined(HEADER_SIGNATURE);
    let mut checker = Checker::new(&signature::webhook(secrets), signature.as_deref());
    if let Ok(checker) = &mut checker {
        checker.update(in_head);
    }
    let remaining = declared - in_head.len() as u64;
    if feed(&mut checker, rest, remaining)? != remaining {
        return Ok(None);
    }
    // Only line breaks may follow the body; anything else is for the whole-input reader.
    let mut after = Vec::new();
    rest.take(MAX_AFTER_BODY).read_to_end(&mut after)?;
    if !after.iter().all(|b| matches!(b, b'\r' | b'\n')) {
        return Ok(None);
    }
    Ok(Some(Streamed {
        verdict: finish(checker),
        headers,
        length: declared,
    }))
}

/// Feeds up to `limit` bytes of `rest` to the checker (when there is one); returns how many.
fn feed(
    checker: &mut Result<Checker, VerifyError>,
    rest: &mut dyn Read,
    limit: u64,
) -> io::Result<u64> {
    crate::input::for_each_chunk(rest, limit, |chunk| {
        if let Ok(checker) = checker {
            checker.update(chunk);
        }
    })
}

fn finish(checker: Result<Checker, VerifyError>) -> Verdict {
    match checker {
        Ok(checker) => checker.verdict(),
        Err(problem) => Verdict::Invalid(problem),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::sign;

    #[test]
    fn a_streamed_body_verifies_like_a_held_one() {
        let secrets = [Secret::new("a"), Secret::new("b")];
        let body = vec![b'x'; 3 * crate::input::CHUNK + 17];
        let header = sign(&secrets[1], &body);
        let streamed = verify_body(&secrets, &header, &body[..100], &mut &body[100..]).unwrap();
        assert_eq!(streamed.verdict, Verdict::Valid { secret_index: 1 });
        assert_eq!(streamed.length, body.len() as u64);
        let wrong = verify_body(&secrets, &header, &body[..99], &mut &body[100..]).unwrap();
        assert!(!wrong.verdict.is_valid());
    }

    #[test]
    fn only_a_lone_content_length_request_is_streamed() {
        let secret = [Secret::new("s")];
        let body = b"{\"event\":\"card.created\"}";
        let head = format!(
            "POST /w HTTP/1.1\r\nX-Webhook-Signature: {}\r\nContent-Length: {}\r\n\r\n",
            sign(&secret[0], body),
            body.len()
        );
        let whole = [head.as_bytes(), body, b"\r\n"].concat();
        let (first, rest) = whole.split_at(head.len() + 5);
        let streamed = verify_capture(&secret, first, &mut &rest[..])
            .unwrap()
            .unwrap();
        assert!(streamed.verdict.is_valid());
        assert_eq!(streamed.headers.get("content-length"), Some("24"));
        let two = [whole.clone(), whole.clone()].concat();
        let (first, rest) = two.split_at(head.len() + 5);
        assert!(
            verify_capture(&secret, first, &mut &rest[..])
                .unwrap()
                .is_none()
        );
    }
}

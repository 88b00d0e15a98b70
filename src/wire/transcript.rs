//! A request or an answer written out as HTTP/1.1 text, as it goes over the wire: what
//! `send --dry-run`, `send -v`, `story --dry-run` and `story -v` print. Bodies are written byte
//! for byte.

use std::io::{self, Write};

use super::{Answer, OutgoingRequest};

/// The request line, `Host`, the headers in the order sent, `Content-Length`, a blank line and
/// the body (then a newline, unless it ends with one). Without `url` (a dry run with no
/// `--url`), the target is `/` and no `Host` is written.
pub fn request(out: &mut impl Write, request: &OutgoingRequest, with_url: bool) -> io::Result<()> {
    if with_url {
        writeln!(out, "POST {} HTTP/1.1", request.url.path_and_query())?;
        writeln!(out, "Host: {}", request.url.authority())?;
    } else {
        writeln!(out, "POST / HTTP/1.1")?;
    }
    for (name, value) in request.headers.iter() {
        writeln!(out, "{name}: {value}")?;
    }
    writeln!(out, "Content-Length: {}", request.body.len())?;
    writeln!(out)?;
    body(out, &request.body)
}

/// The status line, the headers as received, a blank line and the body kept (with a note when
/// it was cut).
pub fn answer(out: &mut impl Write, answer: &Answer) -> io::Result<()> {
    let reason = hyper::StatusCode::from_u16(answer.status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .unwrap_or("");
    writeln!(out, "HTTP/1.1 {} {reason}", answer.status)?;
    for (name, value) in answer.headers.iter() {
        writeln!(out, "{name}: {value}")?;
    }
    writeln!(out)?;
    body(out, &answer.body)?;
    if answer.body_truncated {
        writeln!(out, "(the rest of the body, past 64 KiB, was not kept)")?;
    }
    Ok(())
}

/// The request as sent and, when one came, the answer as received, each line behind `prefix`:
/// what `-v` prints under a delivery's line.
pub fn exchange(
    out: &mut impl Write,
    sent: &OutgoingRequest,
    received: Option<&Answer>,
    prefix: &str,
) -> io::Result<()> {
    let mut text = Vec::new();
    request(&mut text, sent, true)?;
    if let Some(received) = received {
        writeln!(text)?;
        answer(&mut text, received)?;
    }
    for line in String::from_utf8_lossy(&text).lines() {
        writeln!(out, "{prefix}{line}")?;
    }
    Ok(())
}

fn body(out: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    out.write_all(bytes)?;
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        writeln!(out)?;
    }
    Ok(())
}

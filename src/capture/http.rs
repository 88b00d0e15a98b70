//! Raw HTTP/1.1 captures: the request head parsed with httparse (CRLF or bare LF), the body by
//! Content-Length, chunked transfer encoding, or the rest of the input.

use std::borrow::Cow;

use super::{CaptureError, Captured, MAX_HEADERS, looks_like_http};

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
    let (captured, used) = parse_one(source, bytes)?;
    let mut warnings = Vec::new();
    leftover_warning(&mut warnings, bytes.len() - used);
    Ok((captured, warnings))
}

/// Parses the request at the start of `bytes`; returns it and how many bytes it took (its head
/// and its framed body; a body without framing takes the rest).
pub(super) fn parse_one<'a>(
    source: &str,
    bytes: &'a [u8],
) -> Result<(Captured<'a>, usize), CaptureError> {
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
    let pairs: Vec<(String, String)> = request
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
    // Positions matter here: an error names the header's line.
    let find = |name: &str| pairs.iter().position(|(k, _)| k.eq_ignore_ascii_case(name));
    let chunked = find("transfer-encoding")
        .is_some_and(|i| pairs[i].1.to_ascii_lowercase().contains("chunked"));
    let (body, used): (Cow<'a, [u8]>, usize) = if chunked {
        let (body, used) = dechunk(bytes, head_len)?;
        (Cow::Owned(body), head_len + used)
    } else if let Some(index) = find("content-length") {
        let value = &pairs[index].1;
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
        (Cow::Borrowed(&rest[..declared]), head_len + declared)
    } else {
        (Cow::Borrowed(rest), bytes.len())
    };
    let captured = Captured {
        source: source.to_string(),
        method,
        path,
        headers: pairs.into_iter().collect(),
        body,
        overflow: None,
    };
    Ok((captured, used))
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

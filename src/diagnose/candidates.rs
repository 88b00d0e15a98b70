//! The forms a body may have had when it was signed: as received, with a trailing newline gained
//! or lost, its line endings converted, or its JSON re-encoded (layouts, key orders, escapes);
//! each converted or re-encoded form also with its final newline changed, since a body is often
//! signed as a file or `echo` leaves it (with one) and re-encoded by a tool that adds its own.

use std::rc::Rc;

use super::json::{KeyOrder, encode, in_sample_order, json_styles};
use super::{Cause, MAX_JSON_CANDIDATE_BODY};
use crate::signature::BodyMac;

/// A body to try: a form of the received bytes, then a suffix, fed to the MAC without copying
/// where possible.
pub(super) struct Candidate<'a> {
    form: Form<'a>,
    suffix: &'static [u8],
}

/// The bytes before the suffix.
enum Form<'a> {
    Slice(&'a [u8]),
    CrlfToLf(&'a [u8]),
    LfToCrlf(&'a [u8]),
    /// A re-encoded JSON body, shared by its forms with and without a final newline.
    Owned(Rc<[u8]>),
}

impl<'a> Candidate<'a> {
    fn new(form: Form<'a>) -> Self {
        Candidate { form, suffix: b"" }
    }

    fn with_suffix(form: Form<'a>, suffix: &'static [u8]) -> Self {
        Candidate { form, suffix }
    }

    pub(super) fn feed(&self, mac: &mut BodyMac) {
        match &self.form {
            Form::Slice(body) => mac.update(body),
            Form::CrlfToLf(body) => {
                let mut start = 0;
                for at in memchr::memmem::find_iter(body, b"\r\n") {
                    mac.update(&body[start..at]);
                    start = at + 1;
                }
                mac.update(&body[start..]);
            }
            Form::LfToCrlf(body) => {
                let mut start = 0;
                for at in memchr::memchr_iter(b'\n', body) {
                    if at == 0 || body[at - 1] != b'\r' {
                        mac.update(&body[start..at]);
                        mac.update(b"\r\n");
                        start = at + 1;
                    }
                }
                mac.update(&body[start..]);
            }
            Form::Owned(bytes) => mac.update(bytes),
        }
        mac.update(self.suffix);
    }
}

/// The body as received (index 0), then each form it may have had when it was signed, with the
/// causes that, undone, lead from that form to the body received.
pub(super) fn body_candidates<'a>(
    body: &'a [u8],
    notes: &mut Vec<String>,
) -> Vec<(Candidate<'a>, Vec<Cause>)> {
    let mut out = vec![(Candidate::new(Form::Slice(body)), Vec::new())];
    if let Some(stripped) = body.strip_suffix(b"\r\n") {
        out.push((
            Candidate::new(Form::Slice(stripped)),
            vec![Cause::BodyGainedEnding("\r\n")],
        ));
    } else if let Some(stripped) = body.strip_suffix(b"\n") {
        out.push((
            Candidate::new(Form::Slice(stripped)),
            vec![Cause::BodyGainedEnding("\n")],
        ));
    }
    for ending in ["\n", "\r\n"] {
        out.push((
            Candidate::with_suffix(Form::Slice(body), ending.as_bytes()),
            vec![Cause::BodyLostEnding(ending)],
        ));
    }
    out.extend(line_ending_candidates(body));
    if body.len() > MAX_JSON_CANDIDATE_BODY {
        notes.push(format!(
            "the body is larger than {} MiB, so re-serialized JSON forms were not tried",
            MAX_JSON_CANDIDATE_BODY / (1024 * 1024)
        ));
        return out;
    }
    out.extend(json_candidates(body));
    out
}

/// The body signed with the other line ending, with its final line break as received, without
/// it, or with one it lost.
fn line_ending_candidates(body: &[u8]) -> Vec<(Candidate<'_>, Vec<Cause>)> {
    let mut out = Vec::new();
    if memchr::memmem::find(body, b"\r\n").is_some() {
        // Signed with LF endings.
        out.push((
            Candidate::new(Form::CrlfToLf(body)),
            vec![Cause::BodyLfToCrlf],
        ));
        out.push(match body.strip_suffix(b"\r\n") {
            Some(stripped) => (
                Candidate::new(Form::CrlfToLf(stripped)),
                vec![Cause::BodyLfToCrlf, Cause::BodyGainedEnding("\r\n")],
            ),
            None => (
                Candidate::with_suffix(Form::CrlfToLf(body), b"\n"),
                vec![Cause::BodyLfToCrlf, Cause::BodyLostEnding("\n")],
            ),
        });
    }
    let lone_lf = memchr::memchr_iter(b'\n', body).any(|at| at == 0 || body[at - 1] != b'\r');
    if lone_lf {
        // Signed with CRLF endings.
        out.push((
            Candidate::new(Form::LfToCrlf(body)),
            vec![Cause::BodyCrlfToLf],
        ));
        let ends_with_lone_lf = body.ends_with(b"\n") && !body.ends_with(b"\r\n");
        out.push(match body.strip_suffix(b"\n") {
            Some(stripped) if ends_with_lone_lf => (
                Candidate::new(Form::LfToCrlf(stripped)),
                vec![Cause::BodyCrlfToLf, Cause::BodyGainedEnding("\n")],
            ),
            _ => (
                Candidate::with_suffix(Form::LfToCrlf(body), b"\r\n"),
                vec![Cause::BodyCrlfToLf, Cause::BodyLostEnding("\r\n")],
            ),
        });
    }
    out
}

/// The JSON value of the body in each common encoding, first as encoded, then each with the
/// final newline it lost (an encoder writes none; the file or `echo` it was signed from had one).
fn json_candidates(body: &[u8]) -> Vec<(Candidate<'static>, Vec<Cause>)> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Vec::new();
    };
    // The same value in TitanCard's key order, when the body names a catalogue event.
    let restored = value
        .get("event")
        .and_then(serde_json::Value::as_str)
        .and_then(crate::events::find)
        .map(|spec| in_sample_order(&value, &spec.sample_value()));
    let as_received = json_styles(&[KeyOrder::AsGiven, KeyOrder::Sorted]);
    let styles = as_received.map(|style| (style, &value)).chain(
        restored
            .iter()
            .flat_map(|restored| json_styles(&[KeyOrder::Catalogue]).map(move |s| (s, restored))),
    );
    let mut encoded: Vec<(Rc<[u8]>, Cause)> = Vec::new();
    for (style, value) in styles {
        let Ok(bytes) = encode(value, style) else {
            continue;
        };
        if bytes != body && !encoded.iter().any(|(seen, _)| **seen == *bytes) {
            encoded.push((bytes.into(), Cause::BodyReserialized(style)));
        }
    }
    let as_encoded = encoded.iter().map(|(bytes, cause)| {
        (
            Candidate::new(Form::Owned(bytes.clone())),
            vec![cause.clone()],
        )
    });
    let with_newline = encoded
        .iter()
        .filter(|(bytes, _)| body.strip_suffix(b"\n") != Some(&**bytes))
        .map(|(bytes, cause)| {
            (
                Candidate::with_suffix(Form::Owned(bytes.clone()), b"\n"),
                vec![cause.clone(), Cause::BodyLostEnding("\n")],
            )
        });
    as_encoded.chain(with_newline).collect()
}

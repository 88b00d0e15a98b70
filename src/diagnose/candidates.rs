//! The forms a body may have had when it was signed: as received, with a trailing newline gained
//! or lost, its line endings converted, or its JSON re-encoded (layouts, key orders, escapes).

use super::json::{KeyOrder, encode, in_sample_order, json_styles};
use super::{Cause, MAX_JSON_CANDIDATE_BODY};
use crate::signature::BodyMac;

/// A body to try, fed to the MAC without copying where possible.
pub(super) enum Candidate<'a> {
    Slice(&'a [u8]),
    WithSuffix(&'a [u8], &'static [u8]),
    CrlfToLf(&'a [u8]),
    LfToCrlf(&'a [u8]),
    Owned(Vec<u8>),
}

impl Candidate<'_> {
    pub(super) fn feed(&self, mac: &mut BodyMac) {
        match self {
            Candidate::Slice(body) => mac.update(body),
            Candidate::WithSuffix(body, suffix) => {
                mac.update(body);
                mac.update(suffix);
            }
            Candidate::CrlfToLf(body) => {
                let mut start = 0;
                for at in memchr::memmem::find_iter(body, b"\r\n") {
                    mac.update(&body[start..at]);
                    start = at + 1;
                }
                mac.update(&body[start..]);
            }
            Candidate::LfToCrlf(body) => {
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
            Candidate::Owned(bytes) => mac.update(bytes),
        }
    }
}

/// The body as received (index 0), then each form it may have had when it was signed.
pub(super) fn body_candidates<'a>(
    body: &'a [u8],
    notes: &mut Vec<String>,
) -> Vec<(Candidate<'a>, Option<Cause>)> {
    let mut out = vec![(Candidate::Slice(body), None)];
    if let Some(stripped) = body.strip_suffix(b"\r\n") {
        out.push((
            Candidate::Slice(stripped),
            Some(Cause::BodyGainedEnding("\r\n")),
        ));
    } else if let Some(stripped) = body.strip_suffix(b"\n") {
        out.push((
            Candidate::Slice(stripped),
            Some(Cause::BodyGainedEnding("\n")),
        ));
    }
    out.push((
        Candidate::WithSuffix(body, b"\n"),
        Some(Cause::BodyLostEnding("\n")),
    ));
    out.push((
        Candidate::WithSuffix(body, b"\r\n"),
        Some(Cause::BodyLostEnding("\r\n")),
    ));
    if memchr::memmem::find(body, b"\r\n").is_some() {
        out.push((Candidate::CrlfToLf(body), Some(Cause::BodyLfToCrlf)));
    }
    let lone_lf = memchr::memchr_iter(b'\n', body).any(|at| at == 0 || body[at - 1] != b'\r');
    if lone_lf {
        out.push((Candidate::LfToCrlf(body), Some(Cause::BodyCrlfToLf)));
    }
    if body.len() > MAX_JSON_CANDIDATE_BODY {
        notes.push(format!(
            "the body is larger than {} MiB, so re-serialized JSON forms were not tried",
            MAX_JSON_CANDIDATE_BODY / (1024 * 1024)
        ));
        return out;
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return out;
    };
    // The same value in TitanCard's key order, when the body names a catalogue event.
    let restored = value
        .get("event")
        .and_then(serde_json::Value::as_str)
        .and_then(crate::events::find)
        .map(|spec| in_sample_order(&value, &spec.sample_value()));
    let as_received = json_styles(&[KeyOrder::AsGiven, KeyOrder::Sorted]);
    let candidates = as_received.map(|style| (style, &value)).chain(
        restored
            .iter()
            .flat_map(|restored| json_styles(&[KeyOrder::Catalogue]).map(move |s| (s, restored))),
    );
    let mut seen: Vec<Vec<u8>> = vec![body.to_vec()];
    for (style, value) in candidates {
        let Ok(bytes) = encode(value, style) else {
            continue;
        };
        if !seen.contains(&bytes) {
            seen.push(bytes.clone());
            out.push((
                Candidate::Owned(bytes),
                Some(Cause::BodyReserialized(style)),
            ));
        }
    }
    out
}

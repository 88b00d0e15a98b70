//! Why a signature does not match: tries the usual corruptions of the header value and of the
//! body (trailing newline, CRLF, re-serialized JSON, missing `sha256=`, upper-case hex, stray
//! whitespace or quotes, several values) and says which one explains it, with each secret.
//!
//! Pure: bytes in, explanation out. Candidates are only built after a failed verification, and
//! the newline and CRLF ones are streamed into the MAC rather than copied.

use crate::secret::Secret;

mod candidates;
mod json;
mod report;

use crate::contract::SCHEME_PREFIX;
use crate::signature::{Signature, signer};
use candidates::body_candidates;
pub use json::JsonStyle;
use json::KeyOrder;
pub use report::{DiagnosisReport, SignatureReport};

/// Bodies larger than this are not parsed and re-encoded as JSON (each candidate is a full copy).
pub const MAX_JSON_CANDIDATE_BODY: usize = 8 * 1024 * 1024;

/// One corruption that, undone, makes the signature match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    HeaderWhitespace,
    HeaderQuoted,
    HeaderMissingPrefix,
    HeaderUpperCase,
    /// The header held `count` comma-joined values; value `index` (1-based) matches.
    HeaderSeveralValues {
        index: usize,
        count: usize,
    },
    /// The body gained this ending after it was signed.
    BodyGainedEnding(&'static str),
    /// The body lost this ending after it was signed.
    BodyLostEnding(&'static str),
    /// Signed with LF line endings, verified with CRLF.
    BodyLfToCrlf,
    /// Signed with CRLF line endings, verified with LF.
    BodyCrlfToLf,
    /// The JSON was re-encoded; it was signed in this style.
    BodyReserialized(JsonStyle),
    /// Secret `index` (1-based) matches once trimmed of surrounding whitespace.
    SecretWhitespace {
        index: usize,
    },
    /// A raw capture's body goes on `extra` bytes past its Content-Length, and matches with them.
    BodyPastContentLength {
        extra: usize,
    },
}

impl Cause {
    /// A stable identifier for JSON output.
    pub fn id(&self) -> &'static str {
        match self {
            Cause::HeaderWhitespace => "header_whitespace",
            Cause::HeaderQuoted => "header_quoted",
            Cause::HeaderMissingPrefix => "header_missing_prefix",
            Cause::HeaderUpperCase => "header_upper_case_hex",
            Cause::HeaderSeveralValues { .. } => "header_several_values",
            Cause::BodyGainedEnding(_) => "body_gained_trailing_newline",
            Cause::BodyLostEnding(_) => "body_lost_trailing_newline",
            Cause::BodyLfToCrlf => "body_lf_to_crlf",
            Cause::BodyCrlfToLf => "body_crlf_to_lf",
            Cause::BodyReserialized(style) if style.key_order == KeyOrder::Catalogue => {
                "body_json_keys_reordered"
            }
            Cause::BodyReserialized(_) => "body_json_reserialized",
            Cause::SecretWhitespace { .. } => "secret_whitespace",
            Cause::BodyPastContentLength { .. } => "body_past_content_length",
        }
    }

    /// What happened and the way out, in plain words.
    pub fn message(&self) -> String {
        let ending = |e: &str| if e == "\n" { r"\n" } else { r"\r\n" };
        match self {
            Cause::HeaderWhitespace => "the header value has whitespace around it: trim it before \
                comparing (TitanCard sends none)"
                .into(),
            Cause::HeaderQuoted => "the header value is wrapped in quotes (added by a shell, a \
                config file or a log): use the value without them"
                .into(),
            Cause::HeaderMissingPrefix => "the header value lacks the sha256= prefix: compare \
                against 'sha256=' + hex, exactly as the reference does"
                .into(),
            Cause::HeaderUpperCase => "the hex digits were upper-cased: TitanCard sends \
                lower-case hex and the reference's receivers compare the value exactly; don't \
                change its case"
                .into(),
            Cause::HeaderSeveralValues { index, count } => format!(
                "the header holds {count} comma-joined values (sent more than once, or a proxy \
                 appended one) and value #{index} matches: keep only the one X-Webhook-Signature \
                 TitanCard sent"
            ),
            Cause::BodyGainedEnding(e) => format!(
                "the body gained a trailing newline ({}) between signing and verifying (an \
                 editor, echo or a heredoc adds one): sign and verify the raw bytes",
                ending(e)
            ),
            Cause::BodyLostEnding(e) => format!(
                "the body lost its trailing newline ({}) between signing and verifying: sign and \
                 verify the raw bytes; don't read the body as text or trim it",
                ending(e)
            ),
            Cause::BodyLfToCrlf => "the body's line endings were converted from LF to CRLF after \
                signing (a Windows tool, git autocrlf, or a text-mode transfer): verify the raw \
                bytes as received"
                .into(),
            Cause::BodyCrlfToLf => "the body's line endings were converted from CRLF to LF after \
                signing (a text-mode read, or a copy through an editor): verify the raw bytes as \
                received"
                .into(),
            Cause::BodyReserialized(style) if style.key_order == KeyOrder::Catalogue => format!(
                "the JSON body's keys were reordered (sorted, as jq -S and Python's \
                 sort_keys=True do) between signing and verifying: it matches when re-encoded as \
                 {}. Verify the raw body bytes as received; don't parse and re-encode the JSON \
                 first",
                style.describe()
            ),
            Cause::BodyReserialized(style) => format!(
                "the JSON body was re-serialized between signing and verifying: it matches when \
                 re-encoded as {}. Verify the raw body bytes as received; don't parse and \
                 re-encode the JSON first (e.g. use express.raw() or request.get_data(), not the \
                 parsed object)",
                style.describe()
            ),
            Cause::BodyPastContentLength { extra } => format!(
                "the body is {extra} bytes longer than its Content-Length says, and the \
                 signature matches the whole of it: the Content-Length header is wrong (the \
                 capture was edited, or a tool changed the body after it was written)"
            ),
            Cause::SecretWhitespace { index } => format!(
                "secret #{index} has whitespace or a line break around it (often the newline of a \
                 file or an environment variable): it matches once trimmed; remove it where the \
                 secret is configured"
            ),
        }
    }
}

/// A fix that made the signature match, and with which secret (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub causes: Vec<Cause>,
    pub secret_index: usize,
}

/// The outcome of a diagnosis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// `None` when no usual corruption explains the mismatch.
    pub explanation: Option<Explanation>,
    /// Things not tried, and why.
    pub notes: Vec<String>,
}

/// What to say when nothing explains the mismatch.
pub const UNEXPLAINED: &str = "none of the usual corruptions explains it: the secret differs or \
    the body was changed after signing (check that both sides use the same webhook secret, with \
    no stray space or newline in it)";

impl Diagnosis {
    /// The whole explanation as one message.
    pub fn message(&self) -> String {
        match &self.explanation {
            None => UNEXPLAINED.to_string(),
            Some(explanation) => explanation
                .causes
                .iter()
                .map(Cause::message)
                .collect::<Vec<_>>()
                .join("; and "),
        }
    }
}

impl Diagnosis {
    /// A diagnosis that names one cause, found with secret `secret_index` (0-based).
    pub fn explained(cause: Cause, secret_index: usize) -> Self {
        Diagnosis {
            explanation: Some(Explanation {
                causes: vec![cause],
                secret_index,
            }),
            notes: Vec::new(),
        }
    }
}

/// Looks for the corruption that explains why `header` does not verify `body` with any of
/// `secrets`. Call it only after verification failed; `None` when there is no header at all, or
/// when it is malformed beyond the usual repairs (its parse problem is then the whole story: no
/// secret or body is to blame).
pub fn diagnose(secrets: &[Secret], body: &[u8], header: Option<&str>) -> Option<Diagnosis> {
    let header = header?;
    let headers = header_candidates(header);
    if headers.iter().all(|(expected, _)| expected.is_none()) {
        return None;
    }
    let mut notes = Vec::new();
    let bodies = body_candidates(body, &mut notes);
    // The secrets as given, then trimmed of surrounding whitespace where that changes them.
    let given: Vec<(usize, Secret)> = secrets.iter().cloned().enumerate().collect();
    let trimmed: Vec<(usize, Secret)> = secrets
        .iter()
        .enumerate()
        .filter_map(|(index, secret)| {
            let value = secret.expose().trim();
            (value != secret.expose() && !value.is_empty()).then(|| (index, Secret::new(value)))
        })
        .collect();
    for (keys, trimmed_keys) in [(&given, false), (&trimmed, true)] {
        // Header repairs alone first, then body repairs alone, then both together; the header
        // and body as given were already tried with the secrets as given.
        let mut order: Vec<(usize, usize)> = Vec::new();
        if trimmed_keys {
            order.push((0, 0));
        }
        order.extend((1..headers.len()).map(|h| (h, 0)));
        order.extend((1..bodies.len()).map(|b| (0, b)));
        order.extend((1..headers.len()).flat_map(|h| (1..bodies.len()).map(move |b| (h, b))));
        for (h, b) in order {
            let (Some(expected), fixes) = &headers[h] else {
                continue;
            };
            let (candidate, body_cause) = &bodies[b];
            for (secret_index, secret) in keys.iter() {
                let mut mac = signer(secret).mac();
                candidate.feed(&mut mac);
                if mac.verify(expected).is_ok() {
                    let mut causes = fixes.clone();
                    causes.extend(body_cause.clone());
                    if trimmed_keys {
                        causes.push(Cause::SecretWhitespace {
                            index: secret_index + 1,
                        });
                    }
                    return Some(Diagnosis {
                        explanation: Some(Explanation {
                            causes,
                            secret_index: *secret_index,
                        }),
                        notes,
                    });
                }
            }
        }
    }
    Some(Diagnosis {
        explanation: None,
        notes,
    })
}

/// The header as given (index 0, decoded when well-formed) and each repaired form that parses.
fn header_candidates(value: &str) -> Vec<(Option<Signature>, Vec<Cause>)> {
    let mut out = vec![(Signature::parse(value).ok(), Vec::new())];
    let parts: Vec<&str> = value.split(',').collect();
    for (index, part) in parts.iter().enumerate() {
        let mut causes = Vec::new();
        if parts.len() > 1 {
            causes.push(Cause::HeaderSeveralValues {
                index: index + 1,
                count: parts.len(),
            });
        }
        let mut text = part.to_string();
        if parts.len() == 1 && text.trim() != text {
            causes.push(Cause::HeaderWhitespace);
        }
        text = text.trim().to_string();
        for quote in ['"', '\''] {
            if text.len() >= 2 && text.starts_with(quote) && text.ends_with(quote) {
                causes.push(Cause::HeaderQuoted);
                text = text[1..text.len() - 1].trim().to_string();
            }
        }
        let lower = text.to_ascii_lowercase();
        if !lower.starts_with(SCHEME_PREFIX) && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            causes.push(Cause::HeaderMissingPrefix);
            text = format!("{SCHEME_PREFIX}{text}");
        }
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            causes.push(Cause::HeaderUpperCase);
            text = text.to_ascii_lowercase();
        }
        if !causes.is_empty()
            && let Ok(bytes) = Signature::parse(&text)
        {
            out.push((Some(bytes), causes));
        }
    }
    out
}

#[cfg(test)]
mod tests;

//! One delivery as the inspector's API gives it (schemas/output/inspector-events.schema.json): the
//! fields of its `listen --save` record, plus an id and what the page shows (the event and its
//! key fields, the signature and schema verdicts, the `--forward-to` app's answer). Built off the
//! request path, from a live exchange or from a record read back from the `--save` file.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::reason;
use crate::contract::{HEADER_EVENT, HEADER_SIGNATURE};
use crate::diagnose::{Diagnosis, SignatureReport};
use crate::headers::Headers;
use crate::receiver::verdict::Verdict;
use crate::receiver::{Exchange, key_fields};
use crate::record::{BodyEncoding, RecordLine, RequestRecord, decode_body};
use crate::schema::{self, Violation};
use crate::secret::Secret;
use crate::signature;
use crate::wire::report::ExchangeReport;

/// A delivery kept by the inspector.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// The delivery's verdict: accepted, or a duplicate of an accepted delivery. (Not `ok`: in
    /// an API answer that says whether the request to the API succeeded.)
    pub accepted: bool,
    pub id: u64,
    pub received_at: String,
    pub method: String,
    pub path: String,
    pub headers: Headers,
    pub body: String,
    pub body_encoding: BodyEncoding,
    /// Null only for a record read back from a file that lacks it.
    pub status: Option<u16>,
    pub verdict: Option<String>,
    pub event: Option<String>,
    pub fields: BTreeMap<&'static str, String>,
    /// The verdict's explanation, when there is one.
    pub detail: Option<String>,
    /// Why it was not accepted, in one line for the list; null for an accepted delivery or a
    /// duplicate.
    pub reason: Option<String>,
    /// The body's length in bytes.
    pub size: usize,
    /// Null when the request was refused before its signature was checked.
    pub signature: Option<SignatureReport>,
    /// Null when the body did not get as far as the schema check.
    pub schema: Option<SchemaReport>,
    /// What the `--forward-to` app answered; null when not relayed (or read back from the file,
    /// which does not keep it).
    pub forward: Option<ExchangeReport>,
    /// Read back from the `--save` file when the inspector started, rather than received since.
    pub restored: bool,
}

/// `{"ok", "errors": [{"pointer", "message"}]}`.
#[derive(Debug, Clone, Serialize)]
pub struct SchemaReport {
    pub ok: bool,
    pub errors: Vec<ViolationReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ViolationReport {
    pub pointer: String,
    pub message: String,
}

impl Entry {
    /// The entry of a request this receiver just answered.
    pub fn from_exchange(id: u64, exchange: &Exchange, secrets: &[Secret]) -> Entry {
        let (body, body_encoding) = RequestRecord::encode_body(&exchange.body);
        let verdict = &exchange.verdict;
        // A rejected body was not parsed by the receiver; the page still names its event.
        // The receiver keeps a JSON value only when it needed one; the page reads the rest.
        let received = exchange.payload.as_ref().and_then(|payload| payload.json());
        let parsed = match received {
            Some(_) => None,
            None => serde_json::from_slice::<Value>(&exchange.body).ok(),
        };
        let payload = received.or(parsed.as_ref());
        let signature = signature_of(verdict, secrets, &exchange.headers, &exchange.body);
        let forward = exchange
            .forwarded
            .as_ref()
            .map(|forwarded| ExchangeReport::new(&forwarded.result, forwarded.elapsed));
        let forward_explained = forward.as_ref().and_then(|f| f.explanation.as_ref());
        let reason = reason::of(verdict, forward_explained, || {
            diagnosis_of(
                secrets,
                &exchange.headers,
                &exchange.body,
                signature.as_ref(),
            )
        });
        Entry {
            accepted: verdict.secret_index().is_some(),
            id,
            received_at: exchange.received_at_text(),
            method: exchange.method.clone(),
            path: exchange.path.clone(),
            headers: exchange.headers.clone(),
            body,
            body_encoding,
            status: Some(exchange.status),
            verdict: Some(verdict.name().to_string()),
            event: event_of(payload),
            fields: key_fields(payload).into_iter().collect(),
            detail: verdict.detail(),
            reason,
            size: exchange.body.len(),
            signature,
            schema: schema_of(verdict),
            forward,
            restored: false,
        }
    }

    /// The entry of a record read back from the `--save` file: what the record does not keep
    /// (the verdict's detail, the signature's secret, the schema errors) is worked out again from
    /// its bytes, with the receiver's secrets.
    pub fn from_record(id: u64, record: RequestRecord, secrets: &[Secret]) -> Entry {
        let bytes = record.body_bytes().unwrap_or_default();
        let payload = serde_json::from_slice::<Value>(&bytes).ok();
        let verdict = record.verdict.as_deref().and_then(|name| {
            rebuild_verdict(name, &record.headers, &bytes, payload.as_ref(), secrets)
        });
        let event = event_of(payload.as_ref());
        let accepted = matches!(record.verdict.as_deref(), Some("accepted" | "duplicate"));
        let signature = verdict
            .as_ref()
            .and_then(|verdict| signature_of(verdict, secrets, &record.headers, &bytes));
        let reason = match &verdict {
            Some(verdict) => reason::of(verdict, None, || {
                diagnosis_of(secrets, &record.headers, &bytes, signature.as_ref())
            }),
            // A verdict whose details the record does not keep: its name says what it can.
            None => record
                .verdict
                .as_deref()
                .filter(|_| !accepted)
                .map(|name| name.replace('_', " ")),
        };
        Entry {
            accepted,
            id,
            received_at: record.received_at,
            method: record.method,
            path: record.path,
            signature,
            reason,
            schema: verdict.as_ref().and_then(schema_of),
            detail: verdict.as_ref().and_then(Verdict::detail),
            headers: record.headers,
            body: record.body,
            body_encoding: record.body_encoding,
            status: record.status,
            verdict: record.verdict,
            event,
            fields: key_fields(payload.as_ref()).into_iter().collect(),
            size: bytes.len(),
            forward: None,
            restored: true,
        }
    }

    /// The body bytes exactly as received.
    pub fn body_bytes(&self) -> Vec<u8> {
        // Entries are built from real bytes (or a record whose body decoded), so this decodes.
        decode_body(&self.body, self.body_encoding).unwrap_or_default()
    }

    /// The entry's `--save` line, byte for byte what `listen --save` wrote.
    pub fn save_line(&self) -> String {
        let bytes = self.body_bytes();
        let line = RecordLine::new(
            self.received_at.clone(),
            &self.method,
            &self.path,
            &self.headers,
            &bytes,
            self.status,
            self.verdict.as_deref(),
        );
        serde_json::to_string(&line).expect("a record always serializes")
    }

    /// Roughly how much memory the entry holds, to bound what is kept.
    pub fn weight(&self) -> usize {
        let headers: usize = self.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
        let forward = self
            .forward
            .as_ref()
            .and_then(|forward| forward.response.as_ref())
            .map_or(0, |response| response.body.len());
        self.body.len() + headers + forward + 512
    }
}

/// What explains a bad signature, worked out with the receiver's secrets; `None` when it is
/// good or was not checked.
pub fn diagnosis_of(
    secrets: &[Secret],
    headers: &Headers,
    body: &[u8],
    signature: Option<&SignatureReport>,
) -> Option<Diagnosis> {
    let checked_bad = signature.is_some_and(|signature| !signature.ok);
    let header = headers.joined(HEADER_SIGNATURE);
    reason::diagnosis(secrets, body, header.as_deref(), !checked_bad)
}

/// The event a parsed body names.
fn event_of(payload: Option<&Value>) -> Option<String> {
    payload?.get("event")?.as_str().map(str::to_string)
}

/// The signature's verdict: from the receiver's verdict when it says, else checked again (the
/// verdicts past the signature check do not keep which secret matched).
fn signature_of(
    verdict: &Verdict,
    secrets: &[Secret],
    headers: &Headers,
    body: &[u8],
) -> Option<SignatureReport> {
    let checked = match verdict {
        Verdict::NotFound
        | Verdict::MethodNotAllowed
        | Verdict::TooLarge { .. }
        | Verdict::BodyIncomplete(_) => return None,
        Verdict::Accepted { secret_index } | Verdict::Duplicate { secret_index } => {
            signature::Verdict::Valid {
                secret_index: *secret_index,
            }
        }
        Verdict::InvalidSignature(problem) => signature::Verdict::Invalid(problem.clone()),
        _ => {
            let header = headers.joined(HEADER_SIGNATURE);
            signature::verify(secrets, body, header.as_deref())
        }
    };
    Some(SignatureReport::new(&checked))
}

/// The schema's verdict, for the requests that got as far as the schema check.
fn schema_of(verdict: &Verdict) -> Option<SchemaReport> {
    match verdict {
        Verdict::InvalidPayload(violations) => Some(SchemaReport {
            ok: false,
            errors: violations.iter().map(ViolationReport::from).collect(),
        }),
        Verdict::NotFound
        | Verdict::MethodNotAllowed
        | Verdict::TooLarge { .. }
        | Verdict::BodyIncomplete(_)
        | Verdict::InvalidSignature(_)
        | Verdict::MalformedJson(_) => None,
        _ => Some(SchemaReport {
            ok: true,
            errors: Vec::new(),
        }),
    }
}

impl From<&Violation> for ViolationReport {
    fn from(violation: &Violation) -> Self {
        ViolationReport {
            pointer: violation.pointer.clone(),
            message: violation.message.clone(),
        }
    }
}

/// The verdict a saved record names, with the details the record does not keep worked out again
/// from its bytes. `None` for a name this receiver does not give.
fn rebuild_verdict(
    name: &str,
    headers: &Headers,
    body: &[u8],
    payload: Option<&Value>,
    secrets: &[Secret],
) -> Option<Verdict> {
    let secret_index = || {
        let header = headers.joined(HEADER_SIGNATURE);
        match signature::verify(secrets, body, header.as_deref()) {
            signature::Verdict::Valid { secret_index } => Ok(secret_index),
            signature::Verdict::Invalid(problem) => Err(problem),
        }
    };
    Some(match name {
        "accepted" | "duplicate" => {
            // A record saved under other secrets no longer verifies: say so rather than guess.
            let secret_index = match secret_index() {
                Ok(index) => index,
                Err(problem) => return Some(Verdict::InvalidSignature(problem)),
            };
            if name == "accepted" {
                Verdict::Accepted { secret_index }
            } else {
                Verdict::Duplicate { secret_index }
            }
        }
        "invalid_signature" => Verdict::InvalidSignature(secret_index().err()?),
        "malformed_json" => match serde_json::from_slice::<Value>(body) {
            Ok(_) => return None,
            Err(err) => Verdict::MalformedJson(err.to_string()),
        },
        "invalid_payload" => Verdict::InvalidPayload(schema::validate_payload(payload?, false)),
        "event_mismatch" => Verdict::EventMismatch {
            header: headers.get(HEADER_EVENT)?.to_string(),
            body: payload?.get("event")?.as_str()?.to_string(),
        },
        "simulated_failure" => Verdict::SimulatedFailure,
        "forward_failed" => Verdict::ForwardFailed,
        "not_found" => Verdict::NotFound,
        "method_not_allowed" => Verdict::MethodNotAllowed,
        _ => return None,
    })
}

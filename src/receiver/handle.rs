//! One request through the receiver: the checks in the order the reference's "Error Handling"
//! implies (path, method, size, signature, JSON, schema, event header, duplicate), then the
//! simulation or the forward, the `--save` record, the terminal line, and the answer.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::http::request::Parts;
use hyper::{Method, Request, Response, header};
use serde_json::Value;

use super::Shared;
use super::exchange::{Exchange, Forwarded};
use super::payload::Payload;
use super::verdict::{ACCEPTED_BODY, DUPLICATE_BODY, Verdict};
use crate::contract::{HEADER_EVENT, HEADER_SIGNATURE};
use crate::headers::Headers;
use crate::schema;

/// What the checks concluded, with what they learnt on the way.
struct Judgement {
    verdict: Verdict,
    status: u16,
    body: Bytes,
    payload: Option<Payload>,
    /// The dedupe key reserved for this request, to release if it is not acknowledged.
    key: Option<String>,
    /// The `--forward-to` app's answer (its body is relayed as is), or why none came.
    forwarded: Option<Forwarded>,
}

impl Judgement {
    fn rejected(verdict: Verdict, body: Bytes, payload: Option<Payload>) -> Self {
        Judgement {
            status: verdict.default_status(),
            verdict,
            body,
            payload,
            key: None,
            forwarded: None,
        }
    }
}

/// Serves one request; never fails (every problem is an answer).
///
/// The work runs in its own task so that a client hanging up mid-request cannot cut it short
/// between reserving a dedupe key, saving the record and releasing the key.
pub(super) async fn serve(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    match tokio::spawn(process(shared, request)).await {
        Ok(response) => Ok(response),
        Err(_) => {
            let mut response = Response::new(Full::new(Bytes::from_static(
                b"{\"error\":\"internal error\"}",
            )));
            *response.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            Ok(response)
        }
    }
}

async fn process(shared: Arc<Shared>, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let received_at = SystemTime::now();
    let (parts, incoming) = request.into_parts();
    let headers: Headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut judgement = judge(&shared, &parts, &headers, incoming).await;
    let mut exchange = Exchange {
        received_at,
        method: parts.method.to_string(),
        path: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_string(), ToString::to_string),
        headers,
        body: judgement.body.clone(),
        payload: judgement.payload.take(),
        verdict: judgement.verdict.clone(),
        status: judgement.status,
        forwarded: judgement.forwarded.take(),
    };
    if let Some(saver) = &shared.saver
        && let Err(err) = saver.append(&exchange.record().to_line()).await
    {
        // Without the record the event could be lost: answer 500 so the sender retries.
        let why = format!("cannot write to {}: {err}", saver.path().display());
        crate::output::warning(&why);
        if let Some(key) = judgement.key.take() {
            shared.forget(&key);
        }
        judgement.verdict = Verdict::SaveFailed(why);
        judgement.status = judgement.verdict.default_status();
        exchange.verdict = judgement.verdict.clone();
        exchange.status = judgement.status;
    }
    shared.printer.record(&exchange, shared.secrets.all().len());
    if let Some(delay) = shared.simulation.delay {
        tokio::time::sleep(delay).await;
    }
    let response = respond(&judgement, exchange.forwarded.as_ref());
    if let Some(observer) = &shared.observer {
        observer.notify(Arc::new(exchange));
    }
    response
}

fn respond(judgement: &Judgement, forwarded: Option<&Forwarded>) -> Response<Full<Bytes>> {
    let app_answer = forwarded
        .and_then(|forwarded| forwarded.result.as_ref().ok())
        .filter(|_| !matches!(judgement.verdict, Verdict::SaveFailed(_)));
    // The two common answers are constants: no JSON building on the hot path.
    let body = match (app_answer, &judgement.verdict) {
        (Some(answer), _) => Bytes::from(answer.body.clone()),
        (None, Verdict::Accepted { .. }) => Bytes::from_static(ACCEPTED_BODY),
        (None, Verdict::Duplicate { .. }) => Bytes::from_static(DUPLICATE_BODY),
        (None, verdict) => Bytes::from(verdict.response_body().to_string()),
    };
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = hyper::StatusCode::from_u16(judgement.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    if judgement.verdict == Verdict::MethodNotAllowed {
        headers.insert(header::ALLOW, header::HeaderValue::from_static("POST"));
    }
    response
}

/// The checks in order: the request itself, then the delivery, then the answer.
async fn judge(shared: &Shared, parts: &Parts, headers: &Headers, incoming: Incoming) -> Judgement {
    let body = match admit(shared, parts, incoming).await {
        Ok(body) => body,
        Err(verdict) => return Judgement::rejected(verdict, Bytes::new(), None),
    };
    let judgement = check_delivery(shared, headers, body);
    match judgement.verdict {
        Verdict::Accepted { .. } => answer(shared, headers, judgement).await,
        _ => judgement,
    }
}

/// The path, the method and the size, then the body within the limits.
async fn admit(shared: &Shared, parts: &Parts, incoming: Incoming) -> Result<Bytes, Verdict> {
    if parts.uri.path() != shared.path {
        return Err(Verdict::NotFound);
    }
    if parts.method != Method::POST {
        return Err(Verdict::MethodNotAllowed);
    }
    // A declared length over the limit is refused before a byte of the body is read.
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > shared.max_body as u64) {
        return Err(Verdict::TooLarge {
            limit: shared.max_body,
        });
    }
    read_body(shared, incoming).await
}

/// The signature, the JSON, the schema, the event header, then the duplicate check: an accepted
/// delivery (its dedupe key reserved), or the judgement that rejects it.
fn check_delivery(shared: &Shared, headers: &Headers, body: Bytes) -> Judgement {
    let signature_header = headers.get(HEADER_SIGNATURE);
    let secret_index = match shared.webhook.verify_signature(signature_header, &body) {
        Ok(secret_index) => secret_index,
        Err(problem) => {
            return Judgement::rejected(Verdict::InvalidSignature(problem), body, None);
        }
    };
    // A conforming event needs no JSON document and no schema walk; anything else is judged
    // by the schema, whose messages say what is wrong.
    let payload = match schema::conforming(&body) {
        Some(event) => Payload::Event(Box::new(event)),
        None => {
            let value: Value = match serde_json::from_slice(&body) {
                Ok(value) => value,
                Err(err) => {
                    let verdict = Verdict::MalformedJson(err.to_string());
                    return Judgement::rejected(verdict, body, None);
                }
            };
            let violations = schema::validate_payload(&value, false);
            if !violations.is_empty() {
                let verdict = Verdict::InvalidPayload(violations);
                return Judgement::rejected(verdict, body, Some(Payload::Json(value)));
            }
            Payload::Json(value)
        }
    };
    let body_event = payload.event().unwrap_or_default();
    if let Some(header_event) = headers.get(HEADER_EVENT)
        && header_event != body_event
    {
        let verdict = Verdict::EventMismatch {
            header: header_event.to_string(),
            body: body_event.to_string(),
        };
        return Judgement::rejected(verdict, body, Some(payload));
    }
    let key = payload.delivery_key();
    if !shared.remember(&key) {
        let verdict = Verdict::Duplicate { secret_index };
        return Judgement::rejected(verdict, body, Some(payload));
    }
    Judgement {
        verdict: Verdict::Accepted { secret_index },
        status: 200,
        body,
        payload: Some(payload),
        key: Some(key),
        forwarded: None,
    }
}

/// The answer to an accepted delivery: 200, the simulation's failure, or the `--forward-to`
/// app's answer. A delivery that is not acknowledged releases its dedupe key, so that the
/// sender's retry counts as new.
async fn answer(shared: &Shared, headers: &Headers, mut judgement: Judgement) -> Judgement {
    if let Some(status) = shared.simulation.override_status() {
        judgement.status = status;
        if !(200..300).contains(&status) {
            judgement.verdict = Verdict::SimulatedFailure;
        }
    } else if let Some((forwarder, url)) = shared.forwarder.as_ref().and_then(|forwarder| {
        let event = judgement.payload.as_ref()?.event()?;
        Some((forwarder, forwarder.target(event)?))
    }) {
        let started = Instant::now();
        let result = forwarder.relay(url, headers, judgement.body.clone()).await;
        match &result {
            Ok(answer) => {
                judgement.status = answer.status;
                if !answer.is_success() {
                    judgement.verdict = Verdict::ForwardFailed;
                }
            }
            Err(err) => {
                judgement.verdict = Verdict::ForwardUnreachable(err.to_string());
                judgement.status = judgement.verdict.default_status();
            }
        }
        judgement.forwarded = Some(Forwarded {
            result,
            elapsed: started.elapsed(),
        });
    }
    if !(200..300).contains(&judgement.status)
        && let Some(key) = judgement.key.take()
    {
        shared.forget(&key);
    }
    judgement
}

/// Reads the whole body, at most `max_body` bytes and within the read timeout.
async fn read_body(shared: &Shared, incoming: Incoming) -> Result<Bytes, Verdict> {
    let limited = Limited::new(incoming, shared.max_body);
    match tokio::time::timeout(shared.read_timeout, limited.collect()).await {
        Err(_) => Err(Verdict::BodyIncomplete(format!(
            "the body did not arrive within {}",
            humantime::format_duration(shared.read_timeout)
        ))),
        Ok(Err(err)) if err.downcast_ref::<LengthLimitError>().is_some() => {
            Err(Verdict::TooLarge {
                limit: shared.max_body,
            })
        }
        Ok(Err(err)) => Err(Verdict::BodyIncomplete(err.to_string())),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
    }
}

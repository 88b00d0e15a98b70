//! What the receiver concluded about one request: the verdict names that `listen` prints, saves
//! and counts, and the JSON body it answers with.
//!
//! Reference, "Error Handling": 2xx for an accepted event, 401 when the signature fails, 400 for
//! a malformed payload, duplicates handled idempotently.

use serde_json::{Value, json};

use crate::schema::Violation;
use crate::signature::VerifyError;

/// The answer to an accepted delivery, as `Verdict::response_body` builds it, ready-made.
pub const ACCEPTED_BODY: &[u8] = b"{\"received\":true}";
/// The answer to a duplicate delivery, ready-made.
pub const DUPLICATE_BODY: &[u8] = b"{\"received\":true,\"duplicate\":true}";

/// The receiver's conclusion about one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Valid and new: 2xx. `secret_index` is the 0-based position of the secret that matched.
    Accepted { secret_index: usize },
    /// Valid, and already accepted before: 200 with `"duplicate":true`.
    Duplicate { secret_index: usize },
    /// Valid, but `--status`, `--fail-rate` or `--fail-first` answered a failure.
    SimulatedFailure,
    /// Valid, relayed with `--forward-to`, and the app answered non-2xx.
    ForwardFailed,
    /// Valid, but the `--forward-to` app could not be reached: 502.
    ForwardUnreachable(String),
    /// Valid, but the `--save` file could not be written: 500, so the sender retries.
    SaveFailed(String),
    /// Not the webhook path: 404.
    NotFound,
    /// Not POST: 405.
    MethodNotAllowed,
    /// Body over `--max-body`: 413.
    TooLarge { limit: usize },
    /// The body did not arrive in time, or the connection broke while it did.
    BodyIncomplete(String),
    /// Missing or invalid signature: 401.
    InvalidSignature(VerifyError),
    /// The body is not JSON: 400.
    MalformedJson(String),
    /// The body is JSON but fails the event's schema: 400.
    InvalidPayload(Vec<Violation>),
    /// `X-Webhook-Event` names another event than the body: 400.
    EventMismatch { header: String, body: String },
}

impl Verdict {
    /// The stable name printed, saved and counted (`accepted`, `invalid_signature`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Accepted { .. } => "accepted",
            Verdict::Duplicate { .. } => "duplicate",
            Verdict::SimulatedFailure => "simulated_failure",
            Verdict::ForwardFailed => "forward_failed",
            Verdict::ForwardUnreachable(_) => "forward_unreachable",
            Verdict::SaveFailed(_) => "save_failed",
            Verdict::NotFound => "not_found",
            Verdict::MethodNotAllowed => "method_not_allowed",
            Verdict::TooLarge { .. } => "too_large",
            Verdict::BodyIncomplete(_) => "body_incomplete",
            Verdict::InvalidSignature(_) => "invalid_signature",
            Verdict::MalformedJson(_) => "malformed_json",
            Verdict::InvalidPayload(_) => "invalid_payload",
            Verdict::EventMismatch { .. } => "event_mismatch",
        }
    }

    /// The status for a verdict that fixes one (the others take it from the simulation or the
    /// forwarded app).
    pub fn default_status(&self) -> u16 {
        match self {
            Verdict::Accepted { .. } | Verdict::Duplicate { .. } => 200,
            Verdict::SimulatedFailure | Verdict::SaveFailed(_) => 500,
            Verdict::ForwardFailed | Verdict::ForwardUnreachable(_) => 502,
            Verdict::NotFound => 404,
            Verdict::MethodNotAllowed => 405,
            Verdict::TooLarge { .. } => 413,
            Verdict::BodyIncomplete(_) => 408,
            Verdict::InvalidSignature(_) => 401,
            Verdict::MalformedJson(_)
            | Verdict::InvalidPayload(_)
            | Verdict::EventMismatch { .. } => 400,
        }
    }

    /// The secret that matched, for a valid delivery.
    pub fn secret_index(&self) -> Option<usize> {
        match self {
            Verdict::Accepted { secret_index } | Verdict::Duplicate { secret_index } => {
                Some(*secret_index)
            }
            _ => None,
        }
    }

    /// One line of explanation, when there is more to say than the name.
    pub fn detail(&self) -> Option<String> {
        match self {
            Verdict::ForwardUnreachable(why)
            | Verdict::SaveFailed(why)
            | Verdict::BodyIncomplete(why)
            | Verdict::MalformedJson(why) => Some(why.clone()),
            Verdict::InvalidSignature(problem) => Some(problem.to_string()),
            Verdict::TooLarge { limit } => Some(format!("the body is over {limit} bytes")),
            Verdict::InvalidPayload(violations) => Some(
                violations
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Verdict::EventMismatch { header, body } => Some(format!(
                "X-Webhook-Event says {header} but the body's event is {body}"
            )),
            _ => None,
        }
    }

    /// The JSON body the receiver answers with.
    pub fn response_body(&self) -> Value {
        match self {
            Verdict::Accepted { .. } => json!({"received": true}),
            Verdict::Duplicate { .. } => json!({"received": true, "duplicate": true}),
            Verdict::InvalidPayload(violations) => json!({
                "error": "the payload does not match the event's schema",
                "errors": violations
                    .iter()
                    .map(|v| json!({"pointer": v.pointer, "message": v.message}))
                    .collect::<Vec<_>>(),
            }),
            other => {
                let error = match other {
                    Verdict::SimulatedFailure => "simulated failure",
                    Verdict::ForwardFailed => "the forwarded app answered with a failure",
                    Verdict::ForwardUnreachable(_) => "the forwarded app could not be reached",
                    Verdict::SaveFailed(_) => "the request could not be saved",
                    Verdict::NotFound => "not found",
                    Verdict::MethodNotAllowed => "method not allowed: webhooks are POSTed",
                    Verdict::TooLarge { .. } => "payload too large",
                    Verdict::BodyIncomplete(_) => "the body did not arrive in full",
                    Verdict::InvalidSignature(_) => "invalid signature",
                    Verdict::MalformedJson(_) => "malformed JSON",
                    _ => "event mismatch",
                };
                let mut body = json!({ "error": error });
                if let Some(detail) = other.detail() {
                    body["detail"] = Value::String(detail);
                }
                body
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_made_bodies_match_the_built_ones() {
        let parse = |bytes: &[u8]| serde_json::from_slice::<Value>(bytes).unwrap();
        assert_eq!(
            parse(ACCEPTED_BODY),
            Verdict::Accepted { secret_index: 0 }.response_body()
        );
        assert_eq!(
            parse(DUPLICATE_BODY),
            Verdict::Duplicate { secret_index: 0 }.response_body()
        );
    }

    #[test]
    fn bodies_follow_the_contract() {
        assert_eq!(
            Verdict::Accepted { secret_index: 0 }.response_body(),
            json!({"received": true})
        );
        assert_eq!(
            Verdict::Duplicate { secret_index: 0 }.response_body(),
            json!({"received": true, "duplicate": true})
        );
        let invalid = Verdict::InvalidPayload(vec![Violation {
            pointer: "/data".into(),
            message: "missing".into(),
        }]);
        assert_eq!(invalid.default_status(), 400);
        assert_eq!(invalid.response_body()["errors"][0]["pointer"], "/data");
        let bad = Verdict::InvalidSignature(VerifyError::MissingHeader(
            crate::contract::HEADER_SIGNATURE,
        ));
        assert_eq!(bad.default_status(), 401);
        assert_eq!(bad.response_body()["error"], "invalid signature");
    }
}

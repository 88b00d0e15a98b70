//! Payload validation against the event schemas.
//!
//! The interface other modules rely on is `validate_payload`; its body is a minimal envelope
//! check until the per-event JSON Schemas land.

use serde_json::Value;

use crate::events;

/// One way a payload fails its schema: where (a JSON pointer) and what, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer to the offending value, e.g. `/data/source`.
    pub pointer: String,
    pub message: String,
}

/// Validates a whole payload (the envelope and the data of the event it names). `strict` rejects
/// unknown keys. An empty list means valid.
pub fn validate_payload(payload: &Value, _strict: bool) -> Vec<Violation> {
    let mut violations = Vec::new();
    let mut violation = |pointer: &str, message: String| {
        violations.push(Violation {
            pointer: pointer.to_string(),
            message,
        })
    };
    let Some(object) = payload.as_object() else {
        violation("", "the payload is not a JSON object".into());
        return violations;
    };
    match object.get("event").and_then(Value::as_str) {
        Some(name) if events::find(name).is_some() => {}
        Some(name) => violation("/event", events::unknown_event_message(name)),
        None => violation("/event", "missing or not a string".into()),
    }
    if !object.get("timestamp").is_some_and(Value::is_u64) {
        violation("/timestamp", "missing or not a non-negative integer".into());
    }
    if !object.get("data").is_some_and(Value::is_object) {
        violation("/data", "missing or not an object".into());
    }
    violations
}

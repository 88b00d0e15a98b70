//! Building payloads: an event's sample with a fresh envelope timestamp and `--set`/`--unset`
//! overrides, checked against the fields the event actually has, validated against its schema,
//! serialized as compact JSON in the sample's key order.
//!
//! Paths (see `field_path`) are checked against the event's sample (see `edit`): a path into a
//! field the event does not have is an error with the closest field name, since silently
//! ignoring it would send a payload the user did not ask for.

mod edit;
mod envelope;
pub mod field_path;

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde_json::Value;

use crate::events::EventSpec;
use crate::schema::validate_payload;
pub use envelope::envelope_head;
use field_path::{FieldPath, PathError, parse_path};

/// Why an override cannot be applied, in words that name the path and the way out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error(transparent)]
    Path(#[from] PathError),
    #[error("invalid --set '{0}': expected PATH=VALUE, such as data.title=CTO")]
    BadSet(String),
    #[error("{path}: {event} has no field '{key}'{hint}")]
    UnknownField {
        path: String,
        event: String,
        key: String,
        hint: String,
    },
    #[error("{path}: index {index} is out of range ({parent} has {len} items)")]
    OutOfRange {
        path: String,
        parent: String,
        index: usize,
        len: usize,
    },
    #[error("{path}: {parent} is {kind}, not {wanted}")]
    WrongType {
        path: String,
        parent: String,
        kind: &'static str,
        wanted: &'static str,
    },
}

/// One `--set PATH=VALUE`: the path, and the value (JSON when VALUE is valid JSON, else the
/// string as typed).
#[derive(Debug, Clone, PartialEq)]
pub struct SetField {
    pub path: FieldPath,
    pub value: Value,
}

impl std::str::FromStr for SetField {
    type Err = PayloadError;

    /// Splits `PATH=VALUE` (`data.title=CTO` is the string "CTO"; `data.total_views=7` the
    /// number 7).
    fn from_str(text: &str) -> Result<Self, PayloadError> {
        let (path, raw) = text
            .split_once('=')
            .ok_or_else(|| PayloadError::BadSet(text.to_string()))?;
        Ok(SetField {
            path: parse_path(path)?,
            value: value_from_text(raw),
        })
    }
}

/// VALUE of `--set PATH=VALUE` (and a story's string values): JSON when it parses as JSON
/// (`7`, `null`, `["a"]`, `"7"`), else the text itself.
pub fn value_from_text(raw: &str) -> Value {
    serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()))
}

impl PayloadError {
    /// The path the error is about, as written, when it is about one.
    pub fn path(&self) -> Option<&str> {
        match self {
            PayloadError::Path(err) => Some(&err.path),
            PayloadError::BadSet(_) => None,
            PayloadError::UnknownField { path, .. }
            | PayloadError::OutOfRange { path, .. }
            | PayloadError::WrongType { path, .. } => Some(path),
        }
    }
}

/// Checks that every key on `path` exists in `spec`'s sample, as `build` does for a `--set`.
pub fn check_path(spec: &EventSpec, path: &FieldPath) -> Result<(), PayloadError> {
    edit::check_known(spec, &spec.sample_value(), path)
}

/// The value at `path` in `payload` (a payload of `spec`); a key it does not have gets the
/// closest name.
pub fn get(spec: &EventSpec, payload: &Value, path: &FieldPath) -> Result<Value, PayloadError> {
    let mut copy = payload.clone();
    edit::slot(spec, &mut copy, path, false).map(|value| value.take())
}

/// Milliseconds since the Unix epoch, now.
pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as u64)
        .unwrap_or(0)
}

/// What to change in an event's sample.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// The envelope timestamp; now when `None`.
    pub timestamp: Option<u64>,
    /// `--set` fields, applied in order.
    pub set: Vec<SetField>,
    /// `--unset` paths, applied after the sets.
    pub unset: Vec<FieldPath>,
}

/// The bytes of `spec`'s sample with the envelope timestamp set to `timestamp`: a fresh
/// delivery of the sample, as `probe` and `demo` send it.
pub fn sample_with_timestamp(spec: &EventSpec, timestamp: u64) -> Bytes {
    let mut value = spec.sample_value();
    set_timestamp(&mut value, timestamp);
    Bytes::from(to_bytes(&value))
}

fn set_timestamp(payload: &mut Value, timestamp: u64) {
    if let Some(object) = payload.as_object_mut() {
        object.insert("timestamp".into(), Value::from(timestamp));
    }
}

/// The payload to send for `spec`: its sample, the timestamp (now unless given), then the sets
/// and unsets. Every path must lead to a field the event's sample has.
pub fn build(spec: &EventSpec, overrides: &Overrides) -> Result<Value, PayloadError> {
    let sample = spec.sample_value();
    let mut value = sample.clone();
    set_timestamp(&mut value, overrides.timestamp.unwrap_or_else(now_millis));
    for set in &overrides.set {
        edit::check_known(spec, &sample, &set.path)?;
        *edit::slot(spec, &mut value, &set.path, true)? = set.value.clone();
    }
    for path in &overrides.unset {
        edit::check_known(spec, &sample, path)?;
        edit::remove(spec, &mut value, path)?;
    }
    Ok(value)
}

/// The bytes sent: compact JSON in the sample's key order, as a real sender serializes it.
pub fn to_bytes(value: &Value) -> Vec<u8> {
    to_string(value).into_bytes()
}

/// `to_bytes` as text.
pub fn to_string(value: &Value) -> String {
    serde_json::to_string(value).expect("a JSON value with string keys always serializes")
}

/// Refuses a payload that does not match its event's schema, listing every violation, one a
/// line: `what: the payload does not match its schema …`.
pub fn check_valid(value: &Value, what: &str) -> anyhow::Result<()> {
    match violations(value) {
        None => Ok(()),
        Some(list) => anyhow::bail!(
            "{what}: the payload does not match its schema (pass --no-validate to send it \
             anyway):{list}"
        ),
    }
}

/// The ways a payload breaks its event's schema, each on its own indented line; `None` when it
/// matches.
pub fn violations(value: &Value) -> Option<String> {
    // The typed check first: a conforming payload never compiles the schemas (a send of one
    // event would otherwise spend more on them than on the delivery).
    if crate::schema::conforming(&to_bytes(value)).is_some() {
        return None;
    }
    let violations = validate_payload(value, false);
    if violations.is_empty() {
        return None;
    }
    Some(
        violations
            .iter()
            .map(|violation| format!("\n  {violation}"))
            .collect(),
    )
}

/// The `event` field of a JSON body, when it has one as a string.
pub fn event_name(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        event: String,
    }
    serde_json::from_slice::<Envelope>(body)
        .ok()
        .map(|envelope| envelope.event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::find;

    fn spec(name: &str) -> &'static EventSpec {
        find(name).unwrap()
    }

    fn build_with(name: &str, set: &[&str], unset: &[&str]) -> Result<Value, PayloadError> {
        let overrides = Overrides {
            timestamp: Some(7),
            set: set.iter().map(|s| s.parse()).collect::<Result<_, _>>()?,
            unset: unset
                .iter()
                .map(|s| parse_path(s))
                .collect::<Result<_, _>>()?,
        };
        build(spec(name), &overrides)
    }

    #[test]
    fn values_are_json_when_they_parse_else_strings() {
        let payload = build_with(
            "card.updated",
            &[
                "data.title=CTO",
                "data.changed_fields=[\"a\",\"b\"]",
                "data.updated_at=5",
            ],
            &[],
        )
        .unwrap();
        assert_eq!(payload["data"]["title"], "CTO");
        assert_eq!(
            payload["data"]["changed_fields"],
            serde_json::json!(["a", "b"])
        );
        assert_eq!(payload["data"]["updated_at"], 5);
        assert_eq!(payload["timestamp"], 7);
    }

    #[test]
    fn key_order_is_kept_and_output_is_compact() {
        let payload = build_with("card.deleted", &[], &[]).unwrap();
        let text = String::from_utf8(to_bytes(&payload)).unwrap();
        assert_eq!(
            text,
            r#"{"event":"card.deleted","timestamp":7,"data":{"card_id":"k57abc123def","slug":"john-smith","deleted_at":1705420800000}}"#
        );
    }

    #[test]
    fn unknown_fields_get_the_closest_name() {
        let err = build_with("card.updated", &["data.titel=x"], &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "data.titel: card.updated has no field 'titel' (did you mean data.title?)"
        );
        let err = build_with("card.updated", &[], &["dta.title"]).unwrap_err();
        assert!(err.to_string().contains("did you mean data?"), "{err}");
    }

    #[test]
    fn array_items_can_be_set_appended_and_removed() {
        let payload = build_with(
            "connection.created",
            &["data.tags[0]=x", "data.tags.2=z"],
            &["data.tags[1]", "data.phone"],
        )
        .unwrap();
        assert_eq!(payload["data"]["tags"], serde_json::json!(["x", "z"]));
        assert!(payload["data"].get("phone").is_none());
        let err = build_with("connection.created", &["data.tags[5]=x"], &[]).unwrap_err();
        assert!(matches!(err, PayloadError::OutOfRange { .. }), "{err}");
        let err = build_with("connection.created", &["data.email.x=1"], &[]).unwrap_err();
        assert!(
            err.to_string().contains("is a string, not an object"),
            "{err}"
        );
    }
}

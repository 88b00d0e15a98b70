//! Building payloads: an event's sample with a fresh envelope timestamp and `--set`/`--unset`
//! overrides, checked against the fields the event actually has, serialized as compact JSON.
//!
//! Paths (see `field_path`) are checked against the event's sample: a path into a field the event does not have is an error with the
//! closest field name: silently ignoring it would send a payload the user did not ask for.

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde_json::{Map, Value};

use crate::events::{EventSpec, closest_of};
use crate::field_path::{FieldPath, PathError, Segment, parse_path, render};

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

/// Splits `PATH=VALUE` and parses VALUE as JSON when it is valid JSON, else takes it as a string
/// (`data.title=CTO` is the string "CTO"; `data.total_views=7` the number 7).
pub fn parse_set(text: &str) -> Result<(FieldPath, Value), PayloadError> {
    let (path, raw) = text
        .split_once('=')
        .ok_or_else(|| PayloadError::BadSet(text.to_string()))?;
    let value = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()));
    Ok((parse_path(path)?, value))
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
    /// `--set` pairs, applied in order.
    pub set: Vec<(FieldPath, Value)>,
    /// `--unset` paths, applied after the sets.
    pub unset: Vec<FieldPath>,
}

impl Overrides {
    /// Parses the raw `--set` and `--unset` arguments.
    pub fn parse(
        timestamp: Option<u64>,
        set: &[String],
        unset: &[String],
    ) -> Result<Self, PayloadError> {
        Ok(Overrides {
            timestamp,
            set: set
                .iter()
                .map(|item| parse_set(item))
                .collect::<Result<_, _>>()?,
            unset: unset
                .iter()
                .map(|item| parse_path(item))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// The event's sample as a JSON value (key order kept).
pub fn sample_value(spec: &EventSpec) -> Value {
    // The samples are checked to be JSON objects by the catalogue's tests.
    serde_json::from_str(spec.sample).unwrap_or(Value::Null)
}

/// The bytes of `spec`'s sample with the envelope timestamp set to `timestamp`: a fresh
/// delivery of the sample, as `probe` and `demo` send it.
pub fn sample_with_timestamp(spec: &EventSpec, timestamp: u64) -> Bytes {
    let mut value = sample_value(spec);
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
    let sample = sample_value(spec);
    let mut value = sample.clone();
    set_timestamp(&mut value, overrides.timestamp.unwrap_or_else(now_millis));
    for (path, new) in &overrides.set {
        check_known(spec, &sample, path)?;
        *slot(spec, &mut value, path, true)? = new.clone();
    }
    for path in &overrides.unset {
        check_known(spec, &sample, path)?;
        remove(spec, &mut value, path)?;
    }
    Ok(value)
}

/// The bytes sent: compact JSON in the sample's key order, as a real sender serializes it.
pub fn to_bytes(value: &Value) -> Vec<u8> {
    // Serializing a `Value` to a Vec cannot fail (no non-string keys, no I/O).
    serde_json::to_vec(value).unwrap_or_default()
}

/// Checks that every key on `path` exists in the event's sample (indexes are checked later,
/// against the payload being built).
fn check_known(spec: &EventSpec, sample: &Value, path: &FieldPath) -> Result<(), PayloadError> {
    let mut node = Some(sample);
    for (depth, segment) in path.segments.iter().enumerate() {
        let Some(current) = node else { return Ok(()) };
        node = match segment {
            Segment::Index(index) => current.get(index).or_else(|| current.get(0)),
            Segment::Key(key) => match current.as_object() {
                Some(object) if object.contains_key(key) => object.get(key),
                Some(object) => return Err(unknown_field(spec, path, depth, key, object)),
                None => return Ok(()),
            },
        };
    }
    Ok(())
}

fn unknown_field(
    spec: &EventSpec,
    path: &FieldPath,
    depth: usize,
    key: &str,
    object: &Map<String, Value>,
) -> PayloadError {
    let hint = match closest_of(key, object.keys().map(String::as_str)) {
        Some(near) => format!(" (did you mean {}?)", render(&path.segments[..depth], near)),
        None => format!(
            " (its fields: {}; to send any other payload, write it to a file and use --payload FILE)",
            object.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
    };
    PayloadError::UnknownField {
        path: path.text.clone(),
        event: spec.name.to_string(),
        key: key.to_string(),
        hint,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The value at `path`; with `append`, an index one past the end of an array adds an item.
fn slot<'v>(
    spec: &EventSpec,
    mut node: &'v mut Value,
    path: &FieldPath,
    append: bool,
) -> Result<&'v mut Value, PayloadError> {
    for (depth, segment) in path.segments.iter().enumerate() {
        let parent = render(&path.segments[..depth], "")
            .trim_end_matches('.')
            .to_string();
        let parent = if parent.is_empty() {
            "the payload".to_string()
        } else {
            parent
        };
        let wrong = |node: &Value, wanted| PayloadError::WrongType {
            path: path.text.clone(),
            parent: parent.clone(),
            kind: kind(node),
            wanted,
        };
        node = match segment {
            Segment::Key(key) => {
                if !node.is_object() {
                    return Err(wrong(node, "an object"));
                }
                let object = node
                    .as_object_mut()
                    .ok_or_else(|| wrong(&Value::Null, "an object"))?;
                if !object.contains_key(key) {
                    return Err(unknown_field(spec, path, depth, key, object));
                }
                object.entry(key.clone()).or_insert(Value::Null)
            }
            Segment::Index(index) => {
                let Value::Array(items) = node else {
                    return Err(wrong(node, "an array"));
                };
                let len = items.len();
                let last = depth + 1 == path.segments.len();
                if append && last && *index == len {
                    items.push(Value::Null);
                }
                items.get_mut(*index).ok_or(PayloadError::OutOfRange {
                    path: path.text.clone(),
                    parent,
                    index: *index,
                    len,
                })?
            }
        };
    }
    Ok(node)
}

/// Removes the field or array item at `path`.
fn remove(spec: &EventSpec, value: &mut Value, path: &FieldPath) -> Result<(), PayloadError> {
    let Some((last, prefix)) = path.segments.split_last() else {
        return Ok(());
    };
    let parent_path = FieldPath {
        text: path.text.clone(),
        segments: prefix.to_vec(),
    };
    let parent = slot(spec, value, &parent_path, false)?;
    let parent_name = || {
        let text = render(prefix, "").trim_end_matches('.').to_string();
        if text.is_empty() {
            "the payload".to_string()
        } else {
            text
        }
    };
    match (last, parent) {
        (Segment::Key(key), Value::Object(object)) => {
            object.shift_remove(key);
        }
        (Segment::Index(index), Value::Array(items)) if *index < items.len() => {
            items.remove(*index);
        }
        (Segment::Index(index), Value::Array(items)) => {
            return Err(PayloadError::OutOfRange {
                path: path.text.clone(),
                parent: parent_name(),
                index: *index,
                len: items.len(),
            });
        }
        (segment, other) => {
            return Err(PayloadError::WrongType {
                path: path.text.clone(),
                parent: parent_name(),
                kind: kind(other),
                wanted: if matches!(segment, Segment::Key(_)) {
                    "an object"
                } else {
                    "an array"
                },
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::find;

    fn spec(name: &str) -> &'static EventSpec {
        find(name).unwrap()
    }

    fn build_with(name: &str, set: &[&str], unset: &[&str]) -> Result<Value, PayloadError> {
        let set: Vec<String> = set.iter().map(|s| s.to_string()).collect();
        let unset: Vec<String> = unset.iter().map(|s| s.to_string()).collect();
        build(spec(name), &Overrides::parse(Some(7), &set, &unset)?)
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

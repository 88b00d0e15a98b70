//! Editing a payload in place along a field path: setting, appending and removing, with every key
//! checked against the event's sample so that a typo gets the closest field name.

use serde_json::{Map, Value};

use super::PayloadError;
use super::field_path::{FieldPath, Segment, render};
use crate::events::{EventSpec, closest_of};

/// Checks that every key on `path` exists in the event's sample (indexes are checked later,
/// against the payload being built).
pub(super) fn check_known(
    spec: &EventSpec,
    sample: &Value,
    path: &FieldPath,
) -> Result<(), PayloadError> {
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
pub(super) fn slot<'v>(
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
pub(super) fn remove(
    spec: &EventSpec,
    value: &mut Value,
    path: &FieldPath,
) -> Result<(), PayloadError> {
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

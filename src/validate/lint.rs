//! Lints on top of the schemas: likely mistakes that are still valid JSON Schema-wise. `validate`
//! reports them as warnings (errors under `--strict`).

use serde_json::{Map, Value};

use crate::schema::Violation;
use crate::{contract, json_pointer};

/// The lints a payload trips. `payload` has passed or failed its schema; lints only look at
/// values of the expected types.
pub fn lint(payload: &Value) -> Vec<Violation> {
    let mut found = Vec::new();
    // Reference, "Webhook Payload Structure": timestamp is in milliseconds, as are the *_at fields.
    if let Some(message) = looks_like_seconds(payload.get("timestamp")) {
        found.push(warning("/timestamp".into(), message));
    }
    let Some(data) = payload.get("data").and_then(Value::as_object) else {
        return found;
    };
    for (key, value) in data {
        if is_time_field(key)
            && let Some(message) = looks_like_seconds(Some(value))
        {
            found.push(warning(json_pointer::child("/data", key), message));
        }
    }
    found.extend(full_name(data));
    match payload.get("event").and_then(Value::as_str) {
        Some("connection.tagged") => found.extend(tags(data)),
        Some("connection.status_changed") => found.extend(status_change(data)),
        _ => {}
    }
    found
}

fn warning(pointer: String, message: String) -> Violation {
    Violation { pointer, message }
}

fn text<'a>(data: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    data.get(key).and_then(Value::as_str)
}

/// Field Reference: full_name is "Computed: first_name + last_name".
fn full_name(data: &Map<String, Value>) -> Option<Violation> {
    let (first, last) = (text(data, "first_name")?, text(data, "last_name")?);
    let full = text(data, "full_name")?;
    let expected = format!("{first} {last}");
    (full != expected).then(|| {
        warning(
            "/data/full_name".into(),
            format!("{full:?} is not first_name + \" \" + last_name ({expected:?})"),
        )
    })
}

/// `connection.tagged`: what was added is in `tags`, what was removed is not.
fn tags(data: &Map<String, Value>) -> Vec<Violation> {
    let strings = |key: &str| -> Vec<&str> {
        data.get(key)
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    };
    let tags = strings("tags");
    let mut found = Vec::new();
    for (key, should_be_in, says) in [
        ("tags_added", true, "was added but is not in tags"),
        ("tags_removed", false, "was removed but is still in tags"),
    ] {
        let items = data
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for (index, item) in items.enumerate() {
            if let Some(tag) = item
                .as_str()
                .filter(|tag| tags.contains(tag) != should_be_in)
            {
                let pointer = json_pointer::item(&json_pointer::child("/data", key), index);
                found.push(warning(pointer, format!("{tag:?} {says}")));
            }
        }
    }
    found
}

/// `connection.status_changed`: the status did change.
fn status_change(data: &Map<String, Value>) -> Option<Violation> {
    let (previous, new) = (text(data, "previous_status")?, text(data, "new_status")?);
    (previous == new).then(|| {
        warning(
            "/data/new_status".into(),
            format!("new_status equals previous_status ({new:?}): the status did not change"),
        )
    })
}

/// The lint for a captured request whose `X-Webhook-Event` header differs from the body's event.
pub fn header_event_mismatch(header: Option<&str>, payload: &Value) -> Option<Violation> {
    let header = header?;
    let event = payload.get("event").and_then(Value::as_str)?;
    (header != event).then(|| Violation {
        pointer: "/event".into(),
        message: format!("{event:?} differs from the X-Webhook-Event header ({header:?})"),
    })
}

fn is_time_field(key: &str) -> bool {
    key.ends_with("_at") || key.ends_with("_date") || key == "scheduled_for"
}

fn looks_like_seconds(value: Option<&Value>) -> Option<String> {
    let number = value?.as_u64()?;
    contract::looks_like_seconds(number).then(|| {
        format!(
            "{number} looks like seconds, not milliseconds (did you mean {}?)",
            number.saturating_mul(1000)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn samples_are_clean_and_mistakes_are_found() {
        for spec in &crate::events::CATALOGUE {
            let sample: Value = serde_json::from_str(spec.sample).unwrap();
            assert_eq!(lint(&sample), [], "{}", spec.name);
        }
        let payload = json!({"event": "connection.tagged", "timestamp": 1705420800u64, "data": {
            "first_name": "Jane", "last_name": "Doe", "full_name": "Jane  Doe",
            "tags": ["a"], "tags_added": ["b"], "tags_removed": ["a"], "tagged_at": 1705420800000u64}});
        let pointers: Vec<String> = lint(&payload).into_iter().map(|v| v.pointer).collect();
        assert_eq!(
            pointers,
            [
                "/timestamp",
                "/data/full_name",
                "/data/tags_added/0",
                "/data/tags_removed/0"
            ]
        );
    }
}

//! Lints on top of the schemas: likely mistakes that are still valid JSON Schema-wise. `validate`
//! reports them as warnings (errors under `--strict`).

use serde_json::Value;

use crate::schema::Violation;
use crate::{contract, json_pointer};

/// The lints a payload trips. `payload` has passed or failed its schema; lints only look at
/// values of the expected types.
pub fn lint(payload: &Value) -> Vec<Violation> {
    let mut found = Vec::new();
    let mut warn = |pointer: String, message: String| found.push(Violation { pointer, message });
    // Reference, "Webhook Payload Structure": timestamp is in milliseconds, as are the *_at fields.
    if let Some(seconds) = looks_like_seconds(payload.get("timestamp")) {
        warn("/timestamp".into(), seconds);
    }
    let event = payload
        .get("event")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(data) = payload.get("data").and_then(Value::as_object) else {
        return found;
    };
    for (key, value) in data {
        if is_time_field(key)
            && let Some(message) = looks_like_seconds(Some(value))
        {
            warn(json_pointer::child("/data", key), message);
        }
    }
    // Field Reference: full_name is "Computed: first_name + last_name".
    let text = |key: &str| data.get(key).and_then(Value::as_str);
    if let (Some(first), Some(last), Some(full)) =
        (text("first_name"), text("last_name"), text("full_name"))
    {
        let expected = format!("{first} {last}");
        if full != expected {
            warn(
                "/data/full_name".into(),
                format!("{full:?} is not first_name + \" \" + last_name ({expected:?})"),
            );
        }
    }
    if event == "connection.tagged" {
        let strings = |key: &str| -> Vec<&str> {
            data.get(key)
                .and_then(Value::as_array)
                .map(|items| items.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default()
        };
        let tags = strings("tags");
        for (index, item) in data
            .get("tags_added")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(tag) = item.as_str().filter(|tag| !tags.contains(tag)) {
                warn(
                    json_pointer::item("/data/tags_added", index),
                    format!("{tag:?} was added but is not in tags"),
                );
            }
        }
        for (index, item) in data
            .get("tags_removed")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(tag) = item.as_str().filter(|tag| tags.contains(tag)) {
                warn(
                    json_pointer::item("/data/tags_removed", index),
                    format!("{tag:?} was removed but is still in tags"),
                );
            }
        }
    }
    if event == "connection.status_changed"
        && let (Some(previous), Some(new)) = (text("previous_status"), text("new_status"))
        && previous == new
    {
        warn(
            "/data/new_status".into(),
            format!("new_status equals previous_status ({new:?}): the status did not change"),
        );
    }
    found
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

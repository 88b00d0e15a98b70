//! Plain-language messages for schema errors: what is wrong with the value, in the words a
//! developer reading a payload uses (`"carrier_pigeon" is not one of qr_scan, nfc, …`).

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use super::Violation;
use crate::events;
use crate::json_pointer;
use crate::output::truncate_for_display;

/// The violations one schema error stands for (an unknown-keys error names each key apart).
pub(super) fn violations(error: &ValidationError<'_>) -> Vec<Violation> {
    let pointer = error.instance_path().as_str().to_string();
    let instance = error.instance().as_ref();
    let one = |message: String| {
        vec![Violation {
            pointer: pointer.clone(),
            message,
        }]
    };
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => unexpected
            .iter()
            .map(|key| Violation {
                pointer: json_pointer::child(&pointer, key),
                message: "unknown key (not allowed under --strict)".to_string(),
            })
            .collect(),
        ValidationErrorKind::Required { property } => {
            one(format!("required key {property} is missing"))
        }
        ValidationErrorKind::Enum { .. } if pointer == "/event" => match instance.as_str() {
            Some(name) => one(events::unknown_event_message(name)),
            None => one(format!("{} is not an event name", show(instance))),
        },
        ValidationErrorKind::Enum { options } => {
            let names: Vec<String> = options
                .as_array()
                .map(|items| items.iter().map(show_bare).collect())
                .unwrap_or_default();
            one(format!(
                "{} is not one of {}",
                show(instance),
                names.join(", ")
            ))
        }
        ValidationErrorKind::Constant { expected_value } => one(format!(
            "{} is not {}",
            show(instance),
            show(expected_value)
        )),
        ValidationErrorKind::Type { kind } => {
            let expected: Vec<String> = match kind {
                TypeKind::Single(single) => vec![single.to_string()],
                TypeKind::Multiple(set) => set.iter().map(|one| one.to_string()).collect(),
            };
            let expected = article_list(&expected);
            one(match instance {
                Value::Null => format!("null is not allowed here, expected {expected}"),
                _ => format!(
                    "{} is {}, expected {expected}",
                    show(instance),
                    kind_of(instance)
                ),
            })
        }
        ValidationErrorKind::Minimum { limit } => one(format!(
            "{} is less than {limit}, the minimum",
            show(instance)
        )),
        _ => one(error.to_string()),
    }
}

/// A value as it appears in the payload, cut short when long.
fn show(value: &Value) -> String {
    truncate_for_display(&value.to_string(), 60)
}

/// Enumeration members as a list: strings without quotes, `null` as is.
fn show_bare(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(number) if number.is_f64() => "a number with a fraction",
        Value::Number(number) if number.is_i64() && !number.is_u64() => "a negative integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `["string", "null"]` → `a string or null`.
fn article_list(types: &[String]) -> String {
    let words: Vec<String> = types
        .iter()
        .map(|name| match name.as_str() {
            "null" => "null".to_string(),
            "integer" | "object" | "array" => format!("an {name}"),
            other => format!("a {other}"),
        })
        .collect();
    words.join(" or ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::schema::validate_payload;

    fn messages(payload: serde_json::Value, strict: bool) -> Vec<String> {
        validate_payload(&payload, strict)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn messages_are_plain() {
        assert_eq!(
            messages(json!([1]), false),
            ["payload: [1] is an array, expected an object"]
        );
        assert_eq!(
            messages(json!({"event": 5, "timestamp": 0, "data": {}}), false),
            ["event: 5 is a number, expected a string"]
        );
        assert_eq!(
            messages(
                json!({"event": "card.deleted", "timestamp": 1, "data": {"card_id": "a", "slug": "b", "deleted_at": 2, "x": 1}, "y": 2}),
                true
            ),
            [
                "data.x: unknown key (not allowed under --strict)",
                "y: unknown key (not allowed under --strict)"
            ]
        );
    }
}

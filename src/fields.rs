//! The reference's Field Reference (the common fields of connection events with their types; the
//! schemas take their types from it), and the field table `events show` prints: each field of an
//! event's data with its type as its schema says and its description.

use serde_json::Value;

use crate::events::EventSpec;

/// One row of the Field Reference.
#[derive(Debug)]
pub struct FieldSpec {
    pub name: &'static str,
    pub description: &'static str,
}

/// A row: the name and the description (the reference's type, string, number or array, is in
/// the schemas, which are built from it).
macro_rules! field {
    ($name:literal, $kind:literal, $description:literal) => {
        FieldSpec {
            name: $name,
            description: $description,
        }
    };
}

/// The Field Reference, in the reference's order, a row a line as the reference has it.
#[rustfmt::skip]
pub static FIELD_REFERENCE: [FieldSpec; 25] = [
    field!("id", "string", "Unique connection identifier"),
    field!("first_name", "string", "Contact's first name"),
    field!("last_name", "string", "Contact's last name"),
    field!("full_name", "string", "Computed: first_name + last_name"),
    field!("email", "string", "Primary email address"),
    field!("phone", "string", "Phone number with country code"),
    field!("company", "string", "Company or organization name"),
    field!("title", "string", "Job title"),
    field!("website", "string", "Company or personal website URL"),
    field!("linkedin", "string", "LinkedIn profile URL"),
    field!("twitter", "string", "Twitter/X handle or URL"),
    field!("address", "string", "City, state, or full address"),
    field!("notes", "string", "User notes about the connection"),
    field!("tags", "array", "Array of tag strings"),
    field!("source", "string", "How connected: qr_scan, nfc, manual, import"),
    field!("direction", "string", "inbound (they found you) or outbound"),
    field!("status", "string", "Pipeline status: new, contacted, qualified, etc."),
    field!("message", "string", "Initial message from connection"),
    field!("meeting_event", "string", "Event name where you met"),
    field!("meeting_location", "string", "Location where you met"),
    field!("meeting_date", "number", "Unix timestamp of meeting"),
    field!("meeting_method", "string", "in_person, virtual, phone, email"),
    field!("created_at", "number", "Unix timestamp when created"),
    field!("updated_at", "number", "Unix timestamp when last updated"),
    field!("last_contacted_at", "number", "Unix timestamp of last contact"),
];

/// The Field Reference row for a field name, if the reference documents it.
pub fn find(name: &str) -> Option<&'static FieldSpec> {
    FIELD_REFERENCE.iter().find(|field| field.name == name)
}

/// One field of an event's data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldRow {
    pub name: String,
    /// The type as the event's schema gives it: `string`, `integer ≥ 0`, `string or null`,
    /// `array of strings`, `one of qr_scan, nfc, manual, import`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The Field Reference's description when it documents the field, else the schema's.
    pub description: String,
    /// Whether the reference's Field Reference documents the field.
    pub in_field_reference: bool,
}

/// The fields of `spec`'s data, in the sample's order.
pub fn rows(spec: &EventSpec) -> Vec<FieldRow> {
    let schema = crate::schema::data_schema(spec);
    let sample = spec.sample_value();
    let Some(data) = sample.get("data").and_then(Value::as_object) else {
        return Vec::new();
    };
    data.keys()
        .map(|name| {
            let property = &schema["properties"][name];
            let documented = find(name);
            FieldRow {
                name: name.clone(),
                kind: type_text(property),
                description: documented.map_or_else(
                    || {
                        property["description"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string()
                    },
                    |field| field.description.to_string(),
                ),
                in_field_reference: documented.is_some(),
            }
        })
        .collect()
}

/// A property schema's type in words.
fn type_text(property: &Value) -> String {
    let types: Vec<&str> = match &property["type"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let nullable = types.contains(&"null");
    let mut text = if let Some(options) = property["enum"].as_array() {
        let names: Vec<&str> = options.iter().filter_map(Value::as_str).collect();
        format!("one of {}", names.join(", "))
    } else {
        let main: Vec<String> = types
            .iter()
            .filter(|kind| **kind != "null")
            .map(|kind| match *kind {
                "array" => match property["items"]["type"].as_str() {
                    Some(item) => format!("array of {item}s"),
                    None => "array".to_string(),
                },
                other => match property["minimum"].as_i64() {
                    Some(minimum) => format!("{other} ≥ {minimum}"),
                    None => other.to_string(),
                },
            })
            .collect();
        main.join(" or ")
    };
    if nullable {
        text.push_str(" or null");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_schema() {
        let spec = crate::events::find("card.viewed").unwrap();
        let rows = rows(spec);
        let kind = |name: &str| {
            rows.iter()
                .find(|row| row.name == name)
                .unwrap()
                .kind
                .clone()
        };
        assert_eq!(kind("total_views"), "integer ≥ 0");
        assert_eq!(kind("viewer_city"), "string or null");
        let spec = crate::events::find("connection.created").unwrap();
        let contact = super::rows(spec);
        let row = |name: &str| contact.iter().find(|row| row.name == name).unwrap().clone();
        assert_eq!(row("tags").kind, "array of strings");
        assert_eq!(row("source").kind, "one of qr_scan, nfc, manual, import");
        assert_eq!(
            row("meeting_method").kind,
            "one of in_person, virtual, phone, email or null"
        );
        assert!(row("full_name").in_field_reference);
    }
}

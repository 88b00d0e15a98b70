//! The event schemas (schemas/, embedded) and the compiled validators: one JSON Schema (draft
//! 2020-12) for the envelope and one for each event's `data`, composed into whole-payload schemas,
//! compiled once, lenient or strict.
//!
//! DESIGN "Schemas": a key the reference's example shows is required; unknown keys are allowed,
//! and rejected under `--strict` (every object schema gets `additionalProperties: false`).

mod conforming;
mod message;
pub(crate) mod openapi;

use std::sync::OnceLock;

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Value, json};

use crate::events::{self, CATALOGUE, EventSpec};
use crate::json_pointer;
pub use conforming::conforming;

/// The file name of the schema that validates any of the 14 events by dispatching on `event`.
pub const BUNDLE_FILE: &str = "titancard-webhook.schema.json";

const ENVELOPE: &str = include_str!("../schemas/envelope.schema.json");

/// One way a payload fails its schema: where (a JSON pointer) and what, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer to the offending value, e.g. `/data/source` (for a missing key, its object).
    pub pointer: String,
    /// What is wrong, without the place, e.g. `"carrier_pigeon" is not one of qr_scan, nfc`.
    pub message: String,
}

impl std::fmt::Display for Violation {
    /// `data.source: "carrier_pigeon" is not one of …`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}",
            json_pointer::display(&self.pointer),
            self.message
        )
    }
}

fn parse_embedded(text: &str) -> Value {
    // The embedded schemas are part of the build; a unit test parses and compiles every one.
    serde_json::from_str(text).unwrap_or_else(|err| panic!("embedded schema: {err}"))
}

/// The envelope schema: `event` (one of the 14), `timestamp` (ms) and `data` (an object).
pub fn envelope_schema() -> Value {
    parse_embedded(ENVELOPE)
}

/// The `data` schema of one event, as stored in schemas/ (without `$schema`).
pub fn data_schema(spec: &EventSpec) -> Value {
    let mut schema = parse_embedded(spec.data_schema);
    if let Some(object) = schema.as_object_mut() {
        object.shift_remove("$schema");
    }
    schema
}

/// The self-contained schema of a whole payload of one event: the envelope with `event` fixed to
/// its name and `data` described by the event's data schema.
pub fn event_schema(spec: &EventSpec) -> Value {
    let mut schema = envelope_schema();
    schema["title"] = json!(format!("TitanCard {} webhook payload", spec.name));
    schema["description"] = json!(format!(
        "A whole TitanCard {} webhook body: the envelope and the event's data. Triggered when {}. \
         Unknown keys are allowed (rejected by titancard-wh validate --strict).",
        spec.name, spec.fires_when
    ));
    // The type beside the const: documentation tools (Redoc) show a bare const as "any".
    schema["properties"]["event"] = json!({
        "type": "string",
        "const": spec.name,
        "description": "The event name; equals the X-Webhook-Event header",
    });
    schema["properties"]["data"] = data_schema(spec);
    schema
}

/// The schema that validates a payload of any of the 14 events: the envelope, then, per event,
/// `if event == NAME then data matches $defs/NAME`.
pub fn bundle_schema() -> Value {
    let mut schema = envelope_schema();
    schema["title"] = json!("TitanCard webhook payload (any of the 14 events)");
    schema["description"] = json!(
        "A whole TitanCard webhook body of any event: the envelope, and the data of the event it \
         names. Unknown keys are allowed (rejected by titancard-wh validate --strict)."
    );
    let mut defs = Map::new();
    let mut branches = Vec::new();
    for spec in &CATALOGUE {
        defs.insert(spec.name.to_string(), data_schema(spec));
        branches.push(json!({
            "if": { "properties": { "event": { "const": spec.name } }, "required": ["event"] },
            "then": { "properties": { "data": { "$ref": format!("#/$defs/{}", spec.name) } } },
        }));
    }
    schema["allOf"] = Value::Array(branches);
    schema["$defs"] = Value::Object(defs);
    schema
}

/// Turns a schema into its strict variant: every object schema that lists `properties` also
/// rejects any key it does not list.
fn forbid_unknown_keys(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            if object.contains_key("properties") {
                object.insert("additionalProperties".into(), Value::Bool(false));
            }
            object.values_mut().for_each(forbid_unknown_keys);
        }
        Value::Array(items) => items.iter_mut().for_each(forbid_unknown_keys),
        _ => {}
    }
}

fn compile(mut schema: Value, strict: bool) -> Validator {
    if strict {
        forbid_unknown_keys(&mut schema);
    }
    jsonschema::draft202012::options()
        .should_validate_formats(false)
        .build(&schema)
        .unwrap_or_else(|err| panic!("embedded schema does not compile: {err}"))
}

/// Compiled validators, each built on first use (so a run compiles only the schemas its
/// payloads need) and kept: slots 0..14 the events (lenient), 14..28
/// strict, 28 and 29 the envelope (lenient, strict).
static VALIDATORS: [OnceLock<Validator>; 30] = [const { OnceLock::new() }; 30];

fn validator(spec: Option<&EventSpec>, strict: bool) -> &'static Validator {
    let index = spec.and_then(|spec| CATALOGUE.iter().position(|entry| entry.name == spec.name));
    let slot = match index {
        Some(index) => index + if strict { 14 } else { 0 },
        None => 28 + usize::from(strict),
    };
    VALIDATORS[slot].get_or_init(|| {
        let schema = spec.map_or_else(envelope_schema, event_schema);
        compile(schema, strict)
    })
}

/// Validates a whole payload (the envelope and the data of the event it names). `strict` rejects
/// unknown keys. An empty list means valid.
pub fn validate_payload(payload: &Value, strict: bool) -> Vec<Violation> {
    let spec = payload
        .get("event")
        .and_then(Value::as_str)
        .and_then(events::find);
    let validator = validator(spec, strict);
    // Most payloads are valid: the yes/no check stops early and builds no errors.
    if validator.is_valid(payload) {
        return Vec::new();
    }
    let mut typed = Vec::new();
    let mut violations = Vec::new();
    for error in validator.iter_errors(payload) {
        if matches!(error.kind(), ValidationErrorKind::Type { .. }) {
            typed.push(error.instance_path().as_str().to_string());
        }
        let is_enum = matches!(error.kind(), ValidationErrorKind::Enum { .. });
        violations.extend(
            message::violations(&error)
                .into_iter()
                .map(|violation| (is_enum, violation)),
        );
    }
    // A value of the wrong type also fails its enumeration; the type error says enough.
    violations
        .into_iter()
        .filter(|(is_enum, violation)| !(*is_enum && typed.contains(&violation.pointer)))
        .map(|(_, violation)| violation)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_passes_its_own_schema_lenient_and_strict() {
        for spec in &CATALOGUE {
            let sample: Value = serde_json::from_str(spec.sample).unwrap();
            assert_eq!(validate_payload(&sample, false), [], "{}", spec.name);
            assert_eq!(validate_payload(&sample, true), [], "{}", spec.name);
            assert!(jsonschema::draft202012::is_valid(&bundle_schema(), &sample));
        }
    }
}

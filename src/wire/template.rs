//! Load mode's bodies: a payload serialized once with holes for the envelope timestamp and the
//! data id, rendered per delivery with a copy and two number writes.

use bytes::BytesMut;
use serde_json::Value;

use crate::events::EventSpec;

const TIMESTAMP_HOLE: &str = "\u{0}titancard-timestamp\u{0}";
const ID_HOLE: &str = "\u{0}titancard-id\u{0}";

#[derive(Debug, Clone)]
enum Part {
    Literal(Vec<u8>),
    Timestamp,
    /// The id: the payload's own id (JSON-escaped), a dash and the delivery's index.
    Id(Vec<u8>),
}

/// A payload serialized once with holes for the envelope timestamp and the data id.
#[derive(Debug, Clone)]
pub struct Template {
    /// The event name for the X-Webhook-Event header.
    pub event: &'static str,
    parts: Vec<Part>,
    /// The rendered size, give or take the numbers.
    pub size_hint: usize,
}

impl Template {
    /// Makes a template from a built payload of `spec`. The id is the event's id field when the
    /// data holds it as a string; without one only the timestamp varies.
    pub fn new(spec: &'static EventSpec, payload: &Value) -> Template {
        let mut value = payload.clone();
        let mut base_id = None;
        if let Some(object) = value.as_object_mut() {
            object.insert("timestamp".into(), Value::from(TIMESTAMP_HOLE));
            if let Some(data) = object.get_mut("data").and_then(Value::as_object_mut)
                && data.get(spec.id_field).is_some_and(Value::is_string)
            {
                base_id = data.insert(spec.id_field.to_string(), Value::from(ID_HOLE));
            }
        }
        let text = crate::payload::to_string(&value);
        let quoted = |hole: &str| crate::payload::to_string(&Value::from(hole));
        let (timestamp_hole, id_hole) = (quoted(TIMESTAMP_HOLE), quoted(ID_HOLE));
        // The id hole keeps its quotes: the id stays a string.
        let id_hole = &id_hole[1..id_hole.len() - 1];
        let escaped_id = base_id
            .map(|id| {
                let quoted = id.to_string();
                format!("{}-", &quoted[1..quoted.len() - 1]).into_bytes()
            })
            .unwrap_or_default();
        let mut parts = Vec::new();
        let mut rest = text.as_str();
        while !rest.is_empty() {
            let next_timestamp = rest.find(&timestamp_hole);
            let next_id = rest.find(id_hole);
            let (at, len, part) = match (next_timestamp, next_id) {
                (Some(t), Some(i)) if t < i => (t, timestamp_hole.len(), Part::Timestamp),
                (Some(t), None) => (t, timestamp_hole.len(), Part::Timestamp),
                (_, Some(i)) => (i, id_hole.len(), Part::Id(escaped_id.clone())),
                (None, None) => (rest.len(), 0, Part::Literal(Vec::new())),
            };
            if at > 0 {
                parts.push(Part::Literal(rest.as_bytes()[..at].to_vec()));
            }
            if len > 0 {
                parts.push(part);
            }
            rest = &rest[at + len..];
        }
        Template {
            event: spec.name,
            size_hint: text.len() + 16,
            parts,
        }
    }

    /// The body of delivery number `index`, with envelope timestamp `timestamp`.
    #[cfg(test)]
    fn render(&self, timestamp: u64, index: u64) -> Vec<u8> {
        let mut body = BytesMut::with_capacity(self.size_hint);
        self.render_into(timestamp, index, &mut body);
        body.to_vec()
    }

    /// Appends the body of delivery `index` to `out`.
    pub fn render_into(&self, timestamp: u64, index: u64, out: &mut BytesMut) {
        use std::fmt::Write;
        for part in &self.parts {
            // Writing into a BytesMut cannot fail.
            let _ = match part {
                Part::Literal(bytes) => {
                    out.extend_from_slice(bytes);
                    Ok(())
                }
                Part::Timestamp => write!(out, "{timestamp}"),
                Part::Id(prefix) => {
                    out.extend_from_slice(prefix);
                    write!(out, "{index}")
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::find;
    use crate::payload::{Overrides, build};

    #[test]
    fn rendered_bodies_differ_only_in_timestamp_and_id() {
        let spec = find("connection.deleted").unwrap();
        let payload = build(spec, &Overrides::default()).unwrap();
        let template = Template::new(spec, &payload);
        let body = String::from_utf8(template.render(1_700_000_000_123, 42)).unwrap();
        assert_eq!(
            body,
            r#"{"event":"connection.deleted","timestamp":1700000000123,"data":{"id":"j57xyz789ghi-42","email":"jane@example.com","full_name":"Jane Doe","deleted_at":1705420800000}}"#
        );
    }

    #[test]
    fn every_event_has_an_id_to_vary() {
        for spec in &crate::events::CATALOGUE {
            let payload = build(spec, &Overrides::default()).unwrap();
            let template = Template::new(spec, &payload);
            let body: Value = serde_json::from_slice(&template.render(5, 9)).unwrap();
            assert_eq!(body["timestamp"], 5, "{}", spec.name);
            let id = body["data"][spec.id_field].as_str().unwrap();
            assert!(id.ends_with("-9"), "{}", spec.name);
        }
    }
}

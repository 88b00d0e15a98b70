//! What the receiver read from a body: the library's typed event when that alone proves the body
//! matches its event's schema (`schema::conforming`: the common case, without building a JSON
//! document), else the JSON value the schema check judged. Both answer the same questions for the checks, the dedupe key
//! and the printed line.

use serde_json::Value;
use titancard_webhooks::{Event, EventData};

/// A parsed body.
#[derive(Debug, Clone)]
pub enum Payload {
    /// A TitanCard event that conforms to its schema, read into the library's types.
    Event(Box<Event>),
    /// Any other JSON, as a value.
    Json(Value),
}

/// The data fields shown on a request's line, in this order, when the payload has them.
const KEY_FIELDS: [&str; 6] = [
    "full_name",
    "name",
    "card_name",
    "contact_name",
    "email",
    "contact_email",
];

impl Payload {
    /// The event the body names, when it names one.
    pub fn event(&self) -> Option<&str> {
        match self {
            Payload::Event(event) => Some(&event.event),
            Payload::Json(value) => value.get("event").and_then(Value::as_str),
        }
    }

    /// The JSON value, when the body was read as one.
    pub fn json(&self) -> Option<&Value> {
        match self {
            Payload::Json(value) => Some(value),
            Payload::Event(_) => None,
        }
    }

    /// The identifying data fields (names, emails) that hold a string, in `KEY_FIELDS` order.
    pub fn key_fields(&self) -> Vec<(&'static str, String)> {
        match self {
            Payload::Event(event) => typed_key_fields(&event.data),
            Payload::Json(value) => json_key_fields(value),
        }
    }

    /// The key that tells this delivery from another (see `dedupe`).
    pub fn delivery_key(&self) -> String {
        match self {
            Payload::Event(event) => super::dedupe::delivery_key(
                &event.event,
                &event.timestamp.to_string(),
                &Value::from(event.data.id().unwrap_or_default()),
            ),
            Payload::Json(value) => super::dedupe::delivery_key_of(value),
        }
    }
}

/// `key_fields` of a JSON value: the `KEY_FIELDS` its data holds as strings.
pub fn json_key_fields(payload: &Value) -> Vec<(&'static str, String)> {
    let Some(data) = payload.get("data").and_then(Value::as_object) else {
        return Vec::new();
    };
    KEY_FIELDS
        .iter()
        .filter_map(|name| match data.get(*name)? {
            Value::String(text) => Some((*name, text.clone())),
            _ => None,
        })
        .collect()
}

/// `key_fields` of a typed event: the same fields, read from the types (the tests check both
/// agree on every sample).
fn typed_key_fields(data: &EventData) -> Vec<(&'static str, String)> {
    let fields: [(&'static str, Option<&String>); 2] = match data {
        EventData::CardCreated(card) => {
            [("name", Some(&card.name)), ("email", card.email.as_ref())]
        }
        EventData::CardUpdated(card) => [("name", Some(&card.name)), ("email", None)],
        EventData::CardShared(card) => [("card_name", Some(&card.card_name)), ("email", None)],
        EventData::ConnectionCreated(c) => [
            ("full_name", Some(&c.full_name)),
            ("email", c.email.as_ref()),
        ],
        EventData::ConnectionUpdated(c) => [
            ("full_name", Some(&c.full_name)),
            ("email", c.email.as_ref()),
        ],
        EventData::ConnectionDeleted(c) => [
            ("full_name", Some(&c.full_name)),
            ("email", c.email.as_ref()),
        ],
        EventData::ConnectionTagged(c) => [
            ("full_name", Some(&c.full_name)),
            ("email", c.email.as_ref()),
        ],
        EventData::ConnectionStatusChanged(c) => [
            ("full_name", Some(&c.full_name)),
            ("email", c.email.as_ref()),
        ],
        EventData::ReminderCreated(r) | EventData::ReminderDue(r) => [
            ("contact_name", Some(&r.contact_name)),
            ("contact_email", r.contact_email.as_ref()),
        ],
        EventData::NoteAdded(note) => [
            ("contact_name", Some(&note.contact_name)),
            ("contact_email", note.contact_email.as_ref()),
        ],
        _ => [("name", None), ("email", None)],
    };
    fields
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::CATALOGUE;
    use crate::schema::conforming;

    #[test]
    fn both_readings_give_the_same_fields_and_key() {
        for spec in &CATALOGUE {
            let mut sample = spec.sample_value();
            for nulls in [false, true] {
                if nulls {
                    for field in ["email", "contact_email"] {
                        if sample["data"].get(field).is_some() {
                            sample["data"][field] = Value::Null;
                        }
                    }
                }
                let body = serde_json::to_vec(&sample).unwrap();
                let typed = Payload::Event(Box::new(conforming(&body).unwrap()));
                let json = Payload::Json(sample.clone());
                assert_eq!(typed.key_fields(), json.key_fields(), "{}", spec.name);
                assert_eq!(typed.delivery_key(), json.delivery_key(), "{}", spec.name);
                assert_eq!(typed.event(), json.event());
            }
        }
    }
}

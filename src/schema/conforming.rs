//! The schema check without a JSON document: a body that the library's types read as one of the
//! 14 events, with every key present and the closed sets holding listed values, matches its
//! schema. The receiver and the payload builders take this path first; whatever it does not
//! take goes to the compiled schemas, whose messages say what is wrong.

use titancard_webhooks::data::{Direction, MeetingMethod, Source};
use titancard_webhooks::{Event, EventData};

/// The body as a conforming event, when the typed parse alone proves that it matches its schema:
/// one of the 14 events, every key the reference shows present with its type, and the closed sets
/// (`source`, `direction`, `meeting_method`) holding values the schema lists. `None` means "ask
/// the schema" (`schema::validate_payload` on the JSON value), never "invalid".
pub fn conforming(body: &[u8]) -> Option<Event> {
    let event = titancard_webhooks::parse_event(body).ok()?;
    event.kind()?;
    let listed = match &event.data {
        EventData::ConnectionCreated(contact) => {
            !matches!(contact.source, Source::Other(_))
                && !matches!(contact.direction, Direction::Other(_))
                && !matches!(contact.meeting_method, Some(MeetingMethod::Other(_)))
        }
        _ => true,
    };
    listed.then_some(event)
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::events::CATALOGUE;
    use crate::schema::validate_payload;

    /// Every sample, and each sample with each data field made null, removed, of another type,
    /// negative, fractional, huge, or an unlisted value: whatever the fast path takes, the schema
    /// takes too, and it takes every sample.
    #[test]
    fn the_fast_path_never_takes_what_the_schema_refuses() {
        let mut taken = 0;
        for spec in &CATALOGUE {
            let sample = spec.sample_value();
            let body = serde_json::to_vec(&sample).unwrap();
            assert!(conforming(&body).is_some(), "{}", spec.name);
            let keys: Vec<String> = sample["data"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            let replacements = [
                Value::Null,
                Value::from(-1),
                Value::from(1.5),
                Value::from(1.0),
                serde_json::from_str("184467440737095516150").unwrap(),
                Value::from("api"),
                Value::from(7),
                serde_json::json!([1]),
                serde_json::json!({}),
            ];
            let mut variants: Vec<Value> = Vec::new();
            for key in &keys {
                let mut removed = sample.clone();
                removed["data"].as_object_mut().unwrap().remove(key);
                variants.push(removed);
                for replacement in &replacements {
                    let mut changed = sample.clone();
                    changed["data"][key] = replacement.clone();
                    variants.push(changed);
                }
            }
            for (key, replacement) in [
                ("event", Value::from("card.exploded")),
                ("timestamp", Value::from(-5)),
                ("timestamp", Value::from(2.5)),
                ("data", serde_json::json!([])),
            ] {
                let mut changed = sample.clone();
                changed[key] = replacement;
                variants.push(changed);
            }
            for variant in variants {
                let body = serde_json::to_vec(&variant).unwrap();
                if conforming(&body).is_some() {
                    taken += 1;
                    assert_eq!(validate_payload(&variant, false), [], "{variant}");
                }
            }
        }
        assert!(taken > 14, "the variants include conforming ones ({taken})");
    }
}

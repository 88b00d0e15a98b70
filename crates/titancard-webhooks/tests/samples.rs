//! The reference's 14 samples through the types: each parses as its own event and writes back
//! the exact bytes a sender sends (the sample, compact); events this version does not know are
//! kept as they came.

use titancard_webhooks::{Event, EventData, EventKind, parse_event};

/// The sample's text without the whitespace between tokens: the bytes a sender sends. Written
/// here, not taken from serde_json, so that the round trip is checked against the text itself.
fn compact(text: &str) -> String {
    let mut out = String::new();
    let (mut in_string, mut escaped) = (false, false);
    for ch in text.chars() {
        if in_string {
            out.push(ch);
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if ch == '"' {
            in_string = true;
            out.push(ch);
        } else if !ch.is_whitespace() {
            out.push(ch);
        }
    }
    out
}

#[test]
fn every_sample_round_trips_byte_for_byte() {
    for kind in EventKind::ALL {
        let sent = compact(kind.sample());
        let event: Event =
            serde_json::from_str(&sent).unwrap_or_else(|err| panic!("{kind}: {err}"));
        assert_eq!(event.kind(), Some(kind));
        assert_eq!(event.event, kind.as_str());
        assert_eq!(serde_json::to_string(&event).unwrap(), sent, "{kind}");
        // The indented sample reads the same.
        let indented: Event = serde_json::from_str(kind.sample()).unwrap();
        assert_eq!(indented, event, "{kind}");
        // And the id field names what the data's id is.
        let value: serde_json::Value = serde_json::from_str(&sent).unwrap();
        assert_eq!(
            event.data.id(),
            value["data"][kind.id_field()].as_str(),
            "{kind}"
        );
    }
}

#[test]
fn an_event_this_version_does_not_know_is_kept_as_it_came() {
    let body = r#"{"event":"card.exploded","timestamp":5,"data":{"id":"x1","pieces": [1, 2]},"extra":true}"#;
    let event = parse_event(body.as_bytes()).unwrap();
    assert_eq!(event.kind(), None);
    assert_eq!(event.event, "card.exploded");
    match &event.data {
        EventData::Unknown(raw) => assert_eq!(raw.get(), r#"{"id":"x1","pieces": [1, 2]}"#),
        other => panic!("{other:?}"),
    }
    assert_eq!(event.delivery_key().id.as_deref(), Some("x1"));
    assert_eq!(
        serde_json::to_string(&event).unwrap(),
        r#"{"event":"card.exploded","timestamp":5,"data":{"id":"x1","pieces": [1, 2]}}"#
    );
    // An unknown event's data must still be an object.
    assert!(parse_event(br#"{"event":"card.exploded","timestamp":5,"data":[1]}"#).is_err());
}

#[test]
fn the_envelope_reads_in_any_order_and_ignores_keys_it_does_not_know() {
    let sent = compact(EventKind::CardDeleted.sample());
    let reordered = r#"{"data":{"card_id":"k57abc123def","slug":"john-smith","deleted_at":1705420800000,"new_field":1},"version":2,"timestamp":1705420800000,"event":"card.deleted"}"#;
    let event = parse_event(reordered.as_bytes()).unwrap();
    assert_eq!(serde_json::to_string(&event).unwrap(), sent);
    // Typing data that came first still names the field at fault.
    let err = parse_event(br#"{"data":{"card_id":7},"event":"card.deleted","timestamp":1}"#)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("data:") && err.contains("invalid type"),
        "{err}"
    );
}

#[test]
fn a_field_of_the_wrong_type_or_a_missing_one_is_not_an_event() {
    let cases = [
        r#"{"event":"card.deleted","timestamp":-1,"data":{"card_id":"k","slug":"s","deleted_at":1}}"#,
        r#"{"event":"card.deleted","timestamp":1.5,"data":{"card_id":"k","slug":"s","deleted_at":1}}"#,
        r#"{"event":"card.deleted","timestamp":1,"data":{"card_id":"k","deleted_at":1}}"#,
        r#"{"event":"card.deleted","timestamp":1,"data":{"card_id":null,"slug":"s","deleted_at":1}}"#,
        r#"{"event":"card.deleted","timestamp":1}"#,
        r#"{"event":7,"timestamp":1,"data":{}}"#,
        r#"{"event":"card.deleted","event":"card.deleted","timestamp":1,"data":{}}"#,
        r#"["card.deleted"]"#,
        r#""card.deleted""#,
    ];
    for body in cases {
        let err = parse_event(body.as_bytes()).unwrap_err();
        assert_eq!(err.kind(), "not_an_event", "{body}: {err}");
        assert_eq!(err.status(), 400);
    }
}

#[test]
fn optional_fields_take_null_and_open_sets_keep_new_values() {
    let mut value: serde_json::Value =
        serde_json::from_str(EventKind::ConnectionCreated.sample()).unwrap();
    value["data"]["email"] = serde_json::Value::Null;
    value["data"]["meeting_method"] = serde_json::Value::Null;
    value["data"]["source"] = "api".into();
    let event = parse_event(value.to_string().as_bytes()).unwrap();
    let EventData::ConnectionCreated(contact) = event.data else {
        panic!("not a connection")
    };
    assert_eq!(contact.email, None);
    assert_eq!(contact.meeting_method, None);
    assert_eq!(contact.source.as_str(), "api");
}

//! The event catalogue: the 14 TitanCard events, each with its group, when it fires, the
//! reference's sample payload and the field naming what it is about (both from the
//! `titancard-webhooks` library, which owns the event names) and its data schema (schemas/),
//! embedded at build time.
//!
//! The catalogue is data, not code paths: every command looks events up here.

use std::fmt;

pub use titancard_webhooks::EventKind;

/// One webhook event as the reference documents it.
#[derive(Debug, PartialEq, Eq)]
pub struct EventSpec {
    /// The event, as the library names it.
    pub kind: EventKind,
    /// The wire name, as in the `event` field and the `X-Webhook-Event` header.
    pub name: &'static str,
    /// The reference's grouping: Card, Connection, Reminder, Other.
    pub group: &'static str,
    /// When TitanCard fires it (the reference's "Triggered when …").
    pub fires_when: &'static str,
    /// The reference's sample payload, byte for byte (2-space indented JSON, trailing newline).
    pub sample: &'static str,
    /// The JSON Schema of the event's `data` object (schemas/<event>.schema.json).
    pub data_schema: &'static str,
    /// The `data` field that identifies what the event is about: `card_id` for card events,
    /// `connection_id` for `enrichment.completed` (which has no `id`), `id` for the others.
    pub id_field: &'static str,
}

impl EventSpec {
    /// The sample payload as a JSON value, key order kept.
    pub fn sample_value(&self) -> serde_json::Value {
        serde_json::from_str(self.sample)
            .expect("the embedded samples are JSON objects (checked by events::tests)")
    }

    /// The id the sample's data carries in its `id_field`.
    pub fn sample_id(&self) -> String {
        self.sample_value()["data"][self.id_field]
            .as_str()
            .expect("every sample carries its id field as a string (checked by events::tests)")
            .to_string()
    }
}

impl fmt::Display for EventSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

macro_rules! event {
    ($kind:ident = $name:literal, $group:literal, $when:literal) => {
        EventSpec {
            kind: EventKind::$kind,
            // The literal names the schema file; `every_sample_is_json_naming_its_own_event`
            // checks that it is the library's name.
            name: $name,
            group: $group,
            id_field: EventKind::$kind.id_field(),
            fires_when: $when,
            sample: EventKind::$kind.sample(),
            data_schema: include_str!(concat!("../schemas/", $name, ".schema.json")),
        }
    };
}

/// All 14 events, in the reference's order.
pub static CATALOGUE: [EventSpec; 14] = [
    event!(
        CardCreated = "card.created",
        "Card",
        "a new business card is created"
    ),
    event!(
        CardUpdated = "card.updated",
        "Card",
        "card details are modified"
    ),
    event!(CardDeleted = "card.deleted", "Card", "a card is deleted"),
    event!(
        CardViewed = "card.viewed",
        "Card",
        "someone views your card profile"
    ),
    event!(
        CardShared = "card.shared",
        "Card",
        "your card is shared via QR code, NFC tap, or link copy"
    ),
    event!(
        ConnectionCreated = "connection.created",
        "Connection",
        "you make a new connection (most common event for CRM sync)"
    ),
    event!(
        ConnectionUpdated = "connection.updated",
        "Connection",
        "connection details are modified"
    ),
    event!(
        ConnectionDeleted = "connection.deleted",
        "Connection",
        "a connection is archived or permanently deleted"
    ),
    event!(
        ConnectionTagged = "connection.tagged",
        "Connection",
        "tags are added to or removed from a connection"
    ),
    event!(
        ConnectionStatusChanged = "connection.status_changed",
        "Connection",
        "a connection's pipeline status changes (e.g. new → contacted → qualified)"
    ),
    event!(
        ReminderCreated = "reminder.created",
        "Reminder",
        "a follow-up reminder is scheduled for a connection"
    ),
    event!(
        ReminderDue = "reminder.due",
        "Reminder",
        "a scheduled reminder becomes due"
    ),
    event!(
        NoteAdded = "note.added",
        "Other",
        "a note is added to a connection"
    ),
    event!(
        EnrichmentCompleted = "enrichment.completed",
        "Other",
        "contact data enrichment completes for a connection"
    ),
];

/// Looks an event up by its exact wire name.
pub fn find(name: &str) -> Option<&'static EventSpec> {
    CATALOGUE.iter().find(|spec| spec.name == name)
}

/// The catalogue name closest to `name`, when one is close enough to be a likely typo.
pub fn closest(name: &str) -> Option<&'static str> {
    closest_of(name, CATALOGUE.iter().map(|spec| spec.name))
}

/// The candidate closest to `word` by Jaro-Winkler similarity, when it is a likely typo.
pub fn closest_of<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|candidate| (strsim::jaro_winkler(word, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// The message for a name that is not in the catalogue.
pub fn unknown_event_message(name: &str) -> String {
    match closest(name) {
        Some(near) => format!("unknown event '{name}': did you mean {near}?"),
        None => format!("unknown event '{name}': run `titancard-wh events` for the list"),
    }
}

/// clap value parser: an event name, with a suggestion when it is mistyped.
pub fn parse_event(name: &str) -> Result<&'static EventSpec, String> {
    find(name).ok_or_else(|| unknown_event_message(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_is_json_naming_its_own_event() {
        for spec in &CATALOGUE {
            let value: serde_json::Value = serde_json::from_str(spec.sample).expect(spec.name);
            assert_eq!(value["event"], spec.name);
            assert_eq!(spec.kind.as_str(), spec.name);
            assert!(value["timestamp"].is_u64(), "{}", spec.name);
            assert!(value["data"].is_object(), "{}", spec.name);
            assert!(value["data"][spec.id_field].is_string(), "{}", spec.name);
            assert_eq!(spec.sample_value(), value);
            assert!(!spec.sample_id().is_empty());
        }
    }

    #[test]
    fn typos_get_the_closest_name() {
        assert_eq!(closest("card.view"), Some("card.viewed"));
        assert_eq!(closest("conection.created"), Some("connection.created"));
        assert_eq!(closest("zzz"), None);
        assert!(
            parse_event("card.viewd")
                .unwrap_err()
                .contains("did you mean card.viewed?")
        );
    }
}

//! What a story keeps consistent from step to step, as data: which things (a contact, a card, a
//! reminder, a note) each event carries, in which of its fields, and which of its fields hold the
//! time the event happened.
//!
//! Reference, "Connection Events", "Reminder Events", "Other Events": every `connection.*` event
//! carries the contact's `id`; `reminder.*`, `note.added` and `enrichment.completed` carry it as
//! `connection_id`; every `card.*` event carries `card_id`; `reminder.due` is the reminder that
//! `reminder.created` scheduled (same `id`, due at its `scheduled_for`).
//!
//! The field that names what each event is about is the library's (`EventKind::id_field`); the
//! tables below take it from there.

use crate::events::EventKind;

/// A thing several events are about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Contact,
    Card,
    Reminder,
    Note,
}

impl Kind {
    /// How reports name it: `contact=j57…`.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Contact => "contact",
            Kind::Card => "card",
            Kind::Reminder => "reminder",
            Kind::Note => "note",
        }
    }

    /// The event that starts a thing of this kind: its sample's id (in its id field) gives the
    /// shape of a fresh id.
    pub fn opened_by(self) -> EventKind {
        match self {
            Kind::Contact => EventKind::ConnectionCreated,
            Kind::Card => EventKind::CardCreated,
            Kind::Reminder => EventKind::ReminderCreated,
            Kind::Note => EventKind::NoteAdded,
        }
    }
}

/// Which way a value flows between a step's payload and the thing it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Written into the payload, and read back from it (a user's `set` changes the thing).
    Both,
    /// Written into the payload only (a reminder's copy of the contact's name).
    In,
    /// Read from the payload only (`new_status` becomes the contact's status).
    Out,
    /// The thing's counter plus one is written, and read back (`total_views`).
    Count,
}

/// One attribute of a thing and the data field that holds it in one event.
#[derive(Debug)]
pub struct Link {
    pub attr: &'static str,
    pub field: &'static str,
    pub flow: Flow,
}

/// A thing an event carries, and whether the event starts a new one.
#[derive(Debug)]
pub struct Carry {
    pub kind: Kind,
    /// `connection.created`, `card.created`, `reminder.created` and `note.added` start a new
    /// thing with a fresh id; the others carry the latest one.
    pub opens: bool,
    /// The first link is always the id.
    pub links: &'static [Link],
}

impl Carry {
    /// The data field that holds the thing's id in this event.
    pub fn id_field(&self) -> &'static str {
        self.links[0].field
    }
}

/// How one event links to the others.
#[derive(Debug)]
pub struct EventLinks {
    pub event: EventKind,
    pub carries: &'static [Carry],
    /// Data fields that hold the time the event happened: set to the step's timestamp.
    pub times: &'static [&'static str],
}

const fn link(attr: &'static str, field: &'static str, flow: Flow) -> Link {
    Link { attr, field, flow }
}

/// An attribute kept in the field of its own name, both ways.
const fn both(attr: &'static str) -> Link {
    link(attr, attr, Flow::Both)
}

use Flow::{Both, Count, In, Out};
use Kind::{Card, Contact, Note, Reminder};

/// The fields that name what the events are about, as the library gives them.
const CARD_ID: &str = EventKind::CardCreated.id_field();
const CONTACT_ID: &str = EventKind::ConnectionCreated.id_field();
const REMINDER_ID: &str = EventKind::ReminderCreated.id_field();
const NOTE_ID: &str = EventKind::NoteAdded.id_field();
/// How a reminder, a note and an enrichment name their contact.
const CONTACT_REFERENCE: &str = EventKind::EnrichmentCompleted.id_field();

const CONTACT_RECORD: &[Link] = &[
    link("id", CONTACT_ID, Both),
    both("first_name"),
    both("last_name"),
    both("full_name"),
    both("email"),
    both("phone"),
    both("company"),
    both("status"),
    both("tags"),
];
const CONTACT_DELETED: &[Link] = &[
    link("id", CONTACT_ID, Both),
    both("full_name"),
    both("email"),
];
const CONTACT_TAGGED: &[Link] = &[
    link("id", CONTACT_ID, Both),
    both("full_name"),
    both("email"),
    // `tags` is worked out from the contact's tags and the change (see `compose`).
    link("tags", "tags", Out),
];
const CONTACT_STATUS: &[Link] = &[
    link("id", CONTACT_ID, Both),
    both("full_name"),
    both("email"),
    both("company"),
    link("status", "previous_status", In),
    link("status", "new_status", Out),
];
const CONTACT_IN_REMINDER: &[Link] = &[
    link("id", CONTACT_REFERENCE, In),
    link("full_name", "contact_name", In),
    link("email", "contact_email", In),
    link("company", "contact_company", In),
];
/// A note carries the contact as a reminder does, but for its company.
const CONTACT_IN_NOTE: &[Link] = CONTACT_IN_REMINDER.split_at(3).0;
const CONTACT_BY_REFERENCE: &[Link] = &[link("id", CONTACT_REFERENCE, In)];
const REMINDER: &[Link] = &[
    link("id", REMINDER_ID, Both),
    both("scheduled_for"),
    both("message"),
    both("type"),
];
const NOTE: &[Link] = &[link("id", NOTE_ID, Both)];
const CARD_RECORD: &[Link] = &[link("id", CARD_ID, Both), both("name"), both("slug")];
const CARD_VIEWED: &[Link] = &[
    link("id", CARD_ID, In),
    link("slug", "card_slug", In),
    link("views", "total_views", Count),
];
const CARD_SHARED: &[Link] = &[
    link("id", CARD_ID, In),
    link("name", "card_name", In),
    link("slug", "card_slug", In),
    link("views", "total_views", In),
    link("shares", "total_shares", Count),
];
const CARD_DELETED: &[Link] = &[link("id", CARD_ID, In), link("slug", "slug", In)];

/// A thing the event starts, with a fresh id.
const fn opens(kind: Kind, links: &'static [Link]) -> Carry {
    Carry {
        kind,
        opens: true,
        links,
    }
}

/// A thing the event carries on: the latest one of its kind.
const fn with(kind: Kind, links: &'static [Link]) -> Carry {
    Carry {
        kind,
        opens: false,
        links,
    }
}

const fn row(
    event: EventKind,
    carries: &'static [Carry],
    times: &'static [&'static str],
) -> EventLinks {
    EventLinks {
        event,
        carries,
        times,
    }
}

/// The links of all 14 events, in the catalogue's order, an event a line.
#[rustfmt::skip]
pub static LINKS: [EventLinks; 14] = [
    row(EventKind::CardCreated, &[opens(Card, CARD_RECORD)], &["created_at"]),
    row(EventKind::CardUpdated, &[with(Card, CARD_RECORD)], &["updated_at"]),
    row(EventKind::CardDeleted, &[with(Card, CARD_DELETED)], &["deleted_at"]),
    row(EventKind::CardViewed, &[with(Card, CARD_VIEWED)], &["viewed_at"]),
    row(EventKind::CardShared, &[with(Card, CARD_SHARED)], &["shared_at"]),
    row(EventKind::ConnectionCreated, &[opens(Contact, CONTACT_RECORD)], &["meeting_date", "created_at"]),
    row(EventKind::ConnectionUpdated, &[with(Contact, CONTACT_RECORD)], &["updated_at", "last_contacted_at"]),
    row(EventKind::ConnectionDeleted, &[with(Contact, CONTACT_DELETED)], &["deleted_at"]),
    row(EventKind::ConnectionTagged, &[with(Contact, CONTACT_TAGGED)], &["tagged_at"]),
    row(EventKind::ConnectionStatusChanged, &[with(Contact, CONTACT_STATUS)], &["changed_at"]),
    // `scheduled_for` is when it will be due, not when it was made (see `compose`).
    row(EventKind::ReminderCreated, &[with(Contact, CONTACT_IN_REMINDER), opens(Reminder, REMINDER)], &[]),
    // Its time is the reminder's `scheduled_for`, carried from `reminder.created`.
    row(EventKind::ReminderDue, &[with(Contact, CONTACT_IN_REMINDER), with(Reminder, REMINDER)], &[]),
    row(EventKind::NoteAdded, &[with(Contact, CONTACT_IN_NOTE), opens(Note, NOTE)], &["added_at"]),
    row(EventKind::EnrichmentCompleted, &[with(Contact, CONTACT_BY_REFERENCE)], &["completed_at"]),
];

/// The links of `event` (every catalogue event has a row, checked by the tests).
pub fn of(event: EventKind) -> &'static EventLinks {
    LINKS
        .iter()
        .find(|links| links.event == event)
        .expect("every catalogue event has a row in story::links::LINKS (checked by its tests)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{CATALOGUE, find};

    #[test]
    fn every_event_has_a_row_in_catalogue_order() {
        let names: Vec<_> = LINKS.iter().map(|links| links.event).collect();
        let catalogue: Vec<_> = CATALOGUE.iter().map(|spec| spec.kind).collect();
        assert_eq!(names, catalogue);
    }

    #[test]
    fn every_linked_field_is_in_the_event_sample_and_ids_come_first() {
        for links in &LINKS {
            let sample = find(links.event.as_str()).unwrap().sample_value();
            let data = sample["data"].as_object().unwrap();
            for carry in links.carries {
                assert_eq!(carry.links[0].attr, "id", "{}", links.event);
                for link in carry.links {
                    assert!(
                        data.contains_key(link.field),
                        "{}.{}",
                        links.event,
                        link.field
                    );
                }
            }
        }
    }

    #[test]
    fn time_fields_are_exactly_the_sample_fields_that_hold_its_timestamp() {
        for links in &LINKS {
            let sample = find(links.event.as_str()).unwrap().sample_value();
            let timestamp = &sample["timestamp"];
            let mut holding: Vec<&str> = sample["data"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(_, value)| *value == timestamp)
                .map(|(key, _)| key.as_str())
                .collect();
            // reminder.due's time is its reminder's scheduled_for, a carried link.
            holding.retain(|field| {
                !(links.event == EventKind::ReminderDue && *field == "scheduled_for")
            });
            assert_eq!(holding, links.times, "{}", links.event);
        }
    }

    #[test]
    fn each_kind_has_a_sample_id_to_copy_the_shape_of() {
        for kind in [Kind::Contact, Kind::Card, Kind::Reminder, Kind::Note] {
            let event = kind.opened_by();
            let sample = find(event.as_str()).unwrap().sample_value();
            assert!(
                sample["data"][event.id_field()].is_string(),
                "{}",
                kind.label()
            );
        }
    }

    #[test]
    fn every_event_carries_what_it_is_about_under_its_id_field() {
        for links in &LINKS {
            assert!(
                links
                    .carries
                    .iter()
                    .any(|carry| carry.id_field() == links.event.id_field()),
                "{}",
                links.event
            );
        }
    }
}

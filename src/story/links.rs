//! What a story keeps consistent from step to step, as data: which things (a contact, a card, a
//! reminder, a note) each event carries, in which of its fields, and which of its fields hold the
//! time the event happened.
//!
//! Reference, "Connection Events", "Reminder Events", "Other Events": every `connection.*` event
//! carries the contact's `id`; `reminder.*`, `note.added` and `enrichment.completed` carry it as
//! `connection_id`; every `card.*` event carries `card_id`; `reminder.due` is the reminder that
//! `reminder.created` scheduled (same `id`, due at its `scheduled_for`).

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

    /// The event and data field whose sample id gives the shape of a fresh id of this kind.
    pub fn id_sample(self) -> (&'static str, &'static str) {
        match self {
            Kind::Contact => ("connection.created", "id"),
            Kind::Card => ("card.created", "card_id"),
            Kind::Reminder => ("reminder.created", "id"),
            Kind::Note => ("note.added", "id"),
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
    pub event: &'static str,
    pub carries: &'static [Carry],
    /// Data fields that hold the time the event happened: set to the step's timestamp.
    pub times: &'static [&'static str],
}

const fn link(attr: &'static str, field: &'static str, flow: Flow) -> Link {
    Link { attr, field, flow }
}

use Flow::{Both, Count, In, Out};

const CONTACT_RECORD: &[Link] = &[
    link("id", "id", Both),
    link("first_name", "first_name", Both),
    link("last_name", "last_name", Both),
    link("full_name", "full_name", Both),
    link("email", "email", Both),
    link("phone", "phone", Both),
    link("company", "company", Both),
    link("status", "status", Both),
    link("tags", "tags", Both),
];
const CONTACT_DELETED: &[Link] = &[
    link("id", "id", Both),
    link("full_name", "full_name", Both),
    link("email", "email", Both),
];
const CONTACT_TAGGED: &[Link] = &[
    link("id", "id", Both),
    link("full_name", "full_name", Both),
    link("email", "email", Both),
    // `tags` is worked out from the contact's tags and the change (see `compose`).
    link("tags", "tags", Out),
];
const CONTACT_STATUS: &[Link] = &[
    link("id", "id", Both),
    link("full_name", "full_name", Both),
    link("email", "email", Both),
    link("company", "company", Both),
    link("status", "previous_status", In),
    link("status", "new_status", Out),
];
const CONTACT_IN_REMINDER: &[Link] = &[
    link("id", "connection_id", In),
    link("full_name", "contact_name", In),
    link("email", "contact_email", In),
    link("company", "contact_company", In),
];
const CONTACT_IN_NOTE: &[Link] = &[
    link("id", "connection_id", In),
    link("full_name", "contact_name", In),
    link("email", "contact_email", In),
];
const CONTACT_ID: &[Link] = &[link("id", "connection_id", In)];
const REMINDER: &[Link] = &[
    link("id", "id", Both),
    link("scheduled_for", "scheduled_for", Both),
    link("message", "message", Both),
    link("type", "type", Both),
];
const NOTE: &[Link] = &[link("id", "id", Both)];
const CARD_RECORD: &[Link] = &[
    link("id", "card_id", Both),
    link("name", "name", Both),
    link("slug", "slug", Both),
];
const CARD_VIEWED: &[Link] = &[
    link("id", "card_id", In),
    link("slug", "card_slug", In),
    link("views", "total_views", Count),
];
const CARD_SHARED: &[Link] = &[
    link("id", "card_id", In),
    link("name", "card_name", In),
    link("slug", "card_slug", In),
    link("views", "total_views", In),
    link("shares", "total_shares", Count),
];
const CARD_DELETED: &[Link] = &[link("id", "card_id", In), link("slug", "slug", In)];

const fn carry(kind: Kind, opens: bool, links: &'static [Link]) -> Carry {
    Carry { kind, opens, links }
}

const fn rule(
    event: &'static str,
    carries: &'static [Carry],
    times: &'static [&'static str],
) -> EventLinks {
    EventLinks {
        event,
        carries,
        times,
    }
}

/// The links of all 14 events, in the catalogue's order.
pub static LINKS: [EventLinks; 14] = [
    rule(
        "card.created",
        &[carry(Kind::Card, true, CARD_RECORD)],
        &["created_at"],
    ),
    rule(
        "card.updated",
        &[carry(Kind::Card, false, CARD_RECORD)],
        &["updated_at"],
    ),
    rule(
        "card.deleted",
        &[carry(Kind::Card, false, CARD_DELETED)],
        &["deleted_at"],
    ),
    rule(
        "card.viewed",
        &[carry(Kind::Card, false, CARD_VIEWED)],
        &["viewed_at"],
    ),
    rule(
        "card.shared",
        &[carry(Kind::Card, false, CARD_SHARED)],
        &["shared_at"],
    ),
    rule(
        "connection.created",
        &[carry(Kind::Contact, true, CONTACT_RECORD)],
        &["meeting_date", "created_at"],
    ),
    rule(
        "connection.updated",
        &[carry(Kind::Contact, false, CONTACT_RECORD)],
        &["updated_at", "last_contacted_at"],
    ),
    rule(
        "connection.deleted",
        &[carry(Kind::Contact, false, CONTACT_DELETED)],
        &["deleted_at"],
    ),
    rule(
        "connection.tagged",
        &[carry(Kind::Contact, false, CONTACT_TAGGED)],
        &["tagged_at"],
    ),
    rule(
        "connection.status_changed",
        &[carry(Kind::Contact, false, CONTACT_STATUS)],
        &["changed_at"],
    ),
    rule(
        "reminder.created",
        &[
            carry(Kind::Contact, false, CONTACT_IN_REMINDER),
            carry(Kind::Reminder, true, REMINDER),
        ],
        // `scheduled_for` is when it will be due, not when it was made (see `compose`).
        &[],
    ),
    rule(
        "reminder.due",
        &[
            carry(Kind::Contact, false, CONTACT_IN_REMINDER),
            carry(Kind::Reminder, false, REMINDER),
        ],
        // Its time is the reminder's `scheduled_for`, carried from `reminder.created`.
        &[],
    ),
    rule(
        "note.added",
        &[
            carry(Kind::Contact, false, CONTACT_IN_NOTE),
            carry(Kind::Note, true, NOTE),
        ],
        &["added_at"],
    ),
    rule(
        "enrichment.completed",
        &[carry(Kind::Contact, false, CONTACT_ID)],
        &["completed_at"],
    ),
];

/// The links of `event` (every catalogue event has a row, checked by the tests).
pub fn of(event: &str) -> &'static EventLinks {
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
        let catalogue: Vec<_> = CATALOGUE.iter().map(|spec| spec.name).collect();
        assert_eq!(names, catalogue);
    }

    #[test]
    fn every_linked_field_is_in_the_event_sample_and_ids_come_first() {
        for links in &LINKS {
            let sample = find(links.event).unwrap().sample_value();
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
            let sample = find(links.event).unwrap().sample_value();
            let timestamp = &sample["timestamp"];
            let mut holding: Vec<&str> = sample["data"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(_, value)| *value == timestamp)
                .map(|(key, _)| key.as_str())
                .collect();
            // reminder.due's time is its reminder's scheduled_for, a carried link.
            holding.retain(|field| !(links.event == "reminder.due" && *field == "scheduled_for"));
            assert_eq!(holding, links.times, "{}", links.event);
        }
    }

    #[test]
    fn each_kind_has_a_sample_id_to_copy_the_shape_of() {
        for kind in [Kind::Contact, Kind::Card, Kind::Reminder, Kind::Note] {
            let (event, field) = kind.id_sample();
            let sample = find(event).unwrap().sample_value();
            assert!(sample["data"][field].is_string(), "{}", kind.label());
        }
    }
}

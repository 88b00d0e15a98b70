//! The `data` of each event, as types: one struct per event with every field the reference shows
//! for it, under its JSON name and in its order, and [`EventData`], the enum over all of them.
//!
//! Fields the reference shows as `null` in a sample, or whose absence is natural (contact
//! details, meeting fields, `updated_at`, `last_contacted_at`), are `Option`s; times are
//! [`Timestamp`](crate::Timestamp)s in milliseconds. Keys the types do not know are ignored, as
//! the reference asks receivers to be tolerant; the signed bytes stay the record of what was
//! sent.

mod card;
mod connection;
mod other;
mod reminder;
mod values;

use serde::de::{DeserializeSeed, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

pub use card::{CardCreated, CardDeleted, CardShared, CardUpdated, CardViewed};
pub use connection::{
    ConnectionCreated, ConnectionDeleted, ConnectionStatusChanged, ConnectionTagged,
    ConnectionUpdated,
};
pub use other::{EnrichmentCompleted, NoteAdded};
pub use reminder::Reminder;
pub use values::{Direction, MeetingMethod, Source};

use crate::EventKind;

macro_rules! event_data {
    ($($variant:ident($type:ty).$id:ident,)*) => {
        /// The `data` of an event, typed by its name.
        ///
        /// ```
        /// use titancard_webhooks::{Event, EventData, EventKind};
        ///
        /// let event: Event = serde_json::from_str(EventKind::ConnectionCreated.sample())?;
        /// match &event.data {
        ///     EventData::ConnectionCreated(contact) => {
        ///         assert_eq!(contact.full_name, "Jane Doe");
        ///         assert_eq!(contact.updated_at, None);
        ///     }
        ///     other => panic!("not a new connection: {other:?}"),
        /// }
        /// # Ok::<(), serde_json::Error>(())
        /// ```
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        // Each struct is boxed: an `Event` is moved several times on its way out of the parser,
        // and a 600-byte `connection.created` made every move a copy (a sixth of a parse).
        pub enum EventData {
            $(#[doc = concat!("The data of `", stringify!($variant), "`.")] $variant(Box<$type>),)*
            /// The data of an event this version does not know (the envelope's `event` names
            /// it), kept as the exact JSON text that arrived, so that a receiver built today
            /// still accepts the events TitanCard adds tomorrow.
            Unknown(Box<RawValue>),
        }

        impl EventData {
            /// Which of the 14 events this is; `None` for [`EventData::Unknown`].
            pub fn kind(&self) -> Option<EventKind> {
                match self {
                    $(EventData::$variant(_) => Some(EventKind::$variant),)*
                    EventData::Unknown(_) => None,
                }
            }

            /// The value of the event's id field ([`EventKind::id_field`]): the card, contact,
            /// reminder or note the event is about; `None` for [`EventData::Unknown`].
            pub fn id(&self) -> Option<&str> {
                match self {
                    $(EventData::$variant(data) => Some(&data.$id),)*
                    EventData::Unknown(_) => None,
                }
            }

            /// Reads the data of a `kind` event.
            pub(crate) fn deserialize_kind<'de, D: Deserializer<'de>>(
                kind: EventKind,
                deserializer: D,
            ) -> Result<EventData, D::Error> {
                Ok(match kind {
                    $(EventKind::$variant => EventData::$variant(Box::new(<$type>::deserialize(deserializer)?)),)*
                })
            }
        }

        impl EventKind {
            /// The field of the event's `data` that identifies what the event is about:
            /// `card_id` for card events, `connection_id` for `enrichment.completed` (which has
            /// no `id`), `id` for the others. With the event name and the envelope's timestamp
            /// it tells one delivery from another (see [`Event::delivery_key`](crate::Event::delivery_key)).
            ///
            /// ```
            /// use titancard_webhooks::EventKind;
            ///
            /// assert_eq!(EventKind::CardViewed.id_field(), "card_id");
            /// assert_eq!(EventKind::EnrichmentCompleted.id_field(), "connection_id");
            /// ```
            pub const fn id_field(self) -> &'static str {
                match self {
                    $(EventKind::$variant => stringify!($id),)*
                }
            }
        }

        impl Serialize for EventData {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(EventData::$variant(data) => data.serialize(serializer),)*
                    EventData::Unknown(raw) => raw.serialize(serializer),
                }
            }
        }

        impl PartialEq for EventData {
            fn eq(&self, other: &Self) -> bool {
                match (self, other) {
                    $((EventData::$variant(a), EventData::$variant(b)) => a == b,)*
                    (EventData::Unknown(a), EventData::Unknown(b)) => a.get() == b.get(),
                    _ => false,
                }
            }
        }
    };
}

event_data! {
    CardCreated(CardCreated).card_id,
    CardUpdated(CardUpdated).card_id,
    CardDeleted(CardDeleted).card_id,
    CardViewed(CardViewed).card_id,
    CardShared(CardShared).card_id,
    ConnectionCreated(ConnectionCreated).id,
    ConnectionUpdated(ConnectionUpdated).id,
    ConnectionDeleted(ConnectionDeleted).id,
    ConnectionTagged(ConnectionTagged).id,
    ConnectionStatusChanged(ConnectionStatusChanged).id,
    ReminderCreated(Reminder).id,
    ReminderDue(Reminder).id,
    NoteAdded(NoteAdded).id,
    EnrichmentCompleted(EnrichmentCompleted).connection_id,
}

/// Reads the data of one kind of event, for the envelope's visitor.
pub(crate) struct DataOf(pub(crate) EventKind);

impl<'de> DeserializeSeed<'de> for DataOf {
    type Value = EventData;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<EventData, D::Error> {
        EventData::deserialize_kind(self.0, deserializer)
    }
}

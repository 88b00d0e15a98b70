//! The 14 event names of the reference, as a type: their wire names, the data field that names
//! what each event is about, and the reference's sample payload of each.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! kinds {
    ($($variant:ident = $name:literal, $doc:literal;)*) => {
        /// One of the 14 events TitanCard sends, by its wire name (the body's `event` and the
        /// `X-Webhook-Event` header).
        ///
        /// ```
        /// use titancard_webhooks::EventKind;
        ///
        /// let kind: EventKind = "connection.created".parse()?;
        /// assert_eq!(kind, EventKind::ConnectionCreated);
        /// assert_eq!(kind.as_str(), "connection.created");
        /// assert_eq!(EventKind::ALL.len(), 14);
        /// assert!("card.exploded".parse::<EventKind>().is_err());
        /// # Ok::<(), titancard_webhooks::UnknownEvent>(())
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum EventKind {
            $(#[doc = $doc] $variant,)*
        }

        impl EventKind {
            /// All 14, in the reference's order.
            pub const ALL: [EventKind; 14] = [$(EventKind::$variant,)*];

            /// The wire name, such as `"card.created"`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(EventKind::$variant => $name,)*
                }
            }

            /// The reference's sample payload of this event, byte for byte as the reference
            /// prints it (indented JSON and a final newline), for a receiver's own tests.
            ///
            /// ```
            /// use titancard_webhooks::{Event, EventKind};
            ///
            /// let event: Event = serde_json::from_str(EventKind::NoteAdded.sample())?;
            /// assert_eq!(event.kind(), Some(EventKind::NoteAdded));
            /// # Ok::<(), serde_json::Error>(())
            /// ```
            pub const fn sample(self) -> &'static str {
                match self {
                    $(EventKind::$variant => include_str!(concat!("../samples/", $name, ".json")),)*
                }
            }
        }

        impl FromStr for EventKind {
            type Err = UnknownEvent;

            fn from_str(name: &str) -> Result<Self, UnknownEvent> {
                match name {
                    $($name => Ok(EventKind::$variant),)*
                    _ => Err(UnknownEvent(name.chars().take(UnknownEvent::SHOWN).collect())),
                }
            }
        }
    };
}

kinds! {
    CardCreated = "card.created", "A new business card is created.";
    CardUpdated = "card.updated", "Card details are modified.";
    CardDeleted = "card.deleted", "A card is deleted.";
    CardViewed = "card.viewed", "Someone views the card's profile.";
    CardShared = "card.shared", "The card is shared via QR code, NFC tap, or link copy.";
    ConnectionCreated = "connection.created", "A new connection is made (the most common event for CRM sync).";
    ConnectionUpdated = "connection.updated", "Connection details are modified.";
    ConnectionDeleted = "connection.deleted", "A connection is archived or permanently deleted.";
    ConnectionTagged = "connection.tagged", "Tags are added to or removed from a connection.";
    ConnectionStatusChanged = "connection.status_changed", "A connection's pipeline status changes (new → contacted → qualified…).";
    ReminderCreated = "reminder.created", "A follow-up reminder is scheduled for a connection.";
    ReminderDue = "reminder.due", "A scheduled reminder becomes due.";
    NoteAdded = "note.added", "A note is added to a connection.";
    EnrichmentCompleted = "enrichment.completed", "Contact data enrichment completes for a connection.";
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EventKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// A name that is not one of the 14 events (at most its first 64 characters are kept).
///
/// ```
/// use titancard_webhooks::EventKind;
///
/// let err = "card.exploded".parse::<EventKind>().unwrap_err();
/// assert_eq!(err.to_string(), "unknown event 'card.exploded'");
/// assert_eq!(err.name(), "card.exploded");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEvent(String);

impl UnknownEvent {
    const SHOWN: usize = 64;

    /// The name that was given.
    pub fn name(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown event '{}'", self.0)
    }
}

impl std::error::Error for UnknownEvent {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_samples_name_their_own_event() {
        for kind in EventKind::ALL {
            assert_eq!(kind.as_str().parse::<EventKind>(), Ok(kind));
            assert!(
                kind.sample()
                    .contains(&format!("\"event\": \"{}\"", kind.as_str())),
                "{kind}"
            );
            assert!(
                kind.sample()
                    .contains(&format!("\"{}\": ", kind.id_field())),
                "{kind}"
            );
        }
    }

    #[test]
    fn a_long_unknown_name_is_cut_in_the_error() {
        let long = "x".repeat(10_000);
        let err = long.parse::<EventKind>().unwrap_err();
        assert_eq!(err.name().len(), UnknownEvent::SHOWN);
    }
}

//! The envelope every delivery carries (reference, "Webhook Payload Structure"):
//! `{"event": <name>, "timestamp": <ms since the epoch>, "data": {…}}`, with the data typed by
//! the event's name.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::EventKind;
use crate::data::{DataOf, EventData};

/// A time as the reference gives every time: milliseconds since the Unix epoch.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use titancard_webhooks::Timestamp;
///
/// let at = Timestamp::from_millis(1_705_420_800_000);
/// assert_eq!(at.to_system_time(), UNIX_EPOCH + Duration::from_secs(1_705_420_800));
/// assert_eq!(serde_json::to_string(&at)?, "1705420800000");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(u64);

impl Timestamp {
    /// The time `millis` milliseconds after the Unix epoch.
    pub const fn from_millis(millis: u64) -> Timestamp {
        Timestamp(millis)
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// The time as a `SystemTime`.
    pub fn to_system_time(self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.0)
    }

    /// A `SystemTime` to the millisecond; `None` before the epoch or past `u64` milliseconds.
    pub fn from_system_time(time: SystemTime) -> Option<Timestamp> {
        let millis = time.duration_since(UNIX_EPOCH).ok()?.as_millis();
        u64::try_from(millis).ok().map(Timestamp)
    }

    /// Now, to the millisecond (the epoch on a clock set before it).
    pub fn now() -> Timestamp {
        Timestamp::from_system_time(SystemTime::now()).unwrap_or(Timestamp(0))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One delivery's payload: the event's name, when it happened, and its typed data.
///
/// Deserializing reads the envelope's keys in any order and ignores keys it does not know; the
/// data is read straight into its type when `event` comes first (as TitanCard sends it).
/// Serializing writes `event`, `timestamp` and `data` in that order, compact, so that a payload
/// read from TitanCard's bytes writes the same bytes back.
///
/// ```
/// use titancard_webhooks::{Event, EventData, EventKind};
///
/// let body = br#"{"event":"card.deleted","timestamp":1705420800000,"data":{"card_id":"k57abc123def","slug":"john-smith","deleted_at":1705420800000}}"#;
/// let event: Event = serde_json::from_slice(body)?;
/// assert_eq!(event.kind(), Some(EventKind::CardDeleted));
/// assert_eq!(event.timestamp.as_millis(), 1_705_420_800_000);
/// let EventData::CardDeleted(card) = &event.data else { unreachable!() };
/// assert_eq!(card.slug, "john-smith");
/// assert_eq!(serde_json::to_vec(&event)?, body);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event's name, as the body's `event` gives it (one of the 14, or a newer one).
    pub event: String,
    /// When the event happened.
    pub timestamp: Timestamp,
    /// The event's data, typed by `event`.
    pub data: EventData,
}

/// What tells one delivery from another: the event's name, its envelope timestamp and the id of
/// what it is about (reference, "Error Handling": "Handle duplicate events idempotently (use
/// the event timestamp)"; the timestamp alone would merge two events of the same millisecond).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeliveryKey {
    /// The event's name.
    pub event: String,
    /// The envelope's timestamp.
    pub timestamp: Timestamp,
    /// The value of the event's id field ([`EventKind::id_field`]); for an event this version
    /// does not know, its data's `id` when that is a string.
    pub id: Option<String>,
}

impl Event {
    /// Which of the 14 events this is; `None` for one this version does not know.
    pub fn kind(&self) -> Option<EventKind> {
        self.data.kind()
    }

    /// The key to store deliveries by, so that a retried or repeated delivery is handled once.
    ///
    /// ```
    /// use titancard_webhooks::{Event, EventKind};
    ///
    /// let event: Event = serde_json::from_str(EventKind::ReminderDue.sample())?;
    /// let key = event.delivery_key();
    /// assert_eq!((key.event.as_str(), key.id.as_deref()), ("reminder.due", Some("r89reminder123")));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn delivery_key(&self) -> DeliveryKey {
        let id = match &self.data {
            EventData::Unknown(raw) => unknown_id(raw),
            known => known.id().map(str::to_string),
        };
        DeliveryKey {
            event: self.event.clone(),
            timestamp: self.timestamp,
            id,
        }
    }
}

/// The `id` of an unknown event's data, when it has one as a string.
fn unknown_id(raw: &RawValue) -> Option<String> {
    #[derive(Deserialize)]
    struct WithId {
        id: Option<String>,
    }
    serde_json::from_str::<WithId>(raw.get()).ok()?.id
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut envelope = serializer.serialize_struct("Event", 3)?;
        envelope.serialize_field("event", &self.event)?;
        envelope.serialize_field("timestamp", &self.timestamp)?;
        envelope.serialize_field("data", &self.data)?;
        envelope.end()
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct("Event", &["event", "timestamp", "data"], EnvelopeVisitor)
    }
}

struct EnvelopeVisitor;

/// The data as read so far: typed when the name came first, else the raw text to type later.
enum Data {
    Typed(EventData),
    Raw(Box<RawValue>),
}

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = Event;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TitanCard event: an object with event, timestamp and data")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Event, A::Error> {
        let mut event: Option<String> = None;
        let mut timestamp: Option<Timestamp> = None;
        let mut data: Option<Data> = None;
        while let Some(key) = map.next_key::<EnvelopeKey>()? {
            match key {
                EnvelopeKey::Event if event.is_some() => {
                    return Err(de::Error::duplicate_field("event"));
                }
                EnvelopeKey::Timestamp if timestamp.is_some() => {
                    return Err(de::Error::duplicate_field("timestamp"));
                }
                EnvelopeKey::Data if data.is_some() => {
                    return Err(de::Error::duplicate_field("data"));
                }
                EnvelopeKey::Event => event = Some(map.next_value()?),
                EnvelopeKey::Timestamp => timestamp = Some(map.next_value()?),
                EnvelopeKey::Data => {
                    let known = event
                        .as_deref()
                        .and_then(|name| name.parse::<EventKind>().ok());
                    data = Some(match known {
                        Some(kind) => Data::Typed(map.next_value_seed(DataOf(kind))?),
                        None => Data::Raw(map.next_value()?),
                    });
                }
                EnvelopeKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let event = event.ok_or_else(|| de::Error::missing_field("event"))?;
        let timestamp = timestamp.ok_or_else(|| de::Error::missing_field("timestamp"))?;
        let data = match data.ok_or_else(|| de::Error::missing_field("data"))? {
            Data::Typed(data) => data,
            Data::Raw(raw) => match event.parse::<EventKind>() {
                // `data` came before `event`: type it now, from the text kept.
                Ok(kind) => {
                    let mut reader = serde_json::Deserializer::from_str(raw.get());
                    DataOf(kind)
                        .deserialize(&mut reader)
                        .map_err(|err| de::Error::custom(format_args!("data: {err}")))?
                }
                Err(_) => {
                    if !raw.get().starts_with('{') {
                        return Err(de::Error::invalid_type(
                            de::Unexpected::Other("a non-object data"),
                            &"data as a JSON object",
                        ));
                    }
                    EventData::Unknown(raw)
                }
            },
        };
        Ok(Event {
            event,
            timestamp,
            data,
        })
    }
}

/// A key of the envelope.
enum EnvelopeKey {
    Event,
    Timestamp,
    Data,
    Other,
}

impl<'de> Deserialize<'de> for EnvelopeKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = EnvelopeKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<EnvelopeKey, E> {
                Ok(match key {
                    "event" => EnvelopeKey::Event,
                    "timestamp" => EnvelopeKey::Timestamp,
                    "data" => EnvelopeKey::Data,
                    _ => EnvelopeKey::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

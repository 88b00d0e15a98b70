//! The envelope's `event` and `timestamp` read from the first bytes of a body that is too large to
//! hold: the keys are taken as they come, and the parse stops wherever the bytes run out.

use std::fmt;

use serde::Deserializer as _;
use serde::de::{IgnoredAny, MapAccess, Visitor};

/// What the start of a body says about its envelope.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct EnvelopeHead {
    pub event: Option<String>,
    pub timestamp: Option<u64>,
}

/// Reads `event` and `timestamp` from the top level of the JSON object `bytes` starts with;
/// whatever comes after the point where the bytes run out (or stop being JSON) is unknown.
pub fn envelope_head(bytes: &[u8]) -> EnvelopeHead {
    let mut head = EnvelopeHead::default();
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    // The parse fails where the bytes are cut off; what was read by then is kept.
    let _ = deserializer.deserialize_map(HeadVisitor(&mut head));
    head
}

struct HeadVisitor<'h>(&'h mut EnvelopeHead);

impl<'de> Visitor<'de> for HeadVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "event" => self.0.event = map.next_value::<Option<String>>()?,
                "timestamp" => self.0.timestamp = map.next_value::<Option<u64>>()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if self.0.event.is_some() && self.0.timestamp.is_some() {
                // Nothing more is needed; the error this early stop causes is ignored.
                return Ok(());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_is_read_from_a_cut_off_body() {
        let body =
            br#"{"event":"note.added","timestamp":1705420800000,"data":{"note_content":"xxxx"#;
        assert_eq!(
            envelope_head(body),
            EnvelopeHead {
                event: Some("note.added".into()),
                timestamp: Some(1705420800000)
            }
        );
        let data_first = br#"{"data":{"a":1},"event":"card.created","timest"#;
        assert_eq!(
            envelope_head(data_first).event.as_deref(),
            Some("card.created")
        );
        assert_eq!(envelope_head(b"garbage"), EnvelopeHead::default());
    }
}

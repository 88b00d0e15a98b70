//! Keys that appear more than once in one JSON object. Parsed into a `Value`, only one of them
//! survives, silently; and receivers disagree on which one (Python's json, JavaScript's JSON.parse
//! and serde_json keep the last, others the first or refuse the document), so a payload with
//! duplicate keys means different things to different receivers (RFC 8259 §4: names SHOULD be
//! unique).

use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::json_pointer;
use crate::schema::Violation;

/// Every repeated key in `text`, as a violation at the key's JSON pointer, in document order
/// (each repeated key once). Text that is not JSON, or nested deeper than serde_json's recursion
/// limit, yields what was found before the point where parsing stopped.
pub fn find(text: &str) -> Vec<Violation> {
    let mut found = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let _ = Walker {
        pointer: String::new(),
        found: &mut found,
    }
    .deserialize(&mut deserializer);
    found
}

/// Walks one value, noting repeated keys under `pointer`.
struct Walker<'f> {
    pointer: String,
    found: &'f mut Vec<Violation>,
}

impl<'de> DeserializeSeed<'de> for Walker<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walker<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        let mut reported = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let pointer = json_pointer::child(&self.pointer, &key);
            if !seen.insert(key.clone()) && reported.insert(key.clone()) {
                self.found.push(Violation {
                    pointer: pointer.clone(),
                    message: format!(
                        "the key \"{key}\" appears more than once in this object; receivers \
                         disagree on which value wins (most keep the last): keep one"
                    ),
                });
            }
            map.next_value_seed(Walker {
                pointer,
                found: self.found,
            })?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            let walker = Walker {
                pointer: json_pointer::item(&self.pointer, index),
                found: self.found,
            };
            if seq.next_element_seed(walker)?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointers(text: &str) -> Vec<String> {
        find(text).into_iter().map(|v| v.pointer).collect()
    }

    #[test]
    fn repeated_keys_are_found_at_any_depth_once_each() {
        assert_eq!(
            pointers(r#"{"event":"a","event":"b","event":"c","data":{"x":1,"x":2}}"#),
            ["/event", "/data/x"]
        );
        assert_eq!(pointers(r#"[{"a":1},{"a/b":1,"a/b":2}]"#), ["/1/a~1b"]);
    }

    #[test]
    fn unique_keys_and_non_json_find_nothing() {
        assert!(pointers(r#"{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}"#).is_empty());
        assert!(pointers("not json").is_empty());
        assert!(pointers(&"[".repeat(100_000)).is_empty());
    }
}

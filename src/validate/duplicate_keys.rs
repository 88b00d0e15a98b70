//! Keys that appear more than once in one JSON object. Parsed into a `Value`, only one of them
//! survives, silently; and receivers disagree on which one (Python's json, JavaScript's JSON.parse
//! and serde_json keep the last, others the first or refuse the document), so a payload with
//! duplicate keys means different things to different receivers (RFC 8259 §4: names SHOULD be
//! unique).

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::json_pointer;
use crate::schema::Violation;

/// Every repeated key in `text`, as a violation at the key's JSON pointer, in document order
/// (each repeated key once). Text that is not JSON, or nested deeper than serde_json's recursion
/// limit, yields what was found before the point where parsing stopped.
///
/// `validate` walks every file with this besides parsing it, so the walk allocates little: keys
/// are borrowed from the text where they need no unescaping, and one pointer string grows and
/// shrinks as the walk goes down and up.
pub fn find(text: &str) -> Vec<Violation> {
    let mut found = Vec::new();
    let mut pointer = String::new();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let _ = Walker {
        pointer: &mut pointer,
        found: &mut found,
    }
    .deserialize(&mut deserializer);
    found
}

/// Walks one value, noting repeated keys under `pointer` (restored as it was when done).
struct Walker<'w> {
    pointer: &'w mut String,
    found: &'w mut Vec<Violation>,
}

impl<'de> DeserializeSeed<'de> for Walker<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// The keys of one object so far: a list while the object is small (no hashing), a set too once
/// it is large.
#[derive(Default)]
struct SeenKeys<'de> {
    list: Vec<Cow<'de, str>>,
    set: HashSet<Cow<'de, str>>,
}

/// Up to this many keys, a linear search is cheaper than hashing.
const LIST_KEYS: usize = 32;

impl<'de> SeenKeys<'de> {
    /// Notes `key`; `false` when it was seen before.
    fn insert(&mut self, key: &Cow<'de, str>) -> bool {
        if self.list.len() < LIST_KEYS {
            if self.list.contains(key) {
                return false;
            }
            self.list.push(key.clone());
            return true;
        }
        if self.set.is_empty() {
            self.set.extend(self.list.iter().cloned());
        }
        self.set.insert(key.clone())
    }
}

impl<'de> Visitor<'de> for Walker<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = SeenKeys::default();
        let mut reported = HashSet::new();
        let parent = self.pointer.len();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            json_pointer::push_key(self.pointer, &key);
            if !seen.insert(&key) && reported.insert(key.clone()) {
                self.found.push(Violation {
                    pointer: self.pointer.clone(),
                    message: format!(
                        "the key \"{key}\" appears more than once in this object; receivers \
                         disagree on which value wins (most keep the last): keep one"
                    ),
                });
            }
            let value = map.next_value_seed(Walker {
                pointer: self.pointer,
                found: self.found,
            });
            self.pointer.truncate(parent);
            value?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let parent = self.pointer.len();
        let mut index = 0usize;
        loop {
            json_pointer::push_index(self.pointer, index);
            let item = seq.next_element_seed(Walker {
                pointer: self.pointer,
                found: self.found,
            });
            self.pointer.truncate(parent);
            if item?.is_none() {
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

/// A key, borrowed from the text when it holds no escape.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_string()))
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
        // Escaped keys are compared unescaped.
        assert_eq!(
            pointers(r#"{"k":{"\u0061":1,"a":2},"z":[0,{"q":1,"q":2}]}"#),
            ["/k/a", "/z/1/q"]
        );
    }

    #[test]
    fn repeats_in_large_objects_are_found_past_the_list() {
        let mut keys: Vec<String> = (0..100)
            .map(|index| format!("\"k{index}\":{index}"))
            .collect();
        keys.push("\"k7\":0".into());
        keys.push("\"k99\":0".into());
        keys.push("\"k7\":1".into());
        assert_eq!(
            pointers(&format!("{{{}}}", keys.join(","))),
            ["/k7", "/k99"]
        );
    }

    #[test]
    fn unique_keys_and_non_json_find_nothing() {
        assert!(pointers(r#"{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}"#).is_empty());
        assert!(pointers("not json").is_empty());
        assert!(pointers(&"[".repeat(100_000)).is_empty());
    }
}

//! Keys that appear more than once in one JSON object. Parsed into a `Value`, only one of them
//! survives, silently; and receivers disagree on which one (Python's json, JavaScript's JSON.parse
//! and serde_json keep the last, others the first or refuse the document), so a payload with
//! duplicate keys means different things to different receivers (RFC 8259 §4: names SHOULD be
//! unique). `parse` reads a document once, giving its `Value` and its repeated keys together.

use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

use crate::json_pointer;
use crate::schema::Violation;

/// Parses `text` into the `Value` serde_json would give (a repeated key keeps its first place and
/// its last value), and finds every repeated key on the way, as a violation at the key's JSON
/// pointer, in document order (each repeated key once). Errors are serde_json's own, placed
/// alike.
///
/// One pass does both: `validate` parses every file, and a second walk of the text to look for
/// repeated keys cost nearly as much as the parse itself.
pub fn parse(text: &str) -> serde_json::Result<(Value, Vec<Violation>)> {
    let mut found = Vec::new();
    let mut pointer = String::new();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Builder {
        pointer: &mut pointer,
        found: &mut found,
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok((value, found))
}

/// Builds one value at `pointer` (restored as it was once the value is built), noting repeated
/// keys.
struct Builder<'b> {
    pointer: &'b mut String,
    found: &'b mut Vec<Violation>,
}

impl<'de> DeserializeSeed<'de> for Builder<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Builder<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        let mut reported = HashSet::new();
        let parent = self.pointer.len();
        while let Some(key) = map.next_key::<String>()? {
            json_pointer::push_key(self.pointer, &key);
            // A repeat is known once its value is in; its report goes before the value's own.
            let report_at = self.found.len();
            // On an error the whole parse fails, pointer and all: nothing to restore.
            let value = map.next_value_seed(Builder {
                pointer: self.pointer,
                found: self.found,
            })?;
            match object.entry(key) {
                Entry::Vacant(entry) => {
                    entry.insert(value);
                }
                Entry::Occupied(mut entry) => {
                    let key = entry.key();
                    if reported.insert(key.clone()) {
                        let violation = Violation {
                            pointer: self.pointer.clone(),
                            message: format!(
                                "the key \"{key}\" appears more than once in this object; \
                                 receivers disagree on which value wins (most keep the last): \
                                 keep one"
                            ),
                        };
                        self.found.insert(report_at, violation);
                    }
                    // The last value wins, in the first one's place.
                    entry.insert(value);
                }
            }
            self.pointer.truncate(parent);
        }
        Ok(Value::Object(object))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let parent = self.pointer.len();
        let mut items = Vec::new();
        loop {
            json_pointer::push_index(self.pointer, items.len());
            let item = seq.next_element_seed(Builder {
                pointer: self.pointer,
                found: self.found,
            })?;
            self.pointer.truncate(parent);
            match item {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        // As serde_json: a float JSON can hold is always finite.
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointers(text: &str) -> Vec<String> {
        let (_, found) = parse(text).unwrap();
        found.into_iter().map(|v| v.pointer).collect()
    }

    #[test]
    fn repeated_keys_are_found_at_any_depth_once_each_in_document_order() {
        assert_eq!(
            pointers(r#"{"event":"a","event":"b","event":"c","data":{"x":1,"x":2}}"#),
            ["/event", "/data/x"]
        );
        assert_eq!(
            pointers(r#"{"d":{"x":1},"d":{"y":1,"y":2},"e":1,"e":2}"#),
            ["/d", "/d/y", "/e"]
        );
        assert_eq!(pointers(r#"[{"a":1},{"a/b":1,"a/b":2}]"#), ["/1/a~1b"]);
        // Escaped keys are compared unescaped.
        assert_eq!(
            pointers(r#"{"k":{"\u0061":1,"a":2},"z":[0,{"q":1,"q":2}]}"#),
            ["/k/a", "/z/1/q"]
        );
    }

    #[test]
    fn unique_keys_find_nothing() {
        assert!(pointers(r#"{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}"#).is_empty());
    }

    #[test]
    fn the_value_and_the_errors_are_serde_jsons() {
        let mut texts: Vec<String> = std::fs::read_dir("crates/titancard-webhooks/samples")
            .unwrap()
            .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
            .collect();
        texts.extend(
            [
                r#"{"a":1,"b":[true,false,null,-1,1.5e300,18446744073709551615,-9223372036854775808],"a":{"c":"\u00e9\n\"x\""}}"#,
                r#"[[],{},"",0,-0.0,1e-7]"#,
                "  {\"k\": \"v\"}  ",
                r#"{"a":1} trailing"#,
                r#"{"a":1,}"#,
                r#"{"a":[1,2"#,
                "not json",
                "",
            ]
            .map(str::to_string),
        );
        texts.push("[".repeat(100_000));
        for text in &texts {
            let ours = parse(text).map(|(value, _)| value);
            match (ours, serde_json::from_str::<Value>(text)) {
                (Ok(ours), Ok(theirs)) => {
                    assert_eq!(ours, theirs, "{text}");
                    // The same order of keys, too.
                    assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
                }
                (Err(ours), Err(theirs)) => assert_eq!(ours.to_string(), theirs.to_string()),
                (ours, theirs) => panic!("{text}: {ours:?} against {theirs:?}"),
            }
        }
    }
}

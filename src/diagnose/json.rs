//! The ways a JSON body is commonly re-encoded: layouts (compact, Python's spacing, 2/4-space and
//! tab indents), key order (sorted, or TitanCard's own restored), `\uNNNN` escapes and escaped
//! slashes.

use std::io;

/// How a JSON candidate is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// No spaces at all (JSON.stringify, serde_json).
    Compact,
    /// `, ` and `: ` separators on one line (Python's json.dumps).
    Spaced,
    Indent2,
    Indent4,
    Tabs,
}

/// In which order an object's keys are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrder {
    /// As the value holds them.
    AsGiven,
    /// Sorted (jq -S, Python's sort_keys=True).
    Sorted,
    /// TitanCard's own: the order of the event's sample (the caller passes the value reordered).
    Catalogue,
}

/// One way of encoding the same JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonStyle {
    pub layout: Layout,
    pub key_order: KeyOrder,
    pub ascii_escaped: bool,
    pub escaped_slashes: bool,
}

impl JsonStyle {
    /// "compact JSON, keys sorted, non-ASCII as \uNNNN".
    pub fn describe(&self) -> String {
        let mut text = match self.layout {
            Layout::Compact => "compact JSON (no spaces)",
            Layout::Spaced => "one-line JSON with ', ' and ': ' separators (Python's json.dumps)",
            Layout::Indent2 => "pretty-printed JSON (2-space indent)",
            Layout::Indent4 => "pretty-printed JSON (4-space indent)",
            Layout::Tabs => "pretty-printed JSON (tab indent)",
        }
        .to_string();
        match self.key_order {
            KeyOrder::AsGiven => {}
            KeyOrder::Sorted => text.push_str(", keys sorted"),
            KeyOrder::Catalogue => text.push_str(", keys in TitanCard's order"),
        }
        if self.ascii_escaped {
            text.push_str(r", non-ASCII characters escaped as \uNNNN");
        }
        if self.escaped_slashes {
            text.push_str(r", slashes escaped as \/");
        }
        text
    }
}

/// Every combination of layout, key order (of `orders`) and escaping, most common first.
pub fn json_styles(orders: &'static [KeyOrder]) -> impl Iterator<Item = JsonStyle> {
    let layouts = [
        Layout::Compact,
        Layout::Indent2,
        Layout::Spaced,
        Layout::Indent4,
        Layout::Tabs,
    ];
    layouts.into_iter().flat_map(move |layout| {
        orders.iter().flat_map(move |&key_order| {
            (0..4u8).map(move |bits| JsonStyle {
                layout,
                key_order,
                ascii_escaped: bits & 1 != 0,
                escaped_slashes: bits & 2 != 0,
            })
        })
    })
}

/// `value` with every object's keys in the order `sample` has them (keys the sample lacks keep
/// their order, after the known ones): how TitanCard serialized a payload a receiver reordered.
pub fn in_sample_order(value: &serde_json::Value, sample: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match (value, sample) {
        (Value::Object(object), Value::Object(model)) => {
            let mut ordered = serde_json::Map::with_capacity(object.len());
            for (key, model_value) in model {
                if let Some(item) = object.get(key) {
                    ordered.insert(key.clone(), in_sample_order(item, model_value));
                }
            }
            for (key, item) in object {
                if !ordered.contains_key(key) {
                    ordered.insert(key.clone(), item.clone());
                }
            }
            Value::Object(ordered)
        }
        (Value::Array(items), Value::Array(model)) => match model.first() {
            Some(first) => Value::Array(items.iter().map(|i| in_sample_order(i, first)).collect()),
            None => value.clone(),
        },
        _ => value.clone(),
    }
}

/// Encodes `value` in `style`.
pub fn encode(value: &serde_json::Value, style: JsonStyle) -> io::Result<Vec<u8>> {
    let sorted;
    let value = if style.key_order == KeyOrder::Sorted {
        let mut copy = value.clone();
        copy.sort_all_objects();
        sorted = copy;
        &sorted
    } else {
        value
    };
    let mut out = Vec::new();
    let write = |out: &mut Vec<u8>, indent: Option<&[u8]>| -> io::Result<()> {
        use serde::Serialize;
        match indent {
            None => value.serialize(&mut serde_json::Serializer::new(out))?,
            Some(indent) => {
                let formatter = serde_json::ser::PrettyFormatter::with_indent(indent);
                value.serialize(&mut serde_json::Serializer::with_formatter(out, formatter))?
            }
        }
        Ok(())
    };
    match style.layout {
        Layout::Compact => write(&mut out, None)?,
        Layout::Indent2 => write(&mut out, Some(b"  "))?,
        Layout::Indent4 => write(&mut out, Some(b"    "))?,
        Layout::Tabs => write(&mut out, Some(b"\t"))?,
        Layout::Spaced => {
            use serde::Serialize;
            value.serialize(&mut serde_json::Serializer::with_formatter(
                &mut out, Spaced,
            ))?
        }
    }
    // '/' and non-ASCII characters can only occur inside JSON strings, so rewriting them in the
    // encoded text changes escaping only.
    if style.escaped_slashes {
        out = out
            .iter()
            .fold(Vec::with_capacity(out.len()), |mut acc, &b| {
                if b == b'/' {
                    acc.push(b'\\');
                }
                acc.push(b);
                acc
            });
    }
    if style.ascii_escaped {
        let text = String::from_utf8_lossy(&out);
        let mut escaped = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_ascii() {
                escaped.push(c);
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    escaped.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
        out = escaped.into_bytes();
    }
    Ok(out)
}

/// Python's `json.dumps` default separators: `, ` and `: `.
struct Spaced;

impl serde_json::ser::Formatter for Spaced {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
}

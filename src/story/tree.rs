//! A story file read as a tree of values that remember where they were written (the `toml`
//! crate's spans), so that every error can name its line and column; and the error type that
//! does so.

use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use toml::Spanned;

/// The key under which the `toml` crate hands a date-time to serde; its keys carry no span, so a
/// date fails to read as a spanned table, with this name in the message.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

/// What is said of a date in a story, which a payload has no use for.
const NO_DATES: &str = "a TOML date is not a payload value: webhook times are milliseconds since \
                        the epoch, such as 1705420800000";

/// A TOML value with the spans of its keys and values.
#[derive(Debug, Clone)]
pub enum Node {
    /// A string, number or boolean.
    Scalar(Value),
    Array(Vec<Spanned<Node>>),
    Table(Entries),
}

/// A table's keys and values, in the order written.
#[derive(Debug, Clone, Default)]
pub struct Entries(pub Vec<(Spanned<String>, Spanned<Node>)>);

impl Node {
    /// What a user would call this kind of value, for "expected a string, found …".
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Scalar(Value::String(_)) => "a string",
            Node::Scalar(Value::Bool(_)) => "a boolean",
            Node::Scalar(_) => "a number",
            Node::Array(_) => "an array",
            Node::Table(_) => "a table",
        }
    }

    /// The value as JSON.
    pub fn to_json(&self) -> Value {
        match self {
            Node::Scalar(value) => value.clone(),
            Node::Array(items) => items.iter().map(|item| item.get_ref().to_json()).collect(),
            Node::Table(entries) => Value::Object(
                entries
                    .0
                    .iter()
                    .map(|(key, value)| (key.get_ref().clone(), value.get_ref().to_json()))
                    .collect(),
            ),
        }
    }
}

fn entries<'de, A: MapAccess<'de>>(mut map: A) -> Result<Entries, A::Error> {
    let mut entries = Vec::new();
    while let Some(key) = map.next_key::<Spanned<String>>()? {
        entries.push((key, map.next_value::<Spanned<Node>>()?));
    }
    Ok(Entries(entries))
}

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TableVisitor;
        impl<'de> Visitor<'de> for TableVisitor {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Entries, A::Error> {
                entries(map)
            }
        }
        deserializer.deserialize_map(TableVisitor)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Scalar(value.into()))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Node, E> {
        Ok(Node::Scalar(value.into()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Node, E> {
        Ok(Node::Scalar(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Node, E> {
        // TOML allows nan and inf, which JSON cannot hold.
        serde_json::Number::from_f64(value)
            .map(|number| Node::Scalar(Value::Number(number)))
            .ok_or_else(|| E::custom("nan and inf are not JSON numbers"))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Node, E> {
        Ok(Node::Scalar(value.into()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Node, A::Error> {
        entries(map).map(Node::Table)
    }
}

/// A story's text and the name its errors go by (a path, or `built-in NAME`).
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
}

impl Source {
    /// Parses the whole text as a table of spanned values.
    pub fn parse(&self) -> Result<Entries, StoryError> {
        toml::from_str::<Entries>(&self.text).map_err(|err| {
            let span = err.span().unwrap_or(0..0);
            let message = match err.message().contains(TOML_DATETIME_KEY) {
                true => NO_DATES.to_string(),
                // The crate's messages end with a newline; one line is wanted.
                false => err.message().trim().to_string(),
            };
            self.error(span, None, message)
        })
    }

    /// 1-based line and column of a byte offset (columns count characters).
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..self.text.floor_char_boundary(offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |index| index + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// An error at `span`, in step `step` when given.
    pub fn error(&self, span: Range<usize>, step: Option<String>, message: String) -> StoryError {
        let (line, column) = self.line_column(span.start);
        StoryError {
            file: self.name.clone(),
            line,
            column,
            step,
            message,
        }
    }
}

/// What is wrong with a story, and where: `file:line:column: step N (event): message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct StoryError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// `step 2 (connection.tagged)`, when the error is inside a step.
    pub step: Option<String>,
    pub message: String,
}

impl fmt::Display for StoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if let Some(step) = &self.step {
            write!(f, "{step}: ")?;
        }
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        Source {
            name: "s.toml".into(),
            text: text.into(),
        }
    }

    #[test]
    fn keys_keep_their_order_and_their_place() {
        let text = source("b = 1\na = [\"x\", 2.5, true]\n[t]\nk = 1\n");
        let parsed = text.parse().unwrap();
        let keys: Vec<_> = parsed.0.iter().map(|(k, _)| k.get_ref().as_str()).collect();
        assert_eq!(keys, ["b", "a", "t"]);
        let (_, a) = &parsed.0[1];
        assert_eq!(a.get_ref().to_json(), serde_json::json!(["x", 2.5, true]));
        assert_eq!(text.line_column(a.span().start), (2, 5));
        let err = source("[[steps]]\nat = 1979-05-27\n").parse().unwrap_err();
        assert_eq!((err.line, err.column), (2, 6));
        assert!(
            err.message
                .starts_with("a TOML date is not a payload value"),
            "{err}"
        );
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let err = source("name = \"x\"\nsteps = [\n").parse().unwrap_err();
        assert_eq!((err.file.as_str(), err.line), ("s.toml", 2));
        assert!(err.to_string().starts_with("s.toml:2:"), "{err}");
        let err = source("a = 1\na = 2\n").parse().unwrap_err();
        assert!(err.to_string().contains("duplicate key"), "{err}");
    }
}

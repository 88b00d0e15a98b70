//! `${step.path}` references in a story's values: a value taken from an earlier step's payload.
//!
//! A string that is one reference and nothing else becomes the referenced value with its JSON
//! type (`"${contact.data.tags}"` is an array); a reference inside a longer string is written
//! into it as text (a string as itself, anything else as compact JSON). `$${` is a literal `${`.

use serde_json::Value;

use crate::payload::field_path::{FieldPath, parse_path};

/// One `${step.path}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The `as` name of the step referred to.
    pub step: String,
    /// The field in that step's payload.
    pub path: FieldPath,
    /// The reference as written, `${contact.data.id}`.
    pub text: String,
}

/// A piece of a string: text, or a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Ref(Reference),
}

const SHAPE: &str = "a reference is ${STEP.PATH}, such as ${contact.data.id}";

/// Splits a string into text and references.
fn pieces(text: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('$') {
        literal.push_str(&rest[..start]);
        let after = &rest[start..];
        if let Some(tail) = after.strip_prefix("$${") {
            literal.push_str("${");
            rest = tail;
        } else if let Some(tail) = after.strip_prefix("${") {
            let end = tail.find('}').ok_or_else(|| {
                format!("'{after}' has no closing '}}' ({SHAPE}; write $${{ for a literal ${{)")
            })?;
            if !literal.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut literal)));
            }
            pieces.push(Piece::Ref(reference(&tail[..end])?));
            rest = &tail[end + 1..];
        } else {
            literal.push('$');
            rest = &after[1..];
        }
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    Ok(pieces)
}

fn reference(inner: &str) -> Result<Reference, String> {
    let text = format!("${{{inner}}}");
    let Some((step, path)) = inner.trim().split_once('.') else {
        return Err(format!("'{text}' names no field: {SHAPE}"));
    };
    if step.is_empty() {
        return Err(format!("'{text}' names no step: {SHAPE}"));
    }
    let path = parse_path(path).map_err(|err| format!("'{text}': {err}"))?;
    Ok(Reference {
        step: step.to_string(),
        path,
        text,
    })
}

/// Every reference in a value, at any depth, in the order written.
pub fn collect(value: &Value) -> Result<Vec<Reference>, String> {
    let mut found = Vec::new();
    walk(value, &mut |text| {
        for piece in pieces(text)? {
            if let Piece::Ref(reference) = piece {
                found.push(reference);
            }
        }
        Ok(())
    })?;
    Ok(found)
}

fn walk(value: &Value, visit: &mut impl FnMut(&str) -> Result<(), String>) -> Result<(), String> {
    match value {
        Value::String(text) => visit(text),
        Value::Array(items) => items.iter().try_for_each(|item| walk(item, visit)),
        Value::Object(object) => object.values().try_for_each(|item| walk(item, visit)),
        _ => Ok(()),
    }
}

/// The value with every reference replaced by what `lookup` gives for it. Strings without a
/// reference are kept, `$${` turned into `${`.
pub fn resolve<E>(
    value: &Value,
    lookup: &mut impl FnMut(&Reference) -> Result<Value, E>,
) -> Result<Value, E>
where
    E: From<String>,
{
    Ok(match value {
        Value::String(text) => {
            let pieces = pieces(text)?;
            if let [Piece::Ref(reference)] = pieces.as_slice() {
                return lookup(reference);
            }
            let mut joined = String::new();
            for piece in pieces {
                match piece {
                    Piece::Text(text) => joined.push_str(&text),
                    Piece::Ref(reference) => match lookup(&reference)? {
                        Value::String(text) => joined.push_str(&text),
                        other => joined.push_str(&other.to_string()),
                    },
                }
            }
            Value::String(joined)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| resolve(item, lookup))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, item)| Ok((key.clone(), resolve(item, lookup)?)))
                .collect::<Result<_, E>>()?,
        ),
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lookup(reference: &Reference) -> Result<Value, String> {
        Ok(
            match (reference.step.as_str(), reference.path.text.as_str()) {
                ("contact", "data.id") => json!("j57abc"),
                ("contact", "data.tags") => json!(["a", "b"]),
                ("card", "data.total_views") => json!(3),
                other => return Err(format!("unexpected {other:?}")),
            },
        )
    }

    #[test]
    fn a_whole_string_keeps_the_type_and_a_part_is_text() {
        let resolved = resolve(
            &json!({
                "id": "${contact.data.id}",
                "tags": "${contact.data.tags}",
                "note": "views: ${card.data.total_views}, tags ${contact.data.tags}",
                "list": ["${card.data.total_views}", "x"],
                "literal": "cost $5, $${contact.data.id}",
            }),
            &mut lookup,
        )
        .unwrap();
        assert_eq!(
            resolved,
            json!({
                "id": "j57abc",
                "tags": ["a", "b"],
                "note": "views: 3, tags [\"a\",\"b\"]",
                "list": [3, "x"],
                "literal": "cost $5, ${contact.data.id}",
            })
        );
    }

    #[test]
    fn references_are_found_and_bad_ones_explained() {
        let found = collect(&json!(["${a.data.id}", {"k": "x ${b.data.tags[0]}"}])).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|r| (r.step.as_str(), r.text.as_str()))
            .collect();
        assert_eq!(names, [("a", "${a.data.id}"), ("b", "${b.data.tags[0]}")]);
        assert!(
            collect(&json!("${a.data.id"))
                .unwrap_err()
                .contains("no closing")
        );
        assert!(
            collect(&json!("${contact}"))
                .unwrap_err()
                .contains("names no field")
        );
        assert!(
            collect(&json!("${.data}"))
                .unwrap_err()
                .contains("names no step")
        );
        assert!(
            collect(&json!("${a.data..x}"))
                .unwrap_err()
                .contains("invalid path")
        );
        assert!(collect(&json!("$${a}")).unwrap().is_empty());
    }
}

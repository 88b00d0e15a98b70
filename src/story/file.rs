//! Reading a story file (TOML) into a `Story`: every key, event, path, duration, name and
//! `${…}` reference checked where it is written, so an error names its line, column and step.
//!
//! ```toml
//! name = "vip-onboarding"
//! [[steps]]
//! event = "connection.created"
//! as = "contact"
//! set = { "data.full_name" = "Ada Lovelace" }
//! [[steps]]
//! event = "connection.tagged"
//! set = { "data.tags_added" = ["vip"] }
//! after = "2s"
//! ```

use std::collections::HashMap;
use std::ops::Range;
use std::time::Duration;

use serde_json::Value;
use toml::Spanned;

use super::refs;
use super::tree::{Entries, Node, Source, StoryError};
use super::{Step, StepSet, StepUnset, Story};
use crate::events::{self, closest_of};
use crate::payload::field_path::parse_path;
use crate::payload::{self, SetField, value_from_text};

const STORY_KEYS: [&str; 3] = ["name", "description", "steps"];
const STEP_KEYS: [&str; 5] = ["event", "as", "set", "unset", "after"];

/// Reads `source` as a story; `default_name` names it when the file has no `name`.
pub fn parse(source: Source, default_name: &str) -> Result<Story, StoryError> {
    let table = source.parse()?;
    let mut name = None;
    let mut description = None;
    let mut steps = None;
    for (key, value) in &table.0 {
        match key.get_ref().as_str() {
            "name" => name = Some(string(&source, value, None)?),
            "description" => description = Some(string(&source, value, None)?),
            "steps" => steps = Some(value),
            other => return Err(unknown_key(&source, key, other, &STORY_KEYS, None)),
        }
    }
    let steps = steps.ok_or_else(|| {
        source.error(
            0..0,
            None,
            "no steps: a story is a list of [[steps]] tables, each with an event".to_string(),
        )
    })?;
    let Node::Array(items) = steps.get_ref() else {
        return Err(source.error(
            steps.span(),
            None,
            format!(
                "steps is {}: write each step as a [[steps]] table",
                steps.get_ref().kind()
            ),
        ));
    };
    if items.is_empty() {
        return Err(source.error(
            steps.span(),
            None,
            "no steps: add a [[steps]] table with an event".to_string(),
        ));
    }
    let mut parsed = Vec::new();
    for (index, item) in items.iter().enumerate() {
        parsed.push(step(&source, index + 1, item)?);
    }
    check_names(&source, &parsed)?;
    check_references(&source, &parsed)?;
    Ok(Story {
        name: name.unwrap_or_else(|| default_name.to_string()),
        description,
        steps: parsed,
        source,
    })
}

fn unknown_key(
    source: &Source,
    key: &Spanned<String>,
    name: &str,
    known: &[&str],
    step: Option<String>,
) -> StoryError {
    let hint = match closest_of(name, known.iter().copied()) {
        Some(near) => format!("did you mean {near}?"),
        None => format!("the keys are {}", known.join(", ")),
    };
    source.error(key.span(), step, format!("unknown key '{name}' ({hint})"))
}

fn string(
    source: &Source,
    value: &Spanned<Node>,
    step: Option<String>,
) -> Result<String, StoryError> {
    match value.get_ref() {
        Node::Scalar(Value::String(text)) => Ok(text.clone()),
        other => Err(source.error(
            value.span(),
            step,
            format!("expected a string, found {}", other.kind()),
        )),
    }
}

/// One `[[steps]]` table.
fn step(source: &Source, number: usize, item: &Spanned<Node>) -> Result<Step, StoryError> {
    let Node::Table(entries) = item.get_ref() else {
        return Err(source.error(
            item.span(),
            Some(format!("step {number}")),
            format!("expected a table, found {}", item.get_ref().kind()),
        ));
    };
    let (event, event_span) = event(source, number, item.span(), entries)?;
    let label = Some(format!("step {number} ({})", event.name));
    let mut step = Step {
        number,
        event,
        name: None,
        sets: Vec::new(),
        unsets: Vec::new(),
        after: Duration::ZERO,
        name_span: event_span.clone(),
        span: event_span,
    };
    for (key, value) in &entries.0 {
        let at = |message: String| source.error(value.span(), label.clone(), message);
        match key.get_ref().as_str() {
            "event" => {}
            "as" => {
                step.name = Some(string(source, value, label.clone())?);
                step.name_span = value.span();
            }
            "after" => {
                let text = string(source, value, label.clone())?;
                step.after = humantime::parse_duration(&text).map_err(|err| {
                    at(format!(
                        "after = \"{text}\" is not a duration such as 2s, 1m30s or 250ms ({err})"
                    ))
                })?;
            }
            "set" => {
                let Node::Table(table) = value.get_ref() else {
                    return Err(at(format!(
                        "set is {}: write a table such as set = {{ \"data.title\" = \"CTO\" }}",
                        value.get_ref().kind()
                    )));
                };
                let mut sets = Vec::new();
                flatten(source, &step, "", table, &mut sets)?;
                step.sets = sets;
            }
            "unset" => step.unsets = unsets(source, &step, value)?,
            other => return Err(unknown_key(source, key, other, &STEP_KEYS, label)),
        }
    }
    Ok(step)
}

/// The step's event, which every other message of the step names.
fn event(
    source: &Source,
    number: usize,
    span: Range<usize>,
    entries: &Entries,
) -> Result<(&'static events::EventSpec, Range<usize>), StoryError> {
    let label = Some(format!("step {number}"));
    let Some((_, value)) = entries.0.iter().find(|(key, _)| key.get_ref() == "event") else {
        return Err(source.error(
            span,
            label,
            "no event: add event = \"connection.created\" (or another of `titancard-wh events`)"
                .to_string(),
        ));
    };
    let name = string(source, value, label.clone())?;
    let spec = events::parse_event(&name).map_err(|err| source.error(value.span(), label, err))?;
    Ok((spec, value.span()))
}

/// `set`'s entries as paths and values; a table under a key adds to the path (TOML's dotted keys:
/// `data.title = "x"` and `"data.title" = "x"` are the same).
fn flatten(
    source: &Source,
    step: &Step,
    prefix: &str,
    table: &Entries,
    sets: &mut Vec<StepSet>,
) -> Result<(), StoryError> {
    for (key, value) in &table.0 {
        let path = if prefix.is_empty() {
            key.get_ref().clone()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        let at =
            |span: Range<usize>, message: String| source.error(span, Some(step.label()), message);
        let json = match value.get_ref() {
            Node::Table(inner) => {
                flatten(source, step, &path, inner, sets)?;
                continue;
            }
            // A string is read as `send --set` reads VALUE.
            Node::Scalar(Value::String(text)) => value_from_text(text),
            other => other.to_json(),
        };
        let path = parse_path(&path).map_err(|err| at(key.span(), err.to_string()))?;
        payload::check_path(step.event, &path).map_err(|err| at(key.span(), err.to_string()))?;
        refs::collect(&json).map_err(|err| at(value.span(), err))?;
        sets.push(StepSet {
            field: SetField { path, value: json },
            span: key.span(),
            value_span: value.span(),
        });
    }
    Ok(())
}

fn unsets(
    source: &Source,
    step: &Step,
    value: &Spanned<Node>,
) -> Result<Vec<StepUnset>, StoryError> {
    let at = |span: Range<usize>, message: String| source.error(span, Some(step.label()), message);
    let Node::Array(items) = value.get_ref() else {
        return Err(at(
            value.span(),
            "unset is a list of paths, such as unset = [\"data.phone\"]".to_string(),
        ));
    };
    items
        .iter()
        .map(|item| {
            let text = string(source, item, Some(step.label()))?;
            let path = parse_path(&text).map_err(|err| at(item.span(), err.to_string()))?;
            payload::check_path(step.event, &path)
                .map_err(|err| at(item.span(), err.to_string()))?;
            Ok(StepUnset {
                path,
                span: item.span(),
            })
        })
        .collect()
}

/// `as` names: a word (letters, digits, `_`, `-`, not starting with a digit), each used once.
fn check_names(source: &Source, steps: &[Step]) -> Result<(), StoryError> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for step in steps {
        let Some(name) = &step.name else { continue };
        let valid = name.starts_with(|ch: char| ch.is_ascii_alphabetic() || ch == '_')
            && name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-');
        let error = if !valid {
            Some(format!(
                "as = \"{name}\": a step name is a word of letters, digits, _ and - (such as \
                 contact), so that ${{{name}.data.id}} can refer to it"
            ))
        } else {
            seen.insert(name, step.number).map(|first| {
                format!("as = \"{name}\" already names step {first}: give each step its own name")
            })
        };
        if let Some(message) = error {
            return Err(source.error(step.name_span.clone(), Some(step.label()), message));
        }
    }
    Ok(())
}

/// Each `${name.path}` names an earlier step and a field its event has.
fn check_references(source: &Source, steps: &[Step]) -> Result<(), StoryError> {
    for step in steps {
        for set in &step.sets {
            let at =
                |message: String| source.error(set.value_span.clone(), Some(step.label()), message);
            let references = refs::collect(&set.field.value).map_err(&at)?;
            for reference in references {
                let target = steps
                    .iter()
                    .find(|other| other.name.as_deref() == Some(reference.step.as_str()));
                let target = match target {
                    None => return Err(at(unknown_step(&reference, steps))),
                    Some(target) if target.number == step.number => {
                        return Err(at(format!(
                            "{} refers to this step itself, a cycle: a step can use only earlier \
                             steps' payloads",
                            reference.text
                        )));
                    }
                    Some(target) if target.number > step.number => {
                        return Err(at(format!(
                            "{} refers to {} '{}', which comes later: a step can use only \
                             earlier steps' payloads",
                            reference.text,
                            target.label(),
                            reference.step
                        )));
                    }
                    Some(target) => target,
                };
                payload::check_path(target.event, &reference.path)
                    .map_err(|err| at(format!("{}: {err}", reference.text)))?;
            }
        }
    }
    Ok(())
}

fn unknown_step(reference: &refs::Reference, steps: &[Step]) -> String {
    let names: Vec<&str> = steps
        .iter()
        .filter_map(|step| step.name.as_deref())
        .collect();
    let hint = match closest_of(&reference.step, names.iter().copied()) {
        Some(near) => format!("did you mean {near}?"),
        None if names.is_empty() => {
            "no step has a name: add as = \"NAME\" to the step to refer to".to_string()
        }
        None => format!("the named steps are {}", names.join(", ")),
    };
    format!(
        "{}: no step is named '{}' ({hint})",
        reference.text, reference.step
    )
}

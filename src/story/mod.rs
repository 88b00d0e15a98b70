//! Stories: related events with shared, fresh ids, delivered in order or the way real senders
//! deliver them (shuffled, re-delivered, several at a time).
//!
//! A story is a list of steps, each an event with its overrides (`file`, the built-in ones in
//! `builtin`). `compose` turns it into payloads: fresh ids (`ids`), the links the reference
//! implies (`links`), `${step.path}` references (`refs`), times that increase step by step, each
//! payload checked against its schema. `plan` orders the deliveries, `deliver` sends them, `report`
//! shows the timeline and `out` writes the payloads as fixtures.
//!
//! Where the requests go and how they are signed (`WebhookUrl`, `Secret`) is decided by the
//! command; nothing here reads flags, files or the environment for it.

mod builtin;
mod compose;
pub mod deliver;
mod file;
mod ids;
mod links;
pub mod out;
pub mod plan;
mod refs;
pub mod report;
mod tree;

use std::ops::Range;
use std::path::PathBuf;
use std::time::Duration;

use crate::events::EventSpec;
use crate::payload::SetField;
use crate::payload::field_path::FieldPath;
pub use builtin::{BUILTINS, Builtin};
pub use compose::{Composed, compose};
pub use ids::{ALPHABET, Seed, fresh, shape};
pub use links::Kind;
use tree::Source;
pub use tree::StoryError;

/// A story, read and checked.
#[derive(Debug, Clone)]
pub struct Story {
    pub name: String,
    pub description: Option<String>,
    pub steps: Vec<Step>,
    /// The text it was read from, to place errors found later (when composing).
    source: Source,
}

/// One step: an event, its name for references, what it sets and unsets, and the wait before it.
#[derive(Debug, Clone)]
pub struct Step {
    /// 1-based, as messages and reports number steps.
    pub number: usize,
    pub event: &'static EventSpec,
    /// `as`: the name `${name.path}` refers to it by.
    pub name: Option<String>,
    pub sets: Vec<StepSet>,
    pub unsets: Vec<StepUnset>,
    /// `after`: the pause before the step is delivered, and the gap in its timestamp.
    pub after: Duration,
    /// Where the step's event is written.
    span: Range<usize>,
    /// Where its `as` name is written.
    name_span: Range<usize>,
}

impl Story {
    /// The story file's text.
    pub fn text(&self) -> &str {
        &self.source.text
    }
}

impl Step {
    /// The things the step's event carries, and whether it starts a new one of each
    /// (`connection.created` starts a contact; `connection.tagged` carries the latest).
    pub fn carries(&self) -> Vec<(Kind, bool)> {
        links::of(self.event.kind)
            .carries
            .iter()
            .map(|carry| (carry.kind, carry.opens))
            .collect()
    }

    /// `step 2 (connection.tagged)`, as every message about the step starts.
    pub fn label(&self) -> String {
        format!("step {} ({})", self.number, self.event.name)
    }
}

/// The things `event` carries and the data field that holds each one's id, in the order `links`
/// lists them (`reminder.created`: the contact in `connection_id`, then the reminder in `id`).
pub fn id_fields(event: &EventSpec) -> Vec<(Kind, &'static str)> {
    links::of(event.kind)
        .carries
        .iter()
        .map(|carry| (carry.kind, carry.id_field()))
        .collect()
}

/// One `set` entry: a path and a value (which may hold `${…}` references).
#[derive(Debug, Clone)]
pub struct StepSet {
    pub field: SetField,
    span: Range<usize>,
    value_span: Range<usize>,
}

/// One `unset` entry.
#[derive(Debug, Clone)]
pub struct StepUnset {
    pub path: FieldPath,
    span: Range<usize>,
}

/// What STORY names on the command line: a built-in story, or a story file.
#[derive(Debug, Clone)]
pub enum StorySource {
    Builtin(&'static Builtin),
    File(PathBuf),
}

impl std::str::FromStr for StorySource {
    type Err = String;

    /// A built-in name, or a path (it ends in `.toml`, holds a `/`, or exists); anything else is
    /// a mistyped built-in name, answered with the closest one.
    fn from_str(text: &str) -> Result<Self, String> {
        if let Some(builtin) = builtin::find(text) {
            return Ok(StorySource::Builtin(builtin));
        }
        let path = PathBuf::from(text);
        if text.ends_with(".toml") || text.contains(std::path::MAIN_SEPARATOR) || path.exists() {
            return Ok(StorySource::File(path));
        }
        let hint = match builtin::closest(text) {
            Some(near) => format!("did you mean {near}?"),
            None => format!(
                "the built-in stories are {}",
                BUILTINS
                    .iter()
                    .map(|builtin| builtin.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        Err(format!(
            "no story named '{text}' ({hint}); `titancard-wh story list` shows the built-in \
             stories, and a story file's name ends in .toml"
        ))
    }
}

impl StorySource {
    /// The file's path, for a story file.
    pub fn file(&self) -> Option<&PathBuf> {
        match self {
            StorySource::Builtin(_) => None,
            StorySource::File(path) => Some(path),
        }
    }

    /// The story's name when the story itself gives none: a built-in's name, a file's stem.
    pub fn default_name(&self) -> String {
        match self {
            StorySource::Builtin(builtin) => builtin.name.to_string(),
            StorySource::File(path) => path.file_stem().map_or_else(
                || "story".into(),
                |stem| stem.to_string_lossy().into_owned(),
            ),
        }
    }
}

/// Reads and checks the story. A story that cannot be read or has an error is an `Err` naming the
/// file, line, column and step.
pub fn load(source: &StorySource) -> anyhow::Result<Story> {
    match source {
        StorySource::Builtin(builtin) => Ok(file::parse(builtin.source(), builtin.name)
            .expect("the built-in stories parse (checked by story::tests)")),
        StorySource::File(path) => {
            let text = crate::input::read_text(path, "the story file ")?;
            let name = source.default_name();
            let file = Source {
                name: path.display().to_string(),
                text,
            };
            Ok(file::parse(file, &name)?)
        }
    }
}

#[cfg(test)]
mod tests;

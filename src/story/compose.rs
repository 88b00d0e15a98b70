//! From a story to its payloads: each step's event sample with its timestamp, the things it carries
//! (fresh ids, linked as `links` says), the user's `set` and `unset` with `${…}` resolved, and a
//! schema check. Nothing is sent unless every step composes.
//!
//! Order of precedence in a payload: the time fields, then the links, then what the user set.

use std::collections::HashMap;

use bytes::Bytes;
use rand::rngs::ChaCha8Rng;
use serde_json::{Map, Value};

use super::links::{self, Carry, Flow, Kind};
use super::refs::{self, Reference};
use super::{Seed, Step, Story, StoryError, ids};
use crate::events::EventSpec;
use crate::payload::field_path::{FieldPath, Segment};
use crate::payload::{self, Overrides, SetField};

/// How far ahead a reminder is scheduled when the story has no `reminder.due` for it: the
/// reference's sample schedules its reminder a day after it is made.
const REMINDER_LEAD_MS: u64 = 24 * 60 * 60 * 1000;

/// One step's payload, ready to sign.
#[derive(Debug, Clone)]
pub struct Composed {
    /// The step's number (1-based).
    pub step: usize,
    pub event: &'static EventSpec,
    /// The envelope timestamp.
    pub timestamp: u64,
    pub value: Value,
    /// The bytes sent: compact JSON in the sample's key order.
    pub body: Bytes,
    /// The ids of the things it carries: `contact=j57…`, `card=k57…`.
    pub ids: Vec<(Kind, String)>,
}

/// A thing a story carries from step to step: its attributes by name (`id`, `email`, `views`…).
type Thing = Map<String, Value>;

/// Composes every step of `story`: ids from `seed`, the first step at `start` (milliseconds) plus
/// its `after`, each next one later by its `after` (at least 1 ms).
pub fn compose(story: &Story, seed: Seed, start: u64) -> Result<Vec<Composed>, StoryError> {
    let mut composer = Composer {
        story,
        times: times(&story.steps, start),
        rng: seed.ids(),
        things: HashMap::new(),
        done: Vec::new(),
    };
    for index in 0..story.steps.len() {
        let composed = composer.step(index)?;
        composer.done.push(composed);
    }
    Ok(composer.done)
}

/// The timestamp of each step.
fn times(steps: &[Step], start: u64) -> Vec<u64> {
    let mut at = start;
    steps
        .iter()
        .enumerate()
        .map(|(index, step)| {
            let gap = u64::try_from(step.after.as_millis()).unwrap_or(u64::MAX);
            at = at.saturating_add(if index == 0 { gap } else { gap.max(1) });
            at
        })
        .collect()
}

struct Composer<'a> {
    story: &'a Story,
    times: Vec<u64>,
    rng: ChaCha8Rng,
    things: HashMap<Kind, Thing>,
    done: Vec<Composed>,
}

impl Composer<'_> {
    fn step(&mut self, index: usize) -> Result<Composed, StoryError> {
        let step = &self.story.steps[index];
        let links = links::of(step.event.kind);
        let time = self.times[index];
        let mut set: Vec<SetField> = links
            .times
            .iter()
            .map(|field| data_field(field, Value::from(time)))
            .collect();
        for carry in links.carries {
            if carry.opens || !self.things.contains_key(&carry.kind) {
                let thing = self.new_thing(carry.kind, index);
                self.things.insert(carry.kind, thing);
            }
            set.extend(written(carry, &self.things[&carry.kind]));
        }
        for user in &step.sets {
            let value = refs::resolve(&user.field.value, &mut |reference| self.lookup(reference))
                .map_err(|message| self.error(user.value_span.clone(), step, message))?;
            set.push(SetField {
                path: user.field.path.clone(),
                value,
            });
        }
        let overrides = Overrides {
            timestamp: Some(time),
            set,
            unset: step.unsets.iter().map(|unset| unset.path.clone()).collect(),
        };
        let mut value = payload::build(step.event, &overrides).map_err(|err| {
            let span = err
                .path()
                .and_then(|path| self.span_of(step, path))
                .unwrap_or_else(|| step.span.clone());
            self.error(span, step, err.to_string())
        })?;
        if step.event.name == "connection.tagged" && !touches(step, "tags") {
            tags_after_change(&mut value, self.things.get(&Kind::Contact));
        }
        for carry in links.carries {
            if let Some(thing) = self.things.get_mut(&carry.kind) {
                read_back(carry, &value, thing);
            }
        }
        if let Some(list) = payload::violations(&value) {
            let message = format!("the payload does not match its schema:{list}");
            return Err(self.error(step.span.clone(), step, message));
        }
        Ok(Composed {
            step: step.number,
            event: step.event,
            // A `set` of `timestamp` wins, as everywhere.
            timestamp: value["timestamp"].as_u64().unwrap_or(time),
            body: Bytes::from(payload::to_bytes(&value)),
            ids: links
                .carries
                .iter()
                .filter_map(|carry| {
                    let id = value["data"][carry.id_field()].as_str()?;
                    Some((carry.kind, id.to_string()))
                })
                .collect(),
            value,
        })
    }

    /// A new thing of `kind` first carried by step `index`: a fresh id, and its starting state.
    fn new_thing(&mut self, kind: Kind, index: usize) -> Thing {
        let mut thing = Thing::new();
        thing.insert("id".into(), ids::fresh(kind, &mut self.rng).into());
        match kind {
            Kind::Card => {
                thing.insert("views".into(), 0.into());
                thing.insert("shares".into(), 0.into());
            }
            Kind::Reminder => {
                thing.insert("scheduled_for".into(), self.due_time(index).into());
            }
            Kind::Contact | Kind::Note => {}
        }
        thing
    }

    /// When a reminder first carried by step `index` is due: the time of its `reminder.due` (this
    /// step, or the next one before another reminder is created), else a day later.
    fn due_time(&self, index: usize) -> u64 {
        let steps = &self.story.steps;
        (index..steps.len())
            .take_while(|&later| later == index || steps[later].event.name != "reminder.created")
            .find(|&later| steps[later].event.name == "reminder.due")
            .map_or(self.times[index] + REMINDER_LEAD_MS, |due| self.times[due])
    }

    /// The value a `${step.path}` refers to, in the payload of that (earlier) step.
    fn lookup(&self, reference: &Reference) -> Result<Value, String> {
        let target = self
            .story
            .steps
            .iter()
            .zip(&self.done)
            .find(|(step, _)| step.name.as_deref() == Some(reference.step.as_str()));
        let Some((step, composed)) = target else {
            return Err(format!(
                "{}: no earlier step is named '{}'",
                reference.text, reference.step
            ));
        };
        payload::get(step.event, &composed.value, &reference.path)
            .map_err(|err| format!("{}: {err}", reference.text))
    }

    /// Where the user wrote the set or unset of `path`.
    fn span_of(&self, step: &Step, path: &str) -> Option<std::ops::Range<usize>> {
        let set = step.sets.iter().find(|set| set.field.path.text == path);
        let unset = step.unsets.iter().find(|unset| unset.path.text == path);
        set.map(|set| set.span.clone())
            .or_else(|| unset.map(|unset| unset.span.clone()))
    }

    fn error(&self, span: std::ops::Range<usize>, step: &Step, message: String) -> StoryError {
        self.story.source.error(span, Some(step.label()), message)
    }
}

/// `data.FIELD = value`.
fn data_field(field: &str, value: Value) -> SetField {
    SetField {
        path: FieldPath {
            text: format!("data.{field}"),
            segments: vec![Segment::Key("data".into()), Segment::Key(field.into())],
        },
        value,
    }
}

/// What a thing writes into a payload that carries it.
fn written(carry: &Carry, thing: &Thing) -> Vec<SetField> {
    carry
        .links
        .iter()
        .filter_map(|link| {
            let value = match link.flow {
                Flow::Both | Flow::In => thing.get(link.attr)?.clone(),
                Flow::Count => {
                    let count = thing.get(link.attr).and_then(Value::as_u64).unwrap_or(0);
                    Value::from(count + 1)
                }
                Flow::Out => return None,
            };
            Some(data_field(link.field, value))
        })
        .collect()
}

/// What a payload tells about the thing it carries, when it is about that thing (it carries its
/// id; a step the user pointed at another id leaves the thing alone).
fn read_back(carry: &Carry, payload: &Value, thing: &mut Thing) {
    let data = &payload["data"];
    if data.get(carry.id_field()) != thing.get("id") && !carry.opens {
        return;
    }
    for link in carry.links {
        if matches!(link.flow, Flow::Both | Flow::Out | Flow::Count)
            && let Some(value) = data.get(link.field)
        {
            thing.insert(link.attr.to_string(), value.clone());
        }
    }
}

/// Whether the user set or unset `data.FIELD` or anything inside it.
fn touches(step: &Step, field: &str) -> bool {
    let inside = |path: &FieldPath| matches!(path.segments.as_slice(), [Segment::Key(data), Segment::Key(key), ..] if data == "data" && key == field);
    step.sets.iter().any(|set| inside(&set.field.path))
        || step.unsets.iter().any(|unset| inside(&unset.path))
}

/// `connection.tagged`'s `tags`: the contact's tags without `tags_removed`, with `tags_added` in
/// front (as the reference's sample shows: `["vip", "conference", "product"]` after adding vip).
fn tags_after_change(payload: &mut Value, contact: Option<&Thing>) {
    let data = &payload["data"];
    let list = |value: Option<&Value>| -> Vec<Value> {
        value.and_then(Value::as_array).cloned().unwrap_or_default()
    };
    let base = match contact.and_then(|thing| thing.get("tags")) {
        Some(tags) => list(Some(tags)),
        None => list(data.get("tags")),
    };
    let added = list(data.get("tags_added"));
    let removed = list(data.get("tags_removed"));
    let mut tags: Vec<Value> = added
        .iter()
        .filter(|tag| !base.contains(tag))
        .cloned()
        .collect();
    tags.extend(base.into_iter().filter(|tag| !removed.contains(tag)));
    payload["data"]["tags"] = Value::Array(tags);
}

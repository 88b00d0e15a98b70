//! The bodies an export sends: each selected event's payload (`send`) or each step of a story,
//! as a `Template` whose holes are the fresh ids and the times.
//!
//! Each is built twice, with other fresh ids and another base time, and cut from the first build;
//! the second build must then be the template filled with the second's ids and base, byte for
//! byte. So a value that only looks like an id or a time (a user's `--set`) can never be turned
//! into a hole unnoticed, and what the exported file sends is what titancard-wh itself would.

use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::Value;

use super::template::Template;
use crate::events::EventSpec;
use crate::payload::field_path::{FieldPath, parse_path};
use crate::payload::{self, Overrides, SetField};
use crate::story::{self, Kind, Seed, Story};

/// The base time of the first build: the year 2065, far from every sample's and user's time.
const FIRST_BASE: u64 = 3_000_000_000_000;
/// The base time of the second build.
const SECOND_BASE: u64 = 3_500_000_000_000;
/// How far past a story's last step its times may reach: a reminder with no `reminder.due` is due
/// a day after it is made (see `story::compose`); two days leave room.
const STORY_MARGIN_MS: u64 = 2 * 24 * 60 * 60 * 1000;

/// The fresh ids of one build, each with the kind of thing it names.
type Things = Vec<(Kind, String)>;

/// A fresh id drawn per delivery (`send`) or per walk of a story: its name in the templates, and
/// the kind of thing whose id it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub name: String,
    pub kind: Kind,
}

/// One event of `send --export`: its payload with `--set`/`--unset` applied, as a template.
#[derive(Debug, Clone)]
pub struct EventBody {
    pub spec: &'static EventSpec,
    /// The fresh ids of one delivery; `Part::Id(n)` is `slots[n]`.
    pub slots: Vec<Slot>,
    pub body: Template,
}

/// One step of a story export.
#[derive(Debug, Clone)]
pub struct StepBody {
    /// 1-based.
    pub number: usize,
    pub event: &'static EventSpec,
    /// The pause before its first delivery (`after`).
    pub after: Duration,
    pub body: Template,
}

/// A story's steps as templates, and the fresh ids one walk of it draws.
#[derive(Debug, Clone)]
pub struct StoryBodies {
    /// `Part::Id(n)` of every step is `slots[n]`.
    pub slots: Vec<Slot>,
    pub steps: Vec<StepBody>,
}

/// The payload `send` builds for `spec` with the user's `set` and `unset`, each of the event's
/// ids fresh (unless the user sets it), the envelope timestamp a hole; checked against the
/// schema when `validate`.
pub fn event_body(
    spec: &'static EventSpec,
    set: &[SetField],
    unset: &[FieldPath],
    validate: bool,
) -> anyhow::Result<EventBody> {
    let build = |seed: u64, base: u64| -> anyhow::Result<(Vec<u8>, Things)> {
        let mut rng = Seed(seed).ids();
        let mut ids = Vec::new();
        let mut sets = Vec::new();
        for (kind, field) in story::id_fields(spec) {
            let id = story::fresh(kind, &mut rng);
            sets.push(SetField {
                path: parse_path(&format!("data.{field}"))
                    .expect("the catalogue's id fields are plain keys"),
                value: Value::from(id.clone()),
            });
            ids.push((kind, id));
        }
        // The user's sets come after the fresh ids, so a set id wins, as every set does.
        sets.extend(set.iter().cloned());
        let overrides = Overrides {
            timestamp: Some(base),
            set: sets,
            unset: unset.to_vec(),
        };
        let value = payload::build(spec, &overrides)?;
        if validate {
            payload::check_valid(&value, spec.name)?;
        }
        Ok((payload::to_bytes(&value), ids))
    };
    let (first, first_ids) = build(1, FIRST_BASE)?;
    let (second, second_ids) = build(2, SECOND_BASE)?;
    let slots: Vec<Slot> = first_ids
        .iter()
        .map(|(kind, _)| Slot {
            name: kind.label().to_string(),
            kind: *kind,
        })
        .collect();
    let first_ids: Vec<String> = first_ids.into_iter().map(|(_, id)| id).collect();
    let second_ids: Vec<String> = second_ids.into_iter().map(|(_, id)| id).collect();
    let body = checked_cut(&first, &first_ids, &second, &second_ids, 0)
        .with_context(|| format!("cannot export {}", spec.name))?;
    // Only the ids the body still holds (a set or unset id is no longer fresh).
    let (slots, body) = keep_used(slots, body, &first_ids, &second, &second_ids)?;
    Ok(EventBody { spec, slots, body })
}

/// Every step of `story`, composed as `story` composes it, as templates sharing one walk's ids.
pub fn story_bodies(story: &Story) -> anyhow::Result<StoryBodies> {
    let first = story::compose(story, Seed(1), FIRST_BASE)?;
    let second = story::compose(story, Seed(2), SECOND_BASE)?;
    let things = |composed: &[story::Composed]| {
        let mut seen: Things = Vec::new();
        for step in composed {
            for thing in &step.ids {
                if !seen.contains(thing) {
                    seen.push(thing.clone());
                }
            }
        }
        seen
    };
    let (first_things, second_things) = (things(&first), things(&second));
    if first_things.len() != second_things.len() {
        bail!(
            "cannot export story {}: its ids differ from build to build",
            story.name
        );
    }
    let mut slots = Vec::new();
    let (mut first_ids, mut second_ids) = (Vec::new(), Vec::new());
    for ((kind, a), (_, b)) in first_things.iter().zip(&second_things) {
        // The same id in both builds is the user's own, not a fresh one.
        if a == b {
            continue;
        }
        let count = slots
            .iter()
            .filter(|slot: &&Slot| slot.kind == *kind)
            .count();
        let name = match count {
            0 => kind.label().to_string(),
            n => format!("{}_{}", kind.label(), n + 1),
        };
        slots.push(Slot { name, kind: *kind });
        first_ids.push(a.clone());
        second_ids.push(b.clone());
    }
    let last = first
        .iter()
        .map(|step| step.timestamp.saturating_sub(FIRST_BASE))
        .max()
        .unwrap_or(0);
    let span = last.saturating_add(STORY_MARGIN_MS);
    let mut steps = Vec::new();
    for ((composed, again), step) in first.iter().zip(&second).zip(&story.steps) {
        let body = checked_cut(&composed.body, &first_ids, &again.body, &second_ids, span)
            .with_context(|| format!("cannot export story {}, {}", story.name, step.label()))?;
        steps.push(StepBody {
            number: step.number,
            event: step.event,
            after: step.after,
            body,
        });
    }
    Ok(StoryBodies { slots, steps })
}

/// Cuts `first` and checks the cut against `second`.
fn checked_cut(
    first: &[u8],
    first_ids: &[String],
    second: &[u8],
    second_ids: &[String],
    span: u64,
) -> anyhow::Result<Template> {
    let template = Template::cut(first, first_ids, FIRST_BASE, span);
    if template.render(second_ids, SECOND_BASE) != second {
        bail!(
            "a value of its payload looks like one of its fresh ids or times but is not one \
             (a --set value near the year 2065?)"
        );
    }
    Ok(template)
}

/// Drops the slots `body` no longer uses, renumbering its holes (checked again).
fn keep_used(
    slots: Vec<Slot>,
    body: Template,
    first_ids: &[String],
    second: &[u8],
    second_ids: &[String],
) -> anyhow::Result<(Vec<Slot>, Template)> {
    let used = body.slots();
    if used.len() == slots.len() {
        return Ok((slots, body));
    }
    let pick = |ids: &[String]| -> Vec<String> { used.iter().map(|n| ids[*n].clone()).collect() };
    let kept: Vec<Slot> = used.iter().map(|n| slots[*n].clone()).collect();
    let first = body.render(first_ids, FIRST_BASE);
    let body = checked_cut(&first, &pick(first_ids), second, &pick(second_ids), 0)?;
    Ok((kept, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::find;
    use crate::export::template::Part;
    use crate::story::StorySource;

    fn sets(list: &[&str]) -> Vec<SetField> {
        list.iter().map(|text| text.parse().unwrap()).collect()
    }

    #[test]
    fn an_event_gets_a_fresh_id_per_thing_it_carries_and_a_timestamp_hole() {
        let body = event_body(find("reminder.created").unwrap(), &[], &[], true).unwrap();
        let names: Vec<&str> = body.slots.iter().map(|slot| slot.name.as_str()).collect();
        assert_eq!(names, ["contact", "reminder"]);
        assert_eq!(body.body.offsets(), [0].into());
        let text = String::from_utf8(
            body.body
                .render(&["j57aaaaaaaaa".into(), "r89bbbbbbbbbbb".into()], 42),
        )
        .unwrap();
        assert!(
            text.starts_with(r#"{"event":"reminder.created","timestamp":42,"data":{"id":"r89bbbbbbbbbbb","connection_id":"j57aaaaaaaaa","#),
            "{text}"
        );
        // The reminder's own times are the sample's, as `send` leaves them.
        assert!(text.contains(r#""scheduled_for":1705507200000"#), "{text}");
    }

    #[test]
    fn a_set_id_stays_the_users_and_other_sets_apply() {
        let body = event_body(
            find("connection.created").unwrap(),
            &sets(&["data.id=mine", "data.title=CTO"]),
            &[],
            true,
        )
        .unwrap();
        assert!(body.slots.is_empty());
        let text = String::from_utf8(body.body.render(&[], 7)).unwrap();
        assert!(text.contains(r#""id":"mine""#) && text.contains(r#""title":"CTO""#));
    }

    #[test]
    fn a_set_that_looks_like_a_time_is_refused_rather_than_turned_into_a_hole() {
        let err = event_body(
            find("card.deleted").unwrap(),
            &sets(&["data.deleted_at=3000000000000"]),
            &[],
            true,
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("looks like one of its fresh ids or times"));
    }

    #[test]
    fn an_invalid_payload_is_refused_unless_not_validated() {
        let bad = sets(&["data.total_views=\"many\""]);
        let spec = find("card.viewed").unwrap();
        assert!(event_body(spec, &bad, &[], true).is_err());
        assert!(event_body(spec, &bad, &[], false).is_ok());
    }

    #[test]
    fn a_story_shares_one_walks_ids_and_keeps_its_times_relative() {
        let story = story::load(&"contact-lifecycle".parse::<StorySource>().unwrap()).unwrap();
        let bodies = story_bodies(&story).unwrap();
        let names: Vec<&str> = bodies.slots.iter().map(|slot| slot.name.as_str()).collect();
        assert_eq!(names, ["contact", "note", "reminder"]);
        assert_eq!(bodies.steps.len(), 9);
        for step in &bodies.steps {
            assert!(
                step.body.slots().contains(&0),
                "step {} carries the contact",
                step.number
            );
        }
        // reminder.due is due when reminder.created scheduled it: one hole, the same offset.
        let scheduled = |step: &StepBody| {
            let parts = step.body.parts();
            let at = parts
                .iter()
                .position(|part| matches!(part, Part::Literal(bytes) if bytes.ends_with(b"\"scheduled_for\":")))
                .unwrap();
            parts[at + 1].clone()
        };
        assert_eq!(scheduled(&bodies.steps[3]), scheduled(&bodies.steps[4]));
        let first: Vec<u64> = bodies
            .steps
            .iter()
            .map(|s| *s.body.offsets().first().unwrap())
            .collect();
        assert!(first.windows(2).all(|pair| pair[0] < pair[1]), "{first:?}");
    }
}

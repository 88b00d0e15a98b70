//! The locustfile: plain Python that Locust (MIT, PyPI) runs standalone, as a master or as its
//! workers, and that needs nothing but `pip install locust`.
//!
//! The file is `head.py` (what every export shares: the secret from the environment, signing,
//! the explainer's tables, judging answers) and then `send.py` (deliveries mixed by weight) or
//! `story.py` (each user walking a story), embedded here and filled in by the code below. Each
//! `{{NAME}}` of them is replaced once; a test checks that none is left.

use std::fmt::Write;
use std::time::Duration;

use super::answers::{no_answer_cases, status_ranges};
use super::bodies::{EventBody, Slot, StoryBodies};
use super::python::{
    bytes_literal, class_name, python_seconds, str_literal, times_tuple, wrap, wrapped_str_literal,
};
use crate::contract::SCHEME_PREFIX;
use crate::headers::Headers;
use crate::story::{ALPHABET, Kind, shape};
use crate::wire::webhook_headers;

const HEAD: &str = include_str!("head.py");
const SEND: &str = include_str!("send.py");
const STORY: &str = include_str!("story.py");

/// What every export states: who wrote it, with which command, and how requests go out.
#[derive(Debug, Clone)]
pub struct Common {
    /// titancard-wh's version.
    pub version: String,
    /// The command line that wrote the file, as it can be typed again.
    pub command: String,
    /// The file's name, for the run example (`locustfile.py` when written to stdout).
    pub file: String,
    /// The deadline of an answer.
    pub timeout: Duration,
    /// Where it comes from, in words (`the reference's 30 s`, `--timeout`).
    pub timeout_origin: String,
    /// `--header` values, set over the reference's four as `send` sets them.
    pub extra_headers: Vec<(String, String)>,
}

/// One event of a `send` export and its weight.
#[derive(Debug, Clone)]
pub struct Weighted {
    pub body: EventBody,
    pub weight: u32,
}

/// A story export.
#[derive(Debug, Clone)]
pub struct StoryExport {
    pub name: String,
    pub description: Option<String>,
    pub bodies: StoryBodies,
    pub shuffle: bool,
    /// `--duplicates` as given, and the number of steps it re-delivers per walk.
    pub duplicates_fraction: f64,
    pub duplicates: usize,
}

/// The locustfile of `send EVENT… --export locust`.
pub fn send_file(common: &Common, events: &[Weighted]) -> String {
    let names: Vec<String> = events
        .iter()
        .map(|event| format!("{} (weight {})", event.body.spec.name, event.weight))
        .collect();
    let title = match events {
        [one] => format!(
            "Locust load test of TitanCard webhooks: {} deliveries.",
            one.body.spec.name
        ),
        _ => format!(
            "Locust load test of TitanCard webhooks: {} events mixed by weight.",
            events.len()
        ),
    };
    let what = wrap(&format!(
        "Each Locust user sends one delivery after another, each event chosen by its weight: {}.",
        names.join(", ")
    ));
    let mut deliveries = String::new();
    let mut tasks = String::new();
    for event in events {
        let spec = event.body.spec;
        let constant = spec.name.replace('.', "_").to_uppercase();
        let slot_names: Vec<String> = event
            .body
            .slots
            .iter()
            .map(|slot| slot.name.clone())
            .collect();
        let ids: Vec<String> = event
            .body
            .slots
            .iter()
            .map(|slot| format!("{}: {}", str_literal(&slot.name), shape_constant(slot.kind)))
            .collect();
        let fresh = if slot_names.is_empty() {
            "no fresh id (set by --set)".to_string()
        } else {
            format!("a fresh {}", slot_names.join(" and "))
        };
        let _ = write!(
            deliveries,
            "\n# {}: {fresh} for each delivery, the envelope's timestamp its time.\n\
             {constant} = Delivery(\n    {},\n    times={},\n    ids={{{}}},\n    body=(\n        {}\n    ),\n)\n",
            spec.name,
            str_literal(spec.name),
            times_tuple(&event.body.body.offsets()),
            ids.join(", "),
            bytes_literal(&event.body.body, &slot_names, 8),
        );
        let _ = write!(
            tasks,
            "\n    @task({})\n    def {}(self):\n        self.deliver({constant})\n",
            event.weight,
            spec.name.replace('.', "_"),
        );
    }
    let used: Vec<Kind> = events
        .iter()
        .flat_map(|event| event.body.slots.iter().map(|slot| slot.kind))
        .collect();
    let head = fill_head(common, &title, &what, "", &used);
    let body = fill(
        SEND,
        &[
            (
                "DELIVERIES",
                deliveries.trim_start_matches('\n').trim_end().to_string(),
            ),
            ("CLASS", "TitanCardDeliveries".to_string()),
            ("TASKS", tasks.trim_end().to_string()),
        ],
    );
    format!("{head}{body}\n")
}

/// The locustfile of `story STORY --export locust`.
pub fn story_file(common: &Common, story: &StoryExport) -> String {
    let title = format!(
        "Locust load test of TitanCard webhooks: every user walks the story {}.",
        story.name
    );
    let mut what = format!(
        "Each Locust user walks the story {} again and again, in story order{}, each walk with its own fresh ids ({}), the same in every step that carries them, and times counted from the walk's start.",
        story.name,
        if story.shuffle {
            " shuffled anew for each walk"
        } else {
            ""
        },
        story
            .bodies
            .slots
            .iter()
            .map(|slot| slot.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    if let Some(description) = &story.description {
        what = format!("{}: {description}.\n\n{what}", story.name);
    }
    let slot_names: Vec<String> = story
        .bodies
        .slots
        .iter()
        .map(|slot| slot.name.clone())
        .collect();
    let mut steps = String::new();
    for step in &story.bodies.steps {
        let _ = write!(
            steps,
            "    (\n        {},\n        {},\n        Delivery(\n            {},\n            times={},\n            body=(\n                {}\n            ),\n        ),\n    ),\n",
            step.number,
            python_seconds(step.after),
            str_literal(step.event.name),
            times_tuple(&step.body.offsets()),
            bytes_literal(&step.body, &slot_names, 16),
        );
    }
    let walk_ids: Vec<String> = story
        .bodies
        .slots
        .iter()
        .map(|slot| {
            format!(
                "    {}: {},",
                str_literal(&slot.name),
                shape_constant(slot.kind)
            )
        })
        .collect();
    let used: Vec<Kind> = story.bodies.slots.iter().map(|slot| slot.kind).collect();
    let head = fill_head(common, &title, &wrap(&what), " --stop-timeout 5s", &used);
    let body = fill(
        STORY,
        &[
            ("STORY_NAME", str_literal(&story.name)),
            ("STEPS", steps.trim_end().to_string()),
            ("WALK_IDS", walk_ids.join("\n")),
            (
                "SHUFFLE",
                if story.shuffle { "True" } else { "False" }.to_string(),
            ),
            ("DUPLICATES_FRACTION", story.duplicates_fraction.to_string()),
            ("DUPLICATES", story.duplicates.to_string()),
            ("CLASS", class_name(&story.name)),
            ("THINGS", things(&story.bodies.slots)),
        ],
    );
    format!("{head}{body}\n")
}

/// `head.py` filled in.
fn fill_head(common: &Common, title: &str, what: &str, run_flags: &str, kinds: &[Kind]) -> String {
    let mut shapes = String::new();
    for kind in [Kind::Contact, Kind::Card, Kind::Reminder, Kind::Note] {
        if kinds.contains(&kind) {
            let shape = shape(kind);
            let _ = writeln!(
                shapes,
                "{} = ({}, {})",
                shape_constant(kind),
                str_literal(&shape.prefix),
                shape.len
            );
        }
    }
    let answers: Vec<String> = status_ranges()
        .iter()
        .map(|range| {
            format!(
                "    (\n        {},\n        {},\n        {},\n        {},\n    ),",
                range.first,
                range.last,
                str_literal(range.kind),
                wrapped_str_literal(&range.message, 8)
            )
        })
        .collect();
    let no_answer: Vec<String> = no_answer_cases()
        .iter()
        .map(|(case, kind, message)| {
            format!(
                "    {}: (\n        {},\n        {},\n    ),",
                str_literal(case),
                str_literal(kind),
                wrapped_str_literal(message, 8)
            )
        })
        .collect();
    fill(
        HEAD,
        &[
            ("TITLE", title.to_string()),
            ("VERSION", common.version.clone()),
            ("COMMAND", common.command.clone()),
            ("FILE", common.file.clone()),
            ("RUN_FLAGS", run_flags.to_string()),
            ("WHAT", what.to_string()),
            ("SCHEME", str_literal(SCHEME_PREFIX)),
            (
                "ID_ALPHABET",
                String::from_utf8_lossy(ALPHABET).into_owned(),
            ),
            ("ID_SHAPES", shapes.trim_end().to_string()),
            ("ANSWERS", answers.join("\n")),
            ("NO_ANSWER", no_answer.join("\n")),
            (
                "HEADERS_WHAT",
                if common.extra_headers.is_empty() {
                    "The reference's four (\"HTTP Headers\"), in its order.".to_string()
                } else {
                    "The reference's four (\"HTTP Headers\"), then those of --header.".to_string()
                },
            ),
            ("HEADERS", headers_dict(&common.extra_headers)),
            ("TIMEOUT", python_seconds(common.timeout)),
            ("TIMEOUT_WHY", common.timeout_origin.clone()),
        ],
    )
}

/// The lines of `webhook_headers`' dict: the reference's four headers as `wire` builds them, the
/// event name and the signature left to the caller, then `--header`'s set over them.
fn headers_dict(extra: &[(String, String)]) -> String {
    // Markers no header value can hold (a header value has no control characters).
    const EVENT: &str = "\u{0}event";
    const SIGNATURE: &str = "\u{0}signature";
    let mut headers: Headers = webhook_headers(EVENT, Some(SIGNATURE.to_string()));
    for (name, value) in extra {
        headers.set(name, value.clone());
    }
    headers
        .iter()
        .map(|(name, value)| {
            let value = match value {
                EVENT => "event".to_string(),
                SIGNATURE => "SIGNED".to_string(),
                other => str_literal(other),
            };
            format!("        {}: {value},", str_literal(name))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Replaces each `{{NAME}}` of `template` with its value.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    out
}

/// `CONTACT`, the Python name of a kind's id shape.
fn shape_constant(kind: Kind) -> String {
    kind.label().to_uppercase()
}

/// What the walks are, in the docstring: `contacts`, `cards`.
fn things(slots: &[Slot]) -> String {
    match slots.first() {
        Some(slot) => format!("{}s", slot.kind.label()),
        None => "runs of the story".to_string(),
    }
}

#[cfg(test)]
mod tests;

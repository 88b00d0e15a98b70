//! `events` and `events show EVENT`: the catalogue, and one event's sample and fields.

use std::io::Write;

use colored::Colorize;
use serde::Serialize;
use serde_json::Value;

use crate::Outcome;
use crate::cli::{EventsAction, EventsArgs};
use crate::events::{CATALOGUE, EventSpec};
use crate::fields;
use crate::output::{Format, write_json_line};

/// `events --format json` (schemas/output/events.schema.json).
#[derive(Serialize)]
struct EventsReport {
    ok: bool,
    events: Vec<EventSummary>,
}

#[derive(Serialize)]
struct EventSummary {
    name: &'static str,
    group: &'static str,
    fires_when: &'static str,
    id_field: &'static str,
}

impl EventSummary {
    fn new(spec: &EventSpec) -> Self {
        EventSummary {
            name: spec.name,
            group: spec.group,
            fires_when: spec.fires_when,
            id_field: spec.id_field,
        }
    }
}

/// `events show --format json` (schemas/output/events-show.schema.json).
#[derive(Serialize)]
struct EventReport {
    ok: bool,
    #[serde(flatten)]
    event: EventSummary,
    sample: Value,
    fields: Vec<FieldRow>,
}

/// Runs `events` or `events show`.
pub fn run(args: EventsArgs) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    match args.action {
        None => list(&mut out, args.format)?,
        Some(EventsAction::Show { event, format }) => show(&mut out, event, format)?,
    }
    Ok(Outcome::Success)
}

fn list(out: &mut impl Write, format: Format) -> std::io::Result<()> {
    if format == Format::Json {
        let report = EventsReport {
            ok: true,
            events: CATALOGUE.iter().map(EventSummary::new).collect(),
        };
        return write_json_line(out, &report);
    }
    let width = CATALOGUE
        .iter()
        .map(|spec| spec.name.len())
        .max()
        .unwrap_or(0);
    let mut group = "";
    for spec in &CATALOGUE {
        if spec.group != group {
            if !group.is_empty() {
                writeln!(out)?;
            }
            group = spec.group;
            writeln!(out, "{}", group.bold())?;
        }
        writeln!(out, "  {:width$}  {}", spec.name.cyan(), spec.fires_when)?;
    }
    writeln!(out, "\nShow one: titancard-wh events show EVENT")
}

/// One row of the field table: the reference's type where its Field Reference documents the
/// field, else the JSON type of the sample value.
#[derive(Serialize)]
struct FieldRow {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    description: String,
}

fn field_rows(spec: &EventSpec) -> Vec<FieldRow> {
    let sample = spec.sample_value();
    let Some(data) = sample.get("data").and_then(Value::as_object) else {
        return Vec::new();
    };
    data.iter()
        .map(|(name, value)| match fields::find(name) {
            Some(field) => FieldRow {
                name: name.clone(),
                kind: field.kind.to_string(),
                description: field.description.to_string(),
            },
            None => FieldRow {
                name: name.clone(),
                kind: json_type(value).to_string(),
                description: "(type from the sample; not in the reference's Field Reference)"
                    .to_string(),
            },
        })
        .collect()
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn show(out: &mut impl Write, spec: &EventSpec, format: Format) -> std::io::Result<()> {
    let rows = field_rows(spec);
    if format == Format::Json {
        let report = EventReport {
            ok: true,
            event: EventSummary::new(spec),
            sample: spec.sample_value(),
            fields: rows,
        };
        return write_json_line(out, &report);
    }
    writeln!(out, "{} ({})", spec.name.cyan().bold(), spec.group)?;
    writeln!(out, "Triggered when {}.\n", spec.fires_when)?;
    writeln!(out, "{}", "Sample payload".bold())?;
    out.write_all(spec.sample.as_bytes())?;
    writeln!(out, "\n{}", "Fields of data".bold())?;
    let width = rows.iter().map(|row| row.name.len()).max().unwrap_or(0);
    for row in &rows {
        writeln!(
            out,
            "  {:width$}  {:7}  {}",
            row.name, row.kind, row.description
        )?;
    }
    Ok(())
}

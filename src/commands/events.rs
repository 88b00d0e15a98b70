//! `events` and `events show EVENT`: the catalogue, and one event's sample and fields.

use std::io::Write;

use colored::Colorize;
use serde::Serialize;
use serde_json::Value;

use crate::Outcome;
use crate::cli::{EventsAction, EventsArgs};
use crate::events::{CATALOGUE, EventSpec};
use crate::fields::{self, FieldRow};
use crate::output::{self, Format, write_json_line};
use crate::payload;

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
        Some(EventsAction::Show {
            event,
            body: true,
            pretty,
            ..
        }) => sample_body(&mut out, event, pretty, output::stdout_is_terminal())?,
        Some(EventsAction::Show { event, format, .. }) => show(&mut out, event, format)?,
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

fn show(out: &mut impl Write, spec: &EventSpec, format: Format) -> std::io::Result<()> {
    let rows = fields::rows(spec);
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
    let kind_width = rows
        .iter()
        .map(|row| row.kind.chars().count())
        .max()
        .unwrap_or(0);
    for row in &rows {
        let mark = if row.in_field_reference { "" } else { "†" };
        let name = format!("{}{mark}", row.name);
        let kind = format!("{:kind_width$}", row.kind);
        writeln!(
            out,
            "  {name:width$}  {}  {}",
            kind.dimmed(),
            row.description,
            width = width + 1
        )?;
    }
    if rows.iter().any(|row| !row.in_field_reference) {
        writeln!(
            out,
            "\n† not in the reference's Field Reference; described from the event's example"
        )?;
    }
    Ok(())
}

/// `events show EVENT --body`: the sample body alone, compact (the bytes a sender sends) or
/// pretty. A final newline only on a terminal: in a file it would be a byte the sender never
/// sends, which `send --payload` and `sign` would then include.
fn sample_body(
    out: &mut impl Write,
    spec: &EventSpec,
    pretty: bool,
    terminal: bool,
) -> std::io::Result<()> {
    let value = spec.sample_value();
    let text = if pretty {
        serde_json::to_string_pretty(&value).expect("a JSON value always serializes")
    } else {
        payload::to_string(&value)
    };
    out.write_all(text.as_bytes())?;
    if terminal {
        writeln!(out)?;
    }
    Ok(())
}

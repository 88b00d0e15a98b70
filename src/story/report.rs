//! The timeline of a story run: a header with the seed, one row per delivery as it ends (its place
//! in the delivery order, step, event, the ids it carries, status, time, when it started, and the
//! explainer's words for a failure), a summary; and the same as JSON
//! (schemas/output/story.schema.json).

use std::collections::{BTreeMap, HashSet};
use std::io::Write;

use colored::Colorize;
use serde::Serialize;

use super::Composed;
use super::deliver::Delivered;
use super::plan::{Delivery, Options};
use crate::output::{UnreadableReport, millis};
use crate::wire::WebhookUrl;
use crate::wire::explain;
use crate::wire::report::ExchangeReport;

/// What the header says about a run.
#[derive(Debug, Clone)]
pub struct RunInfo<'a> {
    pub story: &'a str,
    /// The story file, for a story read from one.
    pub file: Option<String>,
    pub seed: u64,
    pub options: Options,
    pub concurrency: usize,
    /// Where `--out` wrote the fixtures.
    pub out: Option<String>,
}

/// `contact=j57… reminder=r89…`.
pub fn ids_text(step: &Composed) -> String {
    step.ids
        .iter()
        .map(|(kind, id)| format!("{}={id}", kind.label()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `seed 7 (--seed 7 repeats this run), shuffled, 5 re-deliveries, 4 at a time`.
pub fn seed_line(info: &RunInfo, plan: &[Delivery]) -> String {
    let again = plan.iter().filter(|d| d.duplicate_of.is_some()).count();
    let mut parts = vec![format!("seed {0} (--seed {0} repeats this run)", info.seed)];
    parts.push(
        if info.options.shuffle {
            "shuffled"
        } else {
            "in story order"
        }
        .to_string(),
    );
    if again > 0 {
        parts.push(format!("{again} re-deliveries (same bytes and signature)"));
    }
    parts.push(match info.concurrency {
        1 => "one at a time".to_string(),
        n => format!("{n} at a time"),
    });
    parts.join(", ")
}

/// The human timeline, printed row by row as deliveries end; the explainer's words for a kind of
/// failure are printed the first time it happens.
pub struct Timeline<'a> {
    composed: &'a [Composed],
    ids_width: usize,
    /// The explanations already printed: each is said once, then only its excerpt.
    explained: HashSet<String>,
}

impl<'a> Timeline<'a> {
    pub fn new(composed: &'a [Composed]) -> Self {
        let ids_width = composed
            .iter()
            .map(|step| ids_text(step).len())
            .max()
            .unwrap_or(0);
        Timeline {
            composed,
            ids_width: ids_width.max(3),
            explained: HashSet::new(),
        }
    }

    /// The lines before the first delivery.
    pub fn header(
        &self,
        out: &mut impl Write,
        info: &RunInfo,
        url: &WebhookUrl,
        plan: &[Delivery],
    ) -> std::io::Result<()> {
        writeln!(
            out,
            "story {}: {} steps, {} deliveries to {url}",
            info.story.bold(),
            self.composed.len(),
            plan.len()
        )?;
        writeln!(out, "{}\n", seed_line(info, plan))?;
        writeln!(
            out,
            "{:>4}  {:>4}  {:<25}  {:<w$}  {:>6}  {:>9}  {:>8}",
            "#",
            "STEP",
            "EVENT",
            "IDS",
            "STATUS",
            "TIME",
            "AT",
            w = self.ids_width
        )
    }

    /// One delivery's row, and the explainer's lines when it failed.
    pub fn row(&mut self, out: &mut impl Write, delivered: &Delivered) -> std::io::Result<()> {
        let delivery = &delivered.delivery;
        let step = &self.composed[delivery.step];
        let status = match &delivered.attempt.result {
            Ok(answer) if answer.is_success() => format!("{:>6}", answer.status).green().bold(),
            Ok(answer) => format!("{:>6}", answer.status).red().bold(),
            Err(_) => format!("{:>6}", "-").red().bold(),
        };
        let again = delivery
            .duplicate_of
            .map(|first| format!("  re-delivery of #{first}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{:>4}  {:>4}  {:<25}  {:<w$}  {status}  {:>9}  {:>8}{again}",
            delivery.order,
            step.step,
            step.event.name,
            ids_text(step),
            format!("{:.1} ms", delivered.attempt.elapsed.as_secs_f64() * 1000.0),
            format!("+{:.3}s", delivered.started.as_secs_f64()),
            w = self.ids_width
        )?;
        if let Err(error) = &delivered.attempt.result {
            writeln!(out, "      {error}")?;
        }
        if let Some(explained) = explain::of_result(&delivered.attempt.result) {
            if self.explained.insert(explained.message.clone()) {
                writeln!(out, "      {}", explained.message.yellow())?;
            }
            if let Some(excerpt) = explained.excerpt {
                writeln!(out, "      > {excerpt}")?;
            }
        }
        Ok(())
    }

    /// The summary after the last delivery.
    pub fn footer(
        &self,
        out: &mut impl Write,
        info: &RunInfo,
        delivered: &[Delivered],
    ) -> std::io::Result<()> {
        let ok = delivered.iter().filter(|d| d.attempt.delivered()).count();
        writeln!(
            out,
            "\n{} deliveries: {ok} answered 2xx, {} did not",
            delivered.len(),
            delivered.len() - ok
        )?;
        if ok < delivered.len() {
            writeln!(
                out,
                "--seed {} repeats this run: the same ids, order and re-deliveries",
                info.seed
            )?;
        }
        Ok(())
    }
}

/// `story --format json` (schemas/output/story.schema.json).
#[derive(Serialize)]
pub struct StoryReport<'a> {
    ok: bool,
    story: &'a str,
    file: Option<String>,
    url: &'a WebhookUrl,
    seed: u64,
    shuffle: bool,
    duplicates: f64,
    concurrency: usize,
    out: Option<String>,
    counts: Counts,
    steps: Vec<StepReport<'a>>,
    deliveries: Vec<DeliveryReport<'a>>,
    /// The story file, when it could not be read (nothing was sent).
    unreadable: Vec<UnreadableReport>,
}

#[derive(Serialize)]
struct Counts {
    steps: usize,
    deliveries: usize,
    delivered: usize,
    failed: usize,
    redeliveries: usize,
}

/// One step's payload as composed.
#[derive(Serialize)]
pub struct StepReport<'a> {
    step: usize,
    event: &'static str,
    timestamp: u64,
    /// The ids it carries by kind: `{"contact": "j57…"}`.
    ids: BTreeMap<&'static str, &'a str>,
}

/// The steps of a run, for the JSON documents.
pub fn steps(composed: &[Composed]) -> Vec<StepReport<'_>> {
    composed
        .iter()
        .map(|step| StepReport {
            step: step.step,
            event: step.event.name,
            timestamp: step.timestamp,
            ids: step
                .ids
                .iter()
                .map(|(kind, id)| (kind.label(), id.as_str()))
                .collect(),
        })
        .collect()
}

#[derive(Serialize)]
struct DeliveryReport<'a> {
    delivery: usize,
    step: usize,
    event: &'a str,
    duplicate_of: Option<usize>,
    ok: bool,
    /// When it started, from the start of the run.
    started_millis: f64,
    #[serde(flatten)]
    exchange: ExchangeReport,
}

impl<'a> StoryReport<'a> {
    pub fn new(
        info: &'a RunInfo,
        url: &'a WebhookUrl,
        composed: &'a [Composed],
        delivered: &[Delivered],
    ) -> Self {
        let deliveries: Vec<DeliveryReport> = delivered
            .iter()
            .map(|d| DeliveryReport {
                delivery: d.delivery.order,
                step: composed[d.delivery.step].step,
                event: composed[d.delivery.step].event.name,
                duplicate_of: d.delivery.duplicate_of,
                ok: d.attempt.delivered(),
                started_millis: millis(d.started),
                exchange: ExchangeReport::new(&d.attempt.result, d.attempt.elapsed),
            })
            .collect();
        let ok_count = deliveries.iter().filter(|d| d.ok).count();
        StoryReport {
            ok: ok_count == deliveries.len(),
            story: info.story,
            file: info.file.clone(),
            url,
            seed: info.seed,
            shuffle: info.options.shuffle,
            duplicates: info.options.duplicates,
            concurrency: info.concurrency,
            out: info.out.clone(),
            counts: Counts {
                steps: composed.len(),
                deliveries: deliveries.len(),
                delivered: ok_count,
                failed: deliveries.len() - ok_count,
                redeliveries: deliveries
                    .iter()
                    .filter(|d| d.duplicate_of.is_some())
                    .count(),
            },
            steps: steps(composed),
            deliveries,
            unreadable: Vec::new(),
        }
    }

    /// The document of a run whose story file could not be read.
    pub fn unreadable(
        info: &'a RunInfo,
        url: &'a WebhookUrl,
        unreadable: Vec<UnreadableReport>,
    ) -> Self {
        StoryReport {
            ok: false,
            unreadable,
            ..StoryReport::new(info, url, &[], &[])
        }
    }

    pub fn ok(&self) -> bool {
        self.ok
    }
}

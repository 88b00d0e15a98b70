//! A story run that sends nothing: `--dry-run` prints each request in delivery order as it would
//! go on the wire, `--out DIR` without `--url` lists the files written; `--format json` gives both
//! as one document (schemas/output/story-dry-run.schema.json).

use std::io::Write;

use serde::Serialize;

use crate::headers::Headers;
use crate::output::{self, UnreadableReport};
use crate::record::{BodyEncoding, RequestRecord};
use crate::story::Composed;
use crate::story::out::{RECORDS_FILE, Written};
use crate::story::plan::Delivery;
use crate::story::report::{self, RunInfo, StepReport, ids_text, seed_line};
use crate::wire::{OutgoingRequest, WebhookUrl, transcript};

/// What a run that sends nothing shows.
pub(super) struct Shown<'a> {
    pub info: &'a RunInfo<'a>,
    pub url: Option<&'a WebhookUrl>,
    pub composed: &'a [Composed],
    pub plan: &'a [Delivery],
    /// The signed request of each step.
    pub requests: &'a [OutgoingRequest],
    pub written: Option<&'a Written>,
}

/// `story --dry-run --format json`.
#[derive(Serialize)]
struct DryRunReport<'a> {
    ok: bool,
    dry_run: bool,
    story: &'a str,
    file: Option<String>,
    seed: u64,
    out: Option<String>,
    steps: Vec<StepReport<'a>>,
    requests: Vec<DryRunRequest<'a>>,
    /// The story file, when it could not be read.
    unreadable: Vec<UnreadableReport>,
}

#[derive(Serialize)]
struct DryRunRequest<'a> {
    delivery: usize,
    step: usize,
    event: &'static str,
    duplicate_of: Option<usize>,
    method: &'static str,
    url: Option<&'a WebhookUrl>,
    headers: &'a Headers,
    body: String,
    body_encoding: BodyEncoding,
}

impl Shown<'_> {
    /// The requests in delivery order: a `#` line saying which delivery, then the request.
    pub fn requests(&self, out: &mut impl Write) -> anyhow::Result<()> {
        writeln!(
            out,
            "# story {}: {} steps, {} requests in delivery order",
            self.info.story,
            self.composed.len(),
            self.plan.len()
        )?;
        writeln!(out, "# {}", seed_line(self.info, self.plan))?;
        for delivery in self.plan {
            let step = &self.composed[delivery.step];
            let request = &self.requests[delivery.step];
            let mut about = format!(
                "# delivery {}: step {} {} {}",
                delivery.order,
                step.step,
                step.event.name,
                ids_text(step)
            );
            if let Some(first) = delivery.duplicate_of {
                about.push_str(&format!(
                    ", re-delivery of #{first} (same bytes and signature)"
                ));
            }
            if !delivery.wait.is_zero() {
                about.push_str(&format!(
                    ", after {}",
                    humantime::format_duration(delivery.wait)
                ));
            }
            writeln!(out, "\n{about}")?;
            transcript::request(out, request, self.url.is_some())?;
        }
        if self.written.is_some() {
            writeln!(out)?;
            self.files(out)?;
        }
        Ok(())
    }

    /// The files `--out` wrote.
    pub fn files(&self, out: &mut impl Write) -> anyhow::Result<()> {
        let Some(written) = self.written else {
            return Ok(());
        };
        writeln!(
            out,
            "story {}: wrote {} payloads and {} deliveries to {}",
            self.info.story,
            written.payloads.len(),
            self.plan.len(),
            self.info.out.as_deref().unwrap_or_default()
        )?;
        writeln!(out, "{}", seed_line(self.info, self.plan))?;
        for (path, step) in written.payloads.iter().zip(self.composed) {
            writeln!(out, "  {}  {}", path.display(), ids_text(step))?;
        }
        writeln!(
            out,
            "  {}  every delivery as a signed record ({RECORDS_FILE} replays with \
             `titancard-wh replay`)",
            written.records.display()
        )?;
        Ok(())
    }

    /// Both as one JSON document.
    pub fn json(&self, out: &mut impl Write) -> anyhow::Result<()> {
        let requests = self
            .plan
            .iter()
            .map(|delivery| {
                let step = &self.composed[delivery.step];
                let request = &self.requests[delivery.step];
                let (body, body_encoding) = RequestRecord::encode_body(&request.body);
                DryRunRequest {
                    delivery: delivery.order,
                    step: step.step,
                    event: step.event.name,
                    duplicate_of: delivery.duplicate_of,
                    method: "POST",
                    // Each request's own URL: a profile's routes may differ per event.
                    url: self.url.map(|_| &request.url),
                    headers: &request.headers,
                    body,
                    body_encoding,
                }
            })
            .collect();
        let document = DryRunReport {
            ok: true,
            dry_run: true,
            story: self.info.story,
            file: self.info.file.clone(),
            seed: self.info.seed,
            out: self.info.out.clone(),
            steps: report::steps(self.composed),
            requests,
            unreadable: Vec::new(),
        };
        output::write_json_line(out, &document)?;
        Ok(())
    }
}

/// The document of a run that sends nothing and whose story file could not be read.
pub(super) fn unreadable<'a>(
    info: &'a RunInfo<'a>,
    unreadable: Vec<UnreadableReport>,
) -> impl serde::Serialize + 'a {
    DryRunReport {
        ok: false,
        dry_run: true,
        story: info.story,
        file: info.file.clone(),
        seed: info.seed,
        out: info.out.clone(),
        steps: Vec::new(),
        requests: Vec::new(),
        unreadable,
    }
}

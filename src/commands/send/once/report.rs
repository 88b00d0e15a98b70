//! `send --format json`: every delivery and each of its attempts
//! (schemas/output/send.schema.json), and `--dry-run`'s requests
//! (schemas/output/send-dry-run.schema.json).

use serde::Serialize;

use super::prepare::Prepared;
use crate::headers::Headers;
use crate::output::{Counts, UnreadableReport};
use crate::record::{BodyEncoding, RequestRecord};
use crate::wire::report::ExchangeReport;
use crate::wire::{Attempt, WebhookUrl};

/// `send --format json`.
#[derive(Serialize)]
pub(super) struct SendReport {
    pub ok: bool,
    counts: Counts,
    deliveries: Vec<DeliveryReport>,
    /// The `--payload` file, when it could not be read (nothing was sent).
    unreadable: Vec<UnreadableReport>,
}

#[derive(Serialize)]
struct DeliveryReport {
    event: String,
    url: WebhookUrl,
    /// The host and path it went to, as the human lines name it.
    destination: String,
    ok: bool,
    attempts: Vec<AttemptReport>,
}

#[derive(Serialize)]
struct AttemptReport {
    attempt: usize,
    ok: bool,
    #[serde(flatten)]
    exchange: ExchangeReport,
}

impl SendReport {
    pub fn new(results: &[(&Prepared, Vec<Attempt>)]) -> Self {
        let deliveries: Vec<DeliveryReport> = results
            .iter()
            .map(|(item, attempts)| DeliveryReport {
                event: item.event.clone(),
                url: item.request.url.clone(),
                destination: item.request.url.destination(),
                ok: attempts.last().is_some_and(Attempt::delivered),
                attempts: attempts
                    .iter()
                    .map(|attempt| AttemptReport {
                        attempt: attempt.number,
                        ok: attempt.delivered(),
                        exchange: ExchangeReport::new(&attempt.result, attempt.elapsed),
                    })
                    .collect(),
            })
            .collect();
        let counts = Counts::of(
            ["deliveries", "delivered", "failed"],
            deliveries.iter().map(|d| d.ok),
        );
        SendReport {
            ok: counts.all_passed(),
            counts,
            deliveries,
            unreadable: Vec::new(),
        }
    }

    /// The document of a run whose `--payload` could not be read.
    pub fn unreadable(unreadable: Vec<UnreadableReport>) -> Self {
        SendReport {
            ok: false,
            unreadable,
            ..SendReport::new(&[])
        }
    }
}

/// `send --dry-run --format json`.
#[derive(Serialize)]
pub(super) struct DryRunReport<'a> {
    ok: bool,
    dry_run: bool,
    requests: Vec<DryRunRequest<'a>>,
    /// The `--payload` file, when it could not be read.
    unreadable: Vec<UnreadableReport>,
}

#[derive(Serialize)]
struct DryRunRequest<'a> {
    event: &'a str,
    method: &'static str,
    url: Option<&'a WebhookUrl>,
    headers: &'a Headers,
    body: String,
    body_encoding: BodyEncoding,
}

impl<'a> DryRunReport<'a> {
    /// Each request as it would go out. The signature is shown; the secret never is.
    pub fn new(prepared: &'a [Prepared]) -> Self {
        let requests = prepared
            .iter()
            .map(|item| {
                let (body, body_encoding) = RequestRecord::encode_body(&item.request.body);
                DryRunRequest {
                    event: &item.event,
                    method: "POST",
                    url: item.url_known.then_some(&item.request.url),
                    headers: &item.request.headers,
                    body,
                    body_encoding,
                }
            })
            .collect();
        DryRunReport {
            ok: true,
            dry_run: true,
            requests,
            unreadable: Vec::new(),
        }
    }

    /// The document of a dry run whose `--payload` could not be read.
    pub fn unreadable(unreadable: Vec<UnreadableReport>) -> Self {
        DryRunReport {
            ok: false,
            unreadable,
            ..DryRunReport::new(&[])
        }
    }
}

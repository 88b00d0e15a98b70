//! `demo`: starts the receiver in-process on 127.0.0.1 with a random secret, delivers all 14
//! sample events to it, checks on the receiving side that each arrived with a valid signature,
//! the reference's four headers and its body intact, and prints the table.

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::Context;
use colored::Colorize;
use serde::Serialize;

use crate::Outcome;
use crate::capture;
use crate::cli::DemoArgs;
use crate::contract::DELIVERY_DEADLINE;
use crate::events::{CATALOGUE, EventSpec};
use crate::output::{self, Counts, ErrorReport, Format, millis};
use crate::payload;
use crate::receiver::simulate::Simulation;
use crate::receiver::verdict::Verdict;
use crate::receiver::{Config, DEFAULT_READ_TIMEOUT, Exchange, Observer, Receiver, dedupe};
use crate::secret::{Secret, Secrets};
use crate::wire::explain;
use crate::wire::tls::Trust;
use crate::wire::{Answer, Client, DeliveryError, OutgoingRequest};

/// One event's round trip.
struct Row {
    event: &'static str,
    /// The status answered, or why there was no answer.
    status: Result<u16, DeliveryError>,
    elapsed: Duration,
    /// What the receiver concluded; `None` when the request never reached it.
    verdict: Option<Verdict>,
    /// What the checks `verify` makes on a capture (and the User-Agent) found wrong in the
    /// headers the receiver saw.
    header_problems: Vec<String>,
    body_intact: bool,
}

impl Row {
    /// Verified with the run's secret (the first and only one).
    fn signature_valid(&self) -> bool {
        self.verdict.as_ref().and_then(Verdict::secret_index) == Some(0)
    }

    /// `valid`, or what the receiver concluded instead.
    fn signature(&self) -> &'static str {
        match &self.verdict {
            None => "not received",
            Some(_) if self.signature_valid() => "valid",
            Some(verdict) => verdict.name(),
        }
    }

    fn headers_ok(&self) -> bool {
        self.verdict.is_some() && self.header_problems.is_empty()
    }

    fn passed(&self) -> bool {
        self.status == Ok(200) && self.signature_valid() && self.headers_ok() && self.body_intact
    }
}

/// Runs `demo`.
pub fn run(args: DemoArgs) -> anyhow::Result<Outcome> {
    let (url, rows) = crate::runtime()?.block_on(round_trips())?;
    let report = DemoReport::new(&url, &rows);
    output::checked(report.ok);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => output::write_json_line(&mut out, &report)?,
        Format::Human => write_table(&mut out, &url, report.ok, &rows)?,
    }
    Ok(Outcome::from_ok(report.ok))
}

/// Starts the receiver, delivers the 14 events, and pairs each with what the receiver saw.
async fn round_trips() -> anyhow::Result<(String, Vec<Row>)> {
    // A fresh random secret for this run only; it is never printed.
    let secret = Secret::random();
    // One report per event, read before the next is sent: room for all of them is plenty.
    let (observer, mut observed) = Observer::channel(CATALOGUE.len());
    let config = Config {
        path: "/webhook".to_string(),
        max_body: 1024 * 1024,
        secrets: Secrets::from(secret.clone()),
        read_timeout: DEFAULT_READ_TIMEOUT,
        dedupe_capacity: dedupe::DEFAULT_CAPACITY,
        save: None,
        forward_to: None,
        simulation: Simulation::default(),
        log: None,
        verbose: false,
    };
    let receiver = Receiver::start("127.0.0.1", 0, config, Some(observer))
        .await
        .context("cannot start the embedded receiver")?;
    let url = receiver.url();
    let target = url.parse().context("the embedded receiver's URL")?;
    let client = Client::new(Trust::default());
    let now = payload::now_millis();

    let mut rows = Vec::with_capacity(CATALOGUE.len());
    for spec in &CATALOGUE {
        let body = payload::sample_with_timestamp(spec, now);
        let request = OutgoingRequest::signed(&target, spec.name, body.clone(), &secret);
        let started = Instant::now();
        let answer = client.send(&request, DELIVERY_DEADLINE).await;
        let elapsed = started.elapsed();
        let seen = match &answer {
            // The receiver reports a request right after answering it.
            Ok(_) => tokio::time::timeout(Duration::from_secs(5), observed.exchanges.recv())
                .await
                .ok()
                .flatten(),
            Err(_) => None,
        };
        rows.push(check(spec, &body, answer, elapsed, seen));
    }
    receiver.shutdown(Duration::from_secs(5)).await;
    Ok((url, rows))
}

/// Compares what was sent with what the receiver saw.
fn check(
    spec: &'static EventSpec,
    body: &[u8],
    answer: Result<Answer, DeliveryError>,
    elapsed: Duration,
    seen: Option<std::sync::Arc<Exchange>>,
) -> Row {
    let (status, elapsed) = match answer {
        Ok(answer) => (Ok(answer.status), answer.latency),
        Err(err) => (Err(err), elapsed),
    };
    let Some(seen) = seen else {
        return Row {
            event: spec.name,
            status,
            elapsed,
            verdict: None,
            header_problems: Vec::new(),
            body_intact: false,
        };
    };
    // The event sent is what X-Webhook-Event must say; the signature is the verdict's to judge.
    let mut header_problems = capture::problems_in(&seen.headers, Some(Some(spec.name)));
    header_problems.extend(capture::user_agent_problem(&seen.headers));
    Row {
        event: spec.name,
        status,
        elapsed,
        verdict: Some(seen.verdict.clone()),
        header_problems,
        body_intact: seen.body.as_ref() == body,
    }
}

/// `demo --format json` (schemas/output/demo.schema.json).
#[derive(Serialize)]
struct DemoReport<'a> {
    ok: bool,
    receiver: &'a str,
    counts: Counts,
    deliveries: Vec<DeliveryReport>,
}

#[derive(Serialize)]
struct DeliveryReport {
    event: &'static str,
    ok: bool,
    status: Option<u16>,
    millis: f64,
    /// `valid`, or what the receiver concluded instead.
    signature: &'static str,
    headers_ok: bool,
    body_intact: bool,
    error: Option<ErrorReport>,
}

impl<'a> DemoReport<'a> {
    fn new(url: &'a str, rows: &[Row]) -> Self {
        let counts = Counts::of(
            ["deliveries", "passed", "failed"],
            rows.iter().map(Row::passed),
        );
        DemoReport {
            ok: counts.all_passed(),
            receiver: url,
            counts,
            deliveries: rows
                .iter()
                .map(|row| DeliveryReport {
                    event: row.event,
                    ok: row.passed(),
                    status: row.status.as_ref().ok().copied(),
                    millis: millis(row.elapsed),
                    signature: row.signature(),
                    headers_ok: row.headers_ok(),
                    body_intact: row.body_intact,
                    error: row.status.as_ref().err().map(ErrorReport::from),
                })
                .collect(),
        }
    }
}

fn write_table(out: &mut impl Write, url: &str, passed: bool, rows: &[Row]) -> std::io::Result<()> {
    writeln!(
        out,
        "Embedded receiver on {url} (random secret, not shown)\n"
    )?;
    writeln!(
        out,
        "  {:<27} {:>6} {:>9}  {:<10} {:<8} BODY",
        "EVENT", "STATUS", "LATENCY", "SIGNATURE", "HEADERS"
    )?;
    for row in rows {
        let status = match &row.status {
            Ok(code) => code.to_string(),
            Err(_) => "-".to_string(),
        };
        let status = if row.status == Ok(200) {
            format!("{status:>6}").green()
        } else {
            format!("{status:>6}").red()
        };
        let signature = format!("{:<10}", row.signature());
        let signature = if row.signature_valid() {
            signature.green()
        } else {
            signature.red()
        };
        let mark = |ok: bool, width: usize| {
            let text = format!("{:<width$}", if ok { "ok" } else { "wrong" });
            if ok { text.green() } else { text.red() }
        };
        writeln!(
            out,
            "  {:<27} {} {:>6.2} ms  {} {} {}",
            row.event,
            status,
            millis(row.elapsed),
            signature,
            mark(row.headers_ok(), 8),
            mark(row.body_intact, 0),
        )?;
        match &row.status {
            Err(why) => {
                writeln!(out, "    {}", why.to_string().red())?;
                writeln!(out, "    {}", explain::of_error(why).message.yellow())?;
            }
            Ok(status) => {
                if let Some(explained) = explain::of_status(*status, None, None) {
                    writeln!(out, "    {}", explained.message.yellow())?;
                }
            }
        }
        for problem in &row.header_problems {
            writeln!(out, "    {}", problem.red())?;
        }
    }
    let good = rows.iter().filter(|row| row.passed()).count();
    writeln!(out)?;
    let verdict = format!(
        "{good}/{} events delivered, signed and verified end to end",
        rows.len()
    );
    if passed {
        writeln!(out, "{}", verdict.green().bold())?;
        writeln!(
            out,
            "Next: titancard-wh listen --secret YOUR_SECRET, or titancard-wh send EVENT --url YOUR_ENDPOINT"
        )?;
    } else {
        writeln!(out, "{}", verdict.red().bold())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headers::Headers;
    use crate::wire::Answer;
    use std::sync::Arc;

    fn seen(headers: Headers, verdict: Verdict, body: &'static [u8]) -> Arc<Exchange> {
        Arc::new(Exchange {
            received_at: std::time::SystemTime::now(),
            method: "POST".into(),
            path: "/webhook".into(),
            headers,
            body: bytes::Bytes::from_static(body),
            payload: None,
            verdict,
            status: 200,
            forwarded: None,
        })
    }

    fn answer() -> Result<Answer, DeliveryError> {
        Ok(Answer {
            status: 200,
            latency: Duration::ZERO,
            headers: Headers::new(),
            body: Vec::new(),
            body_truncated: false,
        })
    }

    /// demo judged the headers with rules of its own (an exact Content-Type, a bare yes or no)
    /// and the signature by comparing the verdict's name as text: the checks `verify` makes now
    /// judge them, and say what is wrong.
    #[test]
    fn a_round_trip_is_judged_by_the_shared_checks_and_the_verdict() {
        let spec = crate::events::find("card.created").unwrap();
        let body = b"{}";
        let accepted = Verdict::Accepted { secret_index: 0 };
        let judged = |headers, verdict| {
            let exchange = seen(headers, verdict, body);
            check(spec, body, answer(), Duration::ZERO, Some(exchange))
        };
        let mut headers = crate::wire::webhook_headers("card.created", Some("sha256=x".into()));
        headers.set("content-type", "application/json; charset=utf-8");
        let row = judged(headers, accepted.clone());
        assert!(row.passed(), "{:?}", row.header_problems);
        assert_eq!(row.signature(), "valid");

        let mut headers = crate::wire::webhook_headers("card.deleted", None);
        headers.set("user-agent", "curl/8");
        let row = judged(headers, accepted);
        assert!(!row.passed());
        assert_eq!(
            row.header_problems,
            [
                "X-Webhook-Event is 'card.deleted' but the body's event is 'card.created'",
                "User-Agent is 'curl/8', not TitanCard-Webhooks/1.0",
            ]
        );

        let rejected = Verdict::InvalidSignature(crate::signature::VerifyError::SignatureMismatch);
        let headers = crate::wire::webhook_headers("card.created", None);
        let row = judged(headers, rejected);
        assert!(!row.passed());
        assert_eq!(row.signature(), "invalid_signature");
        let row = check(spec, body, answer(), Duration::ZERO, None);
        assert_eq!(row.signature(), "not received");
        assert!(!row.headers_ok());
    }
}

//! `demo`: starts the receiver in-process on 127.0.0.1 with a random secret, delivers all 14
//! sample events to it, checks on the receiving side that each arrived with a valid signature,
//! the reference's four headers and its body intact, and prints the table.

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::Context;
use colored::Colorize;
use serde::Serialize;

use crate::Outcome;
use crate::cli::DemoArgs;
use crate::contract::{
    CONTENT_TYPE_JSON, DELIVERY_DEADLINE, HEADER_CONTENT_TYPE, HEADER_EVENT, HEADER_SIGNATURE,
    HEADER_USER_AGENT, USER_AGENT,
};
use crate::events::{CATALOGUE, EventSpec};
use crate::output::{self, Counts, ErrorReport, Format, millis};
use crate::payload;
use crate::receiver::simulate::Simulation;
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
    /// `valid`, or the receiver's verdict.
    signature: String,
    headers_ok: bool,
    body_intact: bool,
}

impl Row {
    fn passed(&self) -> bool {
        self.status == Ok(200) && self.signature == "valid" && self.headers_ok && self.body_intact
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
            signature: "not received".to_string(),
            headers_ok: false,
            body_intact: false,
        };
    };
    let signature = if seen.verdict.secret_index() == Some(0) {
        "valid".to_string()
    } else {
        seen.verdict.name().to_string()
    };
    let headers = &seen.headers;
    let headers_ok = headers.get(HEADER_CONTENT_TYPE) == Some(CONTENT_TYPE_JSON)
        && headers.get(HEADER_SIGNATURE).is_some()
        && headers.get(HEADER_EVENT) == Some(spec.name)
        && headers.get(HEADER_USER_AGENT) == Some(USER_AGENT);
    Row {
        event: spec.name,
        status,
        elapsed,
        signature,
        headers_ok,
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
    signature: String,
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
                    signature: row.signature.clone(),
                    headers_ok: row.headers_ok,
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
        let signature = format!("{:<10}", row.signature);
        let signature = if row.signature == "valid" {
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
            mark(row.headers_ok, 8),
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

//! `demo`: starts the receiver in-process on 127.0.0.1 with a random secret, delivers all 14
//! sample events to it, checks on the receiving side that each arrived with a valid signature,
//! the reference's four headers and its body intact, and prints the table.

use std::io::Write;
use std::time::Duration;

use anyhow::Context;
use colored::Colorize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::Outcome;
use crate::cli::{DemoArgs, Format};
use crate::delivery::{self, OutgoingRequest};
use crate::events::{CATALOGUE, EventSpec};
use crate::payload;
use crate::receiver::simulate::Simulation;
use crate::receiver::{Config, DEFAULT_READ_TIMEOUT, Receiver, Seen, dedupe};
use crate::secret::{Secret, Secrets};
use crate::signature::{
    CONTENT_TYPE_JSON, HEADER_CONTENT_TYPE, HEADER_EVENT, HEADER_SIGNATURE, HEADER_USER_AGENT,
    USER_AGENT,
};

/// The deadline for each delivery (the reference's).
const TIMEOUT: Duration = Duration::from_secs(30);

/// One event's round trip.
struct Row {
    event: &'static str,
    /// The status answered, or why there was no answer.
    status: Result<u16, String>,
    latency: Duration,
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
    let passed = rows.iter().all(Row::passed);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => crate::output::write_json_line(&mut out, &to_json(&url, passed, &rows))?,
        Format::Human => write_table(&mut out, &url, passed, &rows)?,
    }
    Ok(Outcome::from_ok(passed))
}

/// Starts the receiver, delivers the 14 events, and pairs each with what the receiver saw.
async fn round_trips() -> anyhow::Result<(String, Vec<Row>)> {
    // A fresh random secret for this run only; it is never printed.
    let secret = Secret::new(format!("whsec_{}", hex::encode(rand::random::<[u8; 24]>())));
    let (observer, mut seen_rx) = mpsc::unbounded_channel();
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
    };
    let receiver = Receiver::start("127.0.0.1", 0, config, Some(observer))
        .await
        .context("cannot start the embedded receiver")?;
    let url = receiver.url();
    let now = payload::now_millis();

    let mut rows = Vec::with_capacity(CATALOGUE.len());
    for spec in &CATALOGUE {
        let body = payload::sample_with_timestamp(spec, now);
        let request = OutgoingRequest::signed(&url, spec.name, body.clone(), &secret);
        let answer = delivery::send_once(&request, TIMEOUT).await;
        let seen = match &answer {
            // The receiver reports a request right after answering it.
            Ok(_) => tokio::time::timeout(Duration::from_secs(5), seen_rx.recv())
                .await
                .ok()
                .flatten(),
            Err(_) => None,
        };
        rows.push(check(spec, &body, answer, seen));
    }
    receiver.shutdown(Duration::from_secs(5)).await;
    Ok((url, rows))
}

/// Compares what was sent with what the receiver saw.
fn check(
    spec: &'static EventSpec,
    body: &[u8],
    answer: Result<delivery::Answer, delivery::DeliveryError>,
    seen: Option<Seen>,
) -> Row {
    let (status, latency) = match answer {
        Ok(answer) => (Ok(answer.status), answer.latency),
        Err(err) => (Err(err.to_string()), Duration::ZERO),
    };
    let Some(seen) = seen else {
        return Row {
            event: spec.name,
            status,
            latency,
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
    let headers_ok = seen.header(HEADER_CONTENT_TYPE) == Some(CONTENT_TYPE_JSON)
        && seen.header(HEADER_SIGNATURE).is_some()
        && seen.header(HEADER_EVENT) == Some(spec.name)
        && seen.header(HEADER_USER_AGENT) == Some(USER_AGENT);
    Row {
        event: spec.name,
        status,
        latency,
        signature,
        headers_ok,
        body_intact: seen.body.as_ref() == body,
    }
}

fn millis(latency: Duration) -> f64 {
    (latency.as_secs_f64() * 1e5).round() / 100.0
}

fn to_json(url: &str, passed: bool, rows: &[Row]) -> Value {
    json!({
        "receiver": url,
        "passed": passed,
        "events": rows.iter().map(|row| json!({
            "event": row.event,
            "status": row.status.as_ref().ok(),
            "error": row.status.as_ref().err(),
            "millis": millis(row.latency),
            "signature": row.signature,
            "headers_ok": row.headers_ok,
            "body_intact": row.body_intact,
            "passed": row.passed(),
        })).collect::<Vec<_>>(),
    })
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
            millis(row.latency),
            signature,
            mark(row.headers_ok, 8),
            mark(row.body_intact, 0),
        )?;
        if let Err(why) = &row.status {
            writeln!(out, "    {}", why.red())?;
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

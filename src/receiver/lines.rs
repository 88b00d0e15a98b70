//! The line `listen` prints for one request: human (time, status, event, key fields, verdict,
//! the app's answer with `--forward-to`, and with `-v` the whole exchange under it) or JSON Lines.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use colored::Colorize;
use serde::Serialize;
use serde_json::Value;

use super::exchange::{Exchange, Forwarded};
use super::payload::{self, Payload};
use super::verdict::Verdict;
use crate::headers::Headers;
use crate::output::truncate_for_display;
use crate::wire::explain;
use crate::wire::report::ExchangeReport;

/// How much of the app's answer a line shows.
const ANSWER_PREVIEW_CHARS: usize = 120;

/// `HH:MM:SS.mmm 200 POST /webhook connection.created Jane Doe jane@example.com accepted`, then
/// what the app answered, and with `verbose` the request's headers and body.
pub fn human(exchange: &Exchange, secret_count: usize, verbose: bool) -> String {
    let stamp = exchange.received_at_text();
    let time = stamp.get(11..23).unwrap_or(&stamp);
    let mut verdict = exchange.verdict.name().to_string();
    if let Some(index) = exchange.verdict.secret_index()
        && secret_count > 1
    {
        let _ = write!(verdict, " (secret #{})", index + 1);
    }
    let status = exchange.status.to_string();
    let (verdict, status) = match exchange.verdict {
        Verdict::Accepted { .. } => (verdict.green(), status.green().bold()),
        Verdict::Duplicate { .. } => (verdict.yellow(), status.yellow().bold()),
        _ => (verdict.red(), status.red().bold()),
    };
    let mut line = format!(
        "{} {status} {} {} ",
        time.dimmed(),
        exchange.method,
        exchange.path
    );
    if let Some(event) = exchange.event() {
        let _ = write!(line, "{} ", event.bold());
    }
    let fields: Vec<String> = exchange
        .key_fields()
        .into_iter()
        .map(|(_, value)| value)
        .collect();
    if !fields.is_empty() {
        let _ = write!(line, "{} ", fields.join(" ").cyan());
    }
    line.push_str(&verdict.to_string());
    if let Some(detail) = exchange.verdict.detail() {
        let detail = truncate_for_display(&detail, 200);
        let _ = write!(line, ": {}", detail.dimmed());
    }
    if let Some(forwarded) = &exchange.forwarded {
        line.push_str(&forwarded_text(forwarded, verbose));
    }
    if verbose {
        line.push_str(&request_text(exchange));
        if let Some(Forwarded {
            result: Ok(answer), ..
        }) = &exchange.forwarded
        {
            let _ = write!(line, "\n  app answer {}:", answer.status);
            line.push_str(&headers_and_body(
                &answer.headers,
                &answer.body,
                None,
                "    ",
            ));
        }
    }
    line
}

/// ` → app 200 3.1 ms {"ok":true}`, and for a failure the explainer's line (and, without
/// `verbose`, the first lines of the app's answer) under it.
fn forwarded_text(forwarded: &Forwarded, verbose: bool) -> String {
    let mut text = String::new();
    match &forwarded.result {
        Ok(answer) => {
            let body = String::from_utf8_lossy(&answer.body).replace(['\r', '\n'], " ");
            let _ = write!(
                text,
                " → app {} {:.1} ms {}",
                answer.status,
                answer.latency.as_secs_f64() * 1000.0,
                truncate_for_display(body.trim(), ANSWER_PREVIEW_CHARS)
            );
        }
        Err(err) => {
            let _ = write!(text, " → app: {err}");
        }
    }
    if let Some(explained) = explain::of_result(&forwarded.result) {
        let _ = write!(text, "\n  {}", explained.message.yellow());
        if verbose {
            return text;
        }
        if let Some(excerpt) = explained.excerpt {
            let _ = write!(text, "\n  app answered: {}", excerpt.dimmed());
        }
    }
    if verbose && let Ok(answer) = &forwarded.result {
        let _ = write!(text, "\n  app answer {}:", answer.status);
        text.push_str(&headers_and_body(
            &answer.headers,
            &answer.body,
            None,
            "    ",
        ));
    }
    text
}

/// The request's headers and body, indented, the body pretty-printed when it is JSON.
fn request_text(exchange: &Exchange) -> String {
    let mut text = String::from("\n  request:");
    text.push_str(&headers_and_body(
        &exchange.headers,
        &exchange.body,
        exchange.payload.as_ref().and_then(Payload::json),
        "    ",
    ));
    text
}

fn headers_and_body(
    headers: &Headers,
    body: &[u8],
    parsed: Option<&Value>,
    indent: &str,
) -> String {
    let mut text = String::new();
    for (name, value) in headers.iter() {
        let _ = write!(text, "\n{indent}{}: {value}", name.dimmed());
    }
    let shown = match parsed
        .cloned()
        .or_else(|| serde_json::from_slice::<Value>(body).ok())
    {
        Some(value) => serde_json::to_string_pretty(&value).unwrap_or_default(),
        None => match std::str::from_utf8(body) {
            Ok(body_text) => body_text.to_string(),
            Err(_) => format!("({} bytes, not UTF-8)", body.len()),
        },
    };
    if !shown.is_empty() {
        text.push('\n');
        for line in shown.lines() {
            let _ = write!(text, "\n{indent}{line}");
        }
    }
    text
}

/// One request as a line of `--format json`.
#[derive(Serialize)]
struct RequestLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    received_at: String,
    method: &'a str,
    path: &'a str,
    event: Option<&'a str>,
    /// The payload's identifying data fields (name, email).
    fields: BTreeMap<&'static str, String>,
    /// Whether the request was accepted, or was a duplicate of an accepted one.
    ok: bool,
    verdict: &'static str,
    detail: Option<String>,
    /// The 1-based position of the secret that matched.
    secret: Option<usize>,
    status: u16,
    /// What the `--forward-to` app answered; null when the request was not relayed.
    forward: Option<ExchangeReport>,
}

/// The JSON line of one request (schemas/output/listen.schema.json).
pub fn json(exchange: &Exchange) -> String {
    let line = RequestLine {
        kind: "request",
        received_at: exchange.received_at_text(),
        method: &exchange.method,
        path: &exchange.path,
        event: exchange.event(),
        fields: exchange.key_fields().into_iter().collect(),
        ok: exchange.verdict.secret_index().is_some(),
        verdict: exchange.verdict.name(),
        detail: exchange.verdict.detail(),
        secret: exchange.verdict.secret_index().map(|index| index + 1),
        status: exchange.status,
        forward: exchange
            .forwarded
            .as_ref()
            .map(|forwarded| ExchangeReport::new(&forwarded.result, forwarded.elapsed)),
    };
    serde_json::to_string(&line).expect("a request line always serializes")
}

/// The identifying data fields (names, emails) of a JSON payload, as display strings.
pub fn key_fields(payload: Option<&Value>) -> Vec<(&'static str, String)> {
    payload.map(payload::json_key_fields).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_fields_come_from_data() {
        let payload = serde_json::json!({"data":{"full_name":"Jane Doe","email":"jane@example.com","id":"x"}});
        let fields = key_fields(Some(&payload));
        assert_eq!(
            fields,
            [
                ("full_name", "Jane Doe".to_string()),
                ("email", "jane@example.com".to_string())
            ]
        );
    }
}

//! Network faults, through the real binary: an endpoint that refuses, resets, never answers,
//! redirects, answers without end, or cannot be resolved. Each command reports the fault plainly
//! with exit 1 (a delivery without a 2xx answer is a failed check), never hangs and never panics.

mod common;
mod hostile_support;

use std::time::{Duration, Instant};

use common::cmd;
use hostile_support::*;

const SECRET: &str = "whsec_faults";

/// A raw capture of one delivery, for replay.
fn capture(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let body = br#"{"event":"card.created","timestamp":1700000000000,"data":{"card_id":"c_1"}}"#;
    write(
        dir.path(),
        "capture.http",
        http_capture(SECRET, "card.created", body),
    )
}

fn replay(url: &str, timeout: &str) -> Ran {
    let dir = tempfile::tempdir().unwrap();
    let file = capture(&dir);
    let output = cmd()
        .args([
            "replay",
            file.to_str().unwrap(),
            "--url",
            url,
            "--timeout",
            timeout,
        ])
        .args(["--format", "json"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    Ran::from(output)
}

/// The error kind and message of the one replayed request.
fn replay_error(ran: &Ran) -> (String, String) {
    ran.clean();
    assert_eq!(ran.code, 1, "{}\n{}", ran.stdout, ran.stderr);
    let report = ran.json();
    assert_eq!(report["ok"], false);
    let error = &report["requests"][0]["error"];
    (
        error["kind"].as_str().unwrap_or_default().to_string(),
        error["message"].as_str().unwrap_or_default().to_string(),
    )
}

fn probe(url: &str, timeout: &str) -> Ran {
    let output = cmd()
        .args([
            "probe",
            "--url",
            url,
            "--secret",
            SECRET,
            "--timeout",
            timeout,
        ])
        .args(["--event", "card.created"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    Ran::from(output)
}

#[test]
fn connection_refused() {
    let url = refused_url();
    let (kind, message) = replay_error(&replay(&url, "5s"));
    assert_eq!(kind, "connection_refused");
    assert_eq!(message, format!("connection refused at {url}"));
    probe(&url, "5s").expect(1, &format!("connection refused at {url}"));
}

#[test]
fn unresolvable_host() {
    let (kind, message) = replay_error(&replay(UNRESOLVABLE_URL, "10s"));
    assert_eq!(kind, "unresolved_host", "{message}");
    assert!(message.contains("no-such-host.invalid"), "{message}");
    probe(UNRESOLVABLE_URL, "10s").expect(
        1,
        "cannot resolve the host of http://no-such-host.invalid/webhook",
    );
}

#[test]
fn reset_before_any_answer() {
    let server = FaultServer::start(Fault::Reset);
    let url = server.url("/webhook");
    let (kind, message) = replay_error(&replay(&url, "5s"));
    assert_eq!(kind, "connection_reset", "{message}");
    assert!(message.contains(&url), "{message}");
    probe(&url, "5s").expect(1, "reset or closed before a full answer");
}

#[test]
fn half_an_answer_then_closed() {
    let server = FaultServer::start(Fault::HalfAnswer);
    let url = server.url("/webhook");
    let (kind, message) = replay_error(&replay(&url, "5s"));
    assert_eq!(kind, "connection_reset", "{message}");
    assert_eq!(
        message,
        format!("the connection to {url} was reset or closed before a full answer")
    );
    probe(&url, "5s").expect(1, "reset or closed before a full answer");
}

#[test]
fn no_answer_is_a_timeout_that_is_honoured() {
    let server = FaultServer::start(Fault::Silent);
    let url = server.url("/webhook");
    let started = Instant::now();
    let (kind, message) = replay_error(&replay(&url, "700ms"));
    assert_eq!(kind, "timeout");
    assert_eq!(message, format!("no answer from {url} within 700ms"));
    // Honoured: far below the 30s default (a loose bound, not a speed test).
    assert!(started.elapsed() < Duration::from_secs(20));
    probe(&url, "300ms").expect(1, &format!("no answer from {url} within 300ms"));
}

#[test]
fn redirects_are_reported_not_followed() {
    let server = FaultServer::start(Fault::Redirect);
    let url = server.url("/webhook");
    let ran = replay(&url, "5s");
    ran.clean();
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let report = ran.json();
    assert_eq!(report["requests"][0]["status"], 302);
    assert_eq!(report["requests"][0]["ok"], false);
    // One request only: /elsewhere was never asked for.
    assert_eq!(server.connections(), 1);
    let ran = probe(&url, "5s");
    ran.expect(1, "302");
}

#[test]
fn an_endless_answer_is_read_up_to_a_bound() {
    let server = FaultServer::start(Fault::EndlessBody);
    let url = server.url("/webhook");
    // The timeout is long: the answer must be cut at the bound, not by the clock.
    let ran = replay(&url, "60s");
    ran.clean();
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    let report = ran.json();
    let request = &report["requests"][0];
    assert_eq!(request["status"], 200);
    assert_eq!(request["response_truncated"], true);
    let shown = request["response"].as_str().unwrap().len();
    assert!(shown <= 64 * 1024, "{shown} bytes kept");
}

#[test]
fn probe_survives_an_endless_answer_to_every_case() {
    let server = FaultServer::start(Fault::EndlessBody);
    // Every case gets 200 and an endless body: cut at the bound, so the run ends long before the
    // timeout would, and the cases that expect a refusal fail on the 200.
    let ran = probe(&server.url("/webhook"), "60s");
    ran.expect(1, "200");
    assert!(!ran.stdout.contains("no answer"), "{}", ran.stdout);
    assert!(server.connections() > 1);
}

fn send(url: &str, timeout: &str) -> Ran {
    let output = cmd()
        .args([
            "send",
            "card.created",
            "--url",
            url,
            "--secret",
            SECRET,
            "--timeout",
            timeout,
        ])
        .args(["--format", "json"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    Ran::from(output)
}

#[test]
fn send_faults() {
    let refused = refused_url();
    send(&refused, "5s").expect(1, &format!("connection refused at {refused}"));
    send(UNRESOLVABLE_URL, "10s").expect(1, "no-such-host.invalid");
    for fault in [Fault::Reset, Fault::HalfAnswer] {
        let server = FaultServer::start(fault);
        send(&server.url("/webhook"), "5s").expect(1, "reset or closed before a full answer");
    }
    let silent = FaultServer::start(Fault::Silent);
    let url = silent.url("/webhook");
    send(&url, "700ms").expect(1, &format!("no answer from {url} within 700ms"));
    let redirect = FaultServer::start(Fault::Redirect);
    send(&redirect.url("/webhook"), "5s").expect(1, "302");
    assert_eq!(redirect.connections(), 1);
    let endless = FaultServer::start(Fault::EndlessBody);
    let ran = send(&endless.url("/webhook"), "60s");
    ran.expect(0, "200");
    assert_eq!(
        ran.json()["deliveries"][0]["attempts"][0]["response_body_truncated"],
        true
    );
    // Load mode: a connection left with an unread answer is not reused for the next delivery.
    let endless = FaultServer::start(Fault::EndlessBody);
    let output = cmd()
        .args([
            "send",
            "--all",
            "--url",
            &endless.url("/webhook"),
            "--secret",
            SECRET,
        ])
        .args(["--count", "10", "--concurrency", "2", "--timeout", "60s"])
        .timeout(Duration::from_secs(90))
        .output()
        .unwrap();
    let ran = Ran::from(output);
    ran.clean();
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    assert_eq!(endless.connections(), 10);
}

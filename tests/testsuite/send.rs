//! `send` through the real binary against a real local server: what arrives (method, path, the
//! four headers, the body bytes, a signature recomputed here), overrides, files, retries,
//! redirects, unreachable endpoints and the JSON report.

use std::io::Write;
use std::time::Duration;

use crate::common::{Recorded, Reply, TestServer, cmd, expected_signature};
use predicates::prelude::*;
use serde_json::Value;

const SECRET: &str = "whsec_test_4f9a";

fn sample(event: &str) -> Value {
    let path = format!(
        "{}/crates/titancard-webhooks/samples/{event}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Asserts the request is a webhook delivery of `event` carrying exactly `body`.
fn assert_delivery(request: &Recorded, path: &str, event: &str, body: &[u8]) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, path);
    assert_eq!(
        request.body,
        body,
        "{}",
        String::from_utf8_lossy(&request.body)
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.header("x-webhook-signature").map(str::to_string),
        Some(expected_signature(SECRET, body))
    );
    assert_eq!(request.header("x-webhook-event"), Some(event));
    assert_eq!(request.header("user-agent"), Some("TitanCard-Webhooks/1.0"));
}

fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn sends_the_sample_with_a_fresh_timestamp_compact_and_signed() {
    let server = TestServer::ok();
    cmd()
        .args([
            "send",
            "connection.created",
            "--secret",
            SECRET,
            "--timestamp",
            "1700000000123",
        ])
        .args(["--url", &server.url("/webhook?x=1")])
        .assert()
        .success()
        .stdout(predicate::str::contains("connection.created"))
        .stdout(predicate::str::contains("200 OK"))
        .stdout(predicate::str::contains("{\"received\":true}"));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let mut expected = sample("connection.created");
    expected["timestamp"] = 1_700_000_000_123u64.into();
    let body = serde_json::to_vec(&expected).unwrap();
    assert_delivery(&requests[0], "/webhook?x=1", "connection.created", &body);
    // Exactly the reference's four headers, plus what HTTP/1.1 itself needs.
    let mut names: Vec<&str> = requests[0]
        .headers
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "content-length",
            "content-type",
            "host",
            "user-agent",
            "x-webhook-event",
            "x-webhook-signature"
        ]
    );
}

#[test]
fn the_timestamp_defaults_to_now_in_milliseconds() {
    let server = TestServer::ok();
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    cmd()
        .args([
            "send",
            "card.viewed",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .assert()
        .success();
    let stamp = server.requests()[0].json()["timestamp"].as_u64().unwrap();
    assert!(
        stamp >= before && stamp < before + 60_000,
        "{stamp} vs {before}"
    );
}

#[test]
fn set_and_unset_change_the_payload() {
    let server = TestServer::ok();
    cmd()
        .args([
            "send",
            "card.updated",
            "--secret",
            SECRET,
            "--url",
            &server.url("/webhook"),
        ])
        .args([
            "--set",
            "data.title=CTO",
            "--set",
            r#"data.changed_fields=["title","company"]"#,
        ])
        .args([
            "--set",
            "data.changed_fields[1]=name",
            "--unset",
            "data.company",
            // Every key of the reference's example is required, so removing one needs this.
            "--no-validate",
        ])
        .assert()
        .success();
    let requests = server.requests();
    let data = &requests[0].json()["data"];
    assert_eq!(data["title"], "CTO");
    assert_eq!(data["changed_fields"], serde_json::json!(["title", "name"]));
    assert!(data.get("company").is_none());
    assert_delivery(&requests[0], "/webhook", "card.updated", &requests[0].body);
}

#[test]
fn a_path_the_event_does_not_have_is_refused_with_a_suggestion() {
    let server = TestServer::ok();
    cmd()
        .args([
            "send",
            "card.updated",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .args(["--set", "data.titel=CTO"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "data.titel: card.updated has no field 'titel' (did you mean data.title?)",
        ));
    cmd()
        .args([
            "send",
            "card.updated",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .args(["--unset", "data..title"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid path 'data..title'"));
    cmd()
        .args([
            "send",
            "card.updated",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .args(["--set", "data.changed_fields[x]=1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not an array index"));
    assert!(server.requests().is_empty());
}

#[test]
fn a_payload_file_is_sent_byte_for_byte() {
    let server = TestServer::ok();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    // Pretty-printed, odd spacing and a trailing newline: all of it must arrive unchanged.
    let sample = include_str!("../../crates/titancard-webhooks/samples/note.added.json");
    let bytes = sample
        .replacen("\"timestamp\": ", "\"timestamp\":   ", 1)
        .into_bytes();
    let bytes = &bytes[..];
    file.write_all(bytes).unwrap();
    cmd()
        .args(["send", "--secret", SECRET, "--url", &server.url("/hook")])
        .arg("--payload")
        .arg(file.path())
        .assert()
        .success();
    let requests = server.requests();
    assert_delivery(&requests[0], "/hook", "note.added", bytes);
}

#[test]
fn a_payload_on_stdin_with_a_different_event_argument_warns_and_sends() {
    let server = TestServer::ok();
    let bytes = b"{\"event\":\"card.viewed\",\"timestamp\":1,\"data\":{}}";
    cmd()
        .args([
            "send",
            "card.shared",
            "--payload",
            "-",
            "--secret",
            SECRET,
            "--no-validate",
        ])
        .args(["--url", &server.url("/")])
        .write_stdin(&bytes[..])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning:"))
        .stderr(predicate::str::contains("card.viewed"));
    assert_delivery(&server.requests()[0], "/", "card.shared", bytes);
}

#[test]
fn a_payload_with_no_event_anywhere_or_not_json_is_refused() {
    let server = TestServer::ok();
    cmd()
        .args([
            "send",
            "--payload",
            "-",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .write_stdin("{\"timestamp\":1,\"data\":{}}")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no event for the X-Webhook-Event header",
        ));
    cmd()
        .args(["send", "card.viewed", "--payload", "-", "--secret", SECRET])
        .args(["--url", &server.url("/")])
        .write_stdin("not json")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not JSON"))
        .stderr(predicate::str::contains("--no-validate"));
    assert!(server.requests().is_empty());
    // --no-validate sends it anyway, for negative tests.
    cmd()
        .args([
            "send",
            "card.viewed",
            "--payload",
            "-",
            "--secret",
            SECRET,
            "--no-validate",
        ])
        .args(["--url", &server.url("/")])
        .write_stdin("not json")
        .assert()
        .success();
    assert_delivery(&server.requests()[0], "/", "card.viewed", b"not json");
}

#[test]
fn an_invalid_payload_is_refused_unless_no_validate() {
    let server = TestServer::ok();
    cmd()
        .args([
            "send",
            "card.viewed",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .args(["--set", "timestamp=soon"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("timestamp: \"soon\" is a string"));
    assert!(server.requests().is_empty());
    cmd()
        .args([
            "send",
            "card.viewed",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .args(["--set", "timestamp=soon", "--no-validate"])
        .assert()
        .success();
    assert_eq!(server.requests()[0].json()["timestamp"], "soon");
}

#[test]
fn all_sends_the_fourteen_in_catalogue_order() {
    let server = TestServer::ok();
    cmd()
        .args([
            "send",
            "--all",
            "--secret",
            SECRET,
            "--url",
            &server.url("/webhook"),
        ])
        .assert()
        .success();
    let requests = server.requests();
    let order = crate::common::REFERENCE_EVENTS;
    assert_eq!(requests.len(), 14);
    for (request, event) in requests.iter().zip(order) {
        assert_eq!(request.json()["event"], event);
        assert_delivery(request, "/webhook", event, &request.body);
    }
}

#[test]
fn headers_are_added_and_override_defaults_and_malformed_ones_are_refused() {
    let server = TestServer::ok();
    cmd()
        .args([
            "send",
            "card.viewed",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .args(["-H", "X-Trace: abc 123", "--header", "user-agent: probe/2"])
        .assert()
        .success();
    let request = &server.requests()[0];
    assert_eq!(request.header("x-trace"), Some("abc 123"));
    assert_eq!(request.header("user-agent"), Some("probe/2"));
    assert_eq!(
        request
            .headers
            .iter()
            .filter(|(n, _)| n == "user-agent")
            .count(),
        1
    );
    cmd()
        .args([
            "send",
            "card.viewed",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .args(["--header", "no colon here"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value 'no colon here' for '--header <HEADER>': expected 'Name: value'",
        ));
}

#[test]
fn dry_run_prints_the_request_and_sends_nothing() {
    let server = TestServer::ok();
    let output = cmd()
        .args([
            "send",
            "card.deleted",
            "--dry-run",
            "--secret",
            SECRET,
            "--timestamp",
            "5",
        ])
        .args(["--url", &server.url("/webhook")])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = stdout_of(&output);
    let body = br#"{"event":"card.deleted","timestamp":5,"data":{"card_id":"k57abc123def","slug":"john-smith","deleted_at":1705420800000}}"#;
    let expected = format!(
        "POST /webhook HTTP/1.1\nHost: {}\nContent-Type: application/json\nX-Webhook-Signature: {}\n\
         X-Webhook-Event: card.deleted\nUser-Agent: TitanCard-Webhooks/1.0\nContent-Length: {}\n\n{}\n",
        server.addr,
        expected_signature(SECRET, body),
        body.len(),
        String::from_utf8_lossy(body)
    );
    assert_eq!(text, expected);
    assert!(!text.contains(SECRET) && !stderr_of(&output).contains(SECRET));
    // No URL is needed to look.
    cmd()
        .args(["send", "--all", "--dry-run", "--secret", SECRET])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "X-Webhook-Event: enrichment.completed",
        ))
        .stdout(predicate::str::contains(SECRET).not());
    std::thread::sleep(Duration::from_millis(100));
    assert!(server.requests().is_empty());
}

#[test]
fn retry_follows_the_schedule_until_a_2xx() {
    let server = TestServer::start(|index, _| Reply::status(if index < 2 { 503 } else { 200 }));
    let output = cmd()
        .args([
            "send",
            "reminder.due",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .args(["--retry-schedule", "50ms,50ms,50ms"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    for line in [
        "attempt 1  503",
        "attempt 2  503",
        "attempt 3  200",
        "retrying in 50ms",
    ] {
        assert!(text.contains(line), "{line} in {text}");
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    // A retry is the same delivery: the same bytes and signature.
    for request in &requests {
        assert_delivery(request, "/", "reminder.due", &requests[0].body);
    }
}

#[test]
fn retry_gives_up_after_the_schedule_and_fails() {
    let server = TestServer::start(|_, _| Reply::status(500));
    cmd()
        .args([
            "send",
            "reminder.due",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .args(["--retry", "--retry-schedule", "10ms,10ms"])
        .assert()
        .code(1);
    assert_eq!(server.requests().len(), 3);
}

// A retried 500 with an empty body said its answer "below often names the line to fix".
#[test]
fn a_crash_points_at_its_answer_only_when_it_gave_one() {
    let said = |body: &'static str| {
        let server = TestServer::start(move |_, _| Reply::status(500).with_body(body));
        let output = cmd()
            .args(["send", "reminder.due", "--secret", SECRET])
            .args(["--url", &server.url("/"), "--retry-schedule", "10ms"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
        stdout_of(&output)
    };
    let empty = said("");
    assert!(
        empty.contains("the endpoint crashed (answered 500)"),
        "{empty}"
    );
    assert!(!empty.contains("its answer"), "{empty}");
    assert!(empty.contains("its own log"), "{empty}");
    let with_body = said("TypeError: row is undefined");
    assert!(
        with_body.contains("its answer often names the line to fix"),
        "{with_body}"
    );
}

#[test]
fn a_redirect_is_a_failure_and_is_not_followed() {
    let server = TestServer::start(|_, _| Reply::status(302).with_header("Location", "/elsewhere"));
    cmd()
        .args([
            "send",
            "card.created",
            "--secret",
            SECRET,
            "--url",
            &server.url("/webhook"),
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("302"))
        .stdout(predicate::str::contains("not followed"));
    std::thread::sleep(Duration::from_millis(100));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/webhook");
}

#[test]
fn a_closed_port_is_reported_plainly() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/webhook");
    let output = cmd()
        .args(["send", "card.created", "--secret", SECRET, "--url", &url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout_of(&output).contains(&format!("connection refused at {url}")));
    assert!(!stderr_of(&output).contains("panicked"));
}

#[test]
fn a_slow_endpoint_times_out() {
    let server = TestServer::start(|_, _| Reply::status(200).with_delay(Duration::from_secs(3)));
    cmd()
        .args([
            "send",
            "card.created",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .args(["--timeout", "300ms"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("no answer"))
        .stdout(predicate::str::contains("within 300ms"));
}

#[test]
fn no_secret_names_all_three_sources() {
    cmd()
        .args(["send", "card.created", "--url", "http://127.0.0.1:9/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--secret"))
        .stderr(predicate::str::contains("--secret-file"))
        .stderr(predicate::str::contains("TITANCARD_WEBHOOK_SECRET"));
}

#[test]
fn the_secret_can_come_from_the_environment() {
    let server = TestServer::ok();
    cmd()
        .env("TITANCARD_WEBHOOK_SECRET", SECRET)
        .args(["send", "card.created", "--url", &server.url("/")])
        .assert()
        .success();
    assert_delivery(
        &server.requests()[0],
        "/",
        "card.created",
        &server.requests()[0].body,
    );
}

#[test]
fn a_mistyped_event_gets_a_suggestion() {
    cmd()
        .args([
            "send",
            "card.viewd",
            "--secret",
            SECRET,
            "--url",
            "http://127.0.0.1:9/",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean card.viewed?"));
}

#[test]
fn json_output_reports_every_attempt_with_the_response() {
    let server = TestServer::start(|index, _| {
        if index == 0 {
            Reply::status(500).with_body("boom")
        } else {
            Reply::status(201).with_body("{\"ok\":1}")
        }
    });
    let output = cmd()
        .args([
            "send",
            "card.created",
            "--secret",
            SECRET,
            "--url",
            &server.url("/w"),
        ])
        .args(["--retry-schedule", "10ms", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report: Value = crate::common::json_output("send", &output.stdout);
    assert_eq!(report["ok"], true);
    assert_eq!(report["counts"]["delivered"], 1);
    let delivery = &report["deliveries"][0];
    assert_eq!(delivery["event"], "card.created");
    assert_eq!(delivery["url"], server.url("/w"));
    assert_eq!(delivery["ok"], true);
    let attempts = delivery["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0]["attempt"], 1);
    assert_eq!(attempts[0]["ok"], false);
    assert_eq!(attempts[0]["status"], 500);
    assert_eq!(attempts[0]["response"]["body"], "boom");
    assert_eq!(attempts[1]["status"], 201);
    assert_eq!(attempts[1]["response"]["body"], "{\"ok\":1}");
    // Durations are milliseconds rounded to 3 decimals.
    let millis = attempts[1]["millis"].as_f64().unwrap();
    assert_eq!((millis * 1000.0).round() / 1000.0, millis);
    assert!(attempts[1]["error"].is_null());

    // No answer: status null, the error in words and as a kind.
    let output = cmd()
        .args([
            "send",
            "card.created",
            "--secret",
            SECRET,
            "--format",
            "json",
        ])
        .args(["--url", "http://127.0.0.1:9/w"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = crate::common::json_output("send", &output.stdout);
    let attempt = &report["deliveries"][0]["attempts"][0];
    assert!(attempt["status"].is_null());
    assert!(attempt["response"].is_null());
    assert_eq!(attempt["error"]["kind"], "connection_refused");
    assert_eq!(report["ok"], false);
}

#[test]
fn verbose_shows_the_request_as_sent_and_the_whole_answer() {
    let server = TestServer::start(|_, _| {
        Reply::status(422)
            .with_header("x-trace", "t-1")
            .with_body("{\"error\":\"bad\"}")
    });
    let output = cmd()
        .args([
            "send",
            "card.deleted",
            "--secret",
            SECRET,
            "--url",
            &server.url("/w?x=1"),
        ])
        .args(["-v", "--timestamp", "5"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    let body = &server.requests()[0].body;
    for expected in [
        "| POST /w?x=1 HTTP/1.1".to_string(),
        format!(
            "| X-Webhook-Signature: {}",
            expected_signature(SECRET, body)
        ),
        format!("| {}", String::from_utf8_lossy(body)),
        "| HTTP/1.1 422 Unprocessable Entity".to_string(),
        "| x-trace: t-1".to_string(),
        "| {\"error\":\"bad\"}".to_string(),
        "the endpoint rejected the body (422)".to_string(),
    ] {
        assert!(text.contains(&expected), "{expected}\n{text}");
    }
    assert!(!text.contains(SECRET));
}

//! `send --count N --concurrency C` (load mode) through the real binary against a real local
//! server: every delivery arrives once, with its own timestamp, id and a valid signature.

use std::collections::HashSet;

use crate::common::{Reply, TestServer, cmd, expected_signature};
use predicates::prelude::*;
use serde_json::Value;

const SECRET: &str = "whsec_load";

/// The id-like field load mode varies, as it appears in the payload.
fn id_of(body: &Value) -> String {
    ["id", "card_id", "connection_id"]
        .iter()
        .find_map(|field| body["data"][field].as_str())
        .expect("an id field")
        .to_string()
}

#[test]
fn every_delivery_has_its_own_timestamp_id_and_signature() {
    let server = TestServer::ok();
    let output = cmd()
        .args([
            "send",
            "--all",
            "--secret",
            SECRET,
            "--url",
            &server.url("/webhook"),
        ])
        .args(["--count", "60", "--concurrency", "4", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 60);
    let mut stamps = HashSet::new();
    let mut ids = HashSet::new();
    let mut events = HashSet::new();
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/webhook");
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.header("user-agent"), Some("TitanCard-Webhooks/1.0"));
        assert_eq!(
            request.header("x-webhook-signature").map(str::to_string),
            Some(expected_signature(SECRET, &request.body))
        );
        let body = request.json();
        assert_eq!(request.header("x-webhook-event"), body["event"].as_str());
        stamps.insert(body["timestamp"].as_u64().unwrap());
        ids.insert(id_of(&body));
        events.insert(body["event"].as_str().unwrap().to_string());
    }
    assert_eq!(stamps.len(), 60, "unique timestamps");
    assert_eq!(ids.len(), 60, "unique ids");
    assert_eq!(events.len(), 14, "--all cycles through the catalogue");

    let summary: Value = crate::common::json_output("send-load", &output.stdout);
    assert_eq!(summary["counts"]["deliveries"], 60);
    assert_eq!(summary["counts"]["delivered"], 60);
    assert_eq!(summary["counts"]["failed"], 0);
    assert_eq!(summary["counts"]["by_status"]["200"], 60);
    assert_eq!(summary["counts"]["by_error"], serde_json::json!({}));
    assert_eq!(summary["ok"], true);
    for key in ["min", "p50", "p90", "p99", "max"] {
        assert!(summary["latency_millis"][key].is_number(), "{key}");
    }
    assert!(summary["requests_per_second"].as_f64().unwrap() > 0.0);
}

// Regression: a connection whose answer had a body was dropped after each delivery (none of the
// body is kept in load mode), so every delivery opened a new connection.
#[test]
fn deliveries_reuse_their_connections() {
    let server = TestServer::ok();
    cmd()
        .args([
            "send",
            "card.created",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .args(["--count", "30", "--concurrency", "2"])
        .assert()
        .success();
    assert_eq!(server.requests().len(), 30);
    assert!(
        server.connections() <= 2,
        "{} connections",
        server.connections()
    );
}

#[test]
fn overrides_apply_to_every_delivery_and_the_summary_is_human_by_default() {
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
        .args([
            "-n",
            "10",
            "-c",
            "3",
            "--rate",
            "1000",
            "--set",
            "data.title=CTO",
        ])
        .args(["--timestamp", "1000"])
        .assert()
        .success()
        .stdout(predicate::str::contains("10 deliveries in"))
        .stdout(predicate::str::contains("requests/s"))
        .stdout(predicate::str::contains("200: 10"))
        .stdout(predicate::str::contains("p99"))
        .stderr(predicate::str::is_empty());
    let requests = server.requests();
    assert_eq!(requests.len(), 10);
    let mut stamps: Vec<u64> = requests
        .iter()
        .map(|request| {
            assert_eq!(request.json()["data"]["title"], "CTO");
            request.json()["timestamp"].as_u64().unwrap()
        })
        .collect();
    stamps.sort_unstable();
    assert_eq!(stamps, (1000..1010).collect::<Vec<_>>());
}

#[test]
fn failures_are_counted_and_fail_the_run() {
    let server =
        TestServer::start(|index, _| Reply::status(if index % 2 == 0 { 200 } else { 503 }));
    let output = cmd()
        .args([
            "send",
            "note.added",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .args(["--count", "20", "--concurrency", "2", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let summary: Value = crate::common::json_output("send-load", &output.stdout);
    assert_eq!(summary["counts"]["by_status"]["200"], 10);
    assert_eq!(summary["counts"]["by_status"]["503"], 10);
    assert_eq!(summary["counts"]["failed"], 10);
    assert_eq!(summary["ok"], false);
}

#[test]
fn each_failing_status_is_explained_and_only_missing_answers_are_errors() {
    let server = TestServer::start(|_, _| Reply::status(401));
    let output = cmd()
        .args([
            "send",
            "note.added",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .args(["--count", "12", "--concurrency", "3"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("status   401: 12"), "{text}");
    assert!(
        text.contains(
            "401: the endpoint rejected the signature (401): does it use the same secret"
        ),
        "{text}"
    );
    assert!(text.contains("errors   none"), "{text}");
    assert!(text.contains("12 of 12 deliveries failed"), "{text}");
    let output = cmd()
        .args([
            "send",
            "note.added",
            "--secret",
            SECRET,
            "--url",
            &server.url("/"),
        ])
        .args(["--count", "4", "--format", "json"])
        .output()
        .unwrap();
    let summary = crate::common::json_output("send-load", &output.stdout);
    assert_eq!(summary["failures"][0]["status"], 401);
    assert_eq!(summary["failures"][0]["count"], 4);
    assert_eq!(
        summary["failures"][0]["explanation"]["kind"],
        "signature_rejected"
    );
}

#[test]
fn an_unreachable_endpoint_is_counted_by_kind() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = cmd()
        .args(["send", "card.viewed", "--secret", SECRET])
        .args(["--url", &format!("http://127.0.0.1:{port}/webhook")])
        .args(["--count", "5", "--concurrency", "2"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("connection_refused: 5"), "{text}");
    assert!(text.contains("5 of 5 deliveries failed"), "{text}");
}

#[test]
fn load_mode_refuses_flags_it_cannot_honour() {
    for extra in [
        &["--payload", "x.json"][..],
        &["--dry-run"][..],
        &["--retry"][..],
        &["--concurrency", "0"][..],
        &["--rate", "0"][..],
    ] {
        cmd()
            .args([
                "send",
                "--secret",
                SECRET,
                "--url",
                "http://127.0.0.1:9/",
                "--count",
                "3",
            ])
            .args(if extra[0] == "--payload" {
                &[][..]
            } else {
                &["card.viewed"][..]
            })
            .args(extra)
            .assert()
            .code(2);
    }
}

//! `replay` through the real binary to a real HTTP server: bytes and headers unchanged,
//! `--resign`, and failures.

use std::path::PathBuf;

use crate::common::{Reply, TestServer, cmd, expected_signature};
use crate::verify_support::*;
use serde_json::Value;

const SECRET: &str = "whsec_test";

fn write(dir: &tempfile::TempDir, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn delivery(event: &str, body: &[u8]) -> Vec<(String, String)> {
    delivery_headers(event, &expected_signature(SECRET, body))
}

#[test]
fn listen_records_are_replayed_byte_for_byte_with_their_headers() {
    let server = TestServer::ok();
    let first = payload("card.created", -5_000);
    // A pretty body with a trailing newline: any re-serialization would show.
    let second =
        b"{\n  \"event\": \"note.added\",\n  \"timestamp\": 1,\n  \"data\": {}\n}\n".to_vec();
    let mut headers = delivery("note.added", &second);
    headers.push(("X-Request-Id".into(), "abc-123".into()));
    headers.push(("Host".into(), "old.example:8787".into()));
    headers.push(("Content-Length".into(), "999".into()));
    // Bytes that are not UTF-8 are saved as base64 and must go out as the same bytes.
    let binary = vec![0xffu8, 0x00, 0x7b, 0x80];
    let records = [
        record(delivery("card.created", &first), &first),
        record(headers, &second),
        record(delivery("card.created", &binary), &binary),
    ];
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "events.jsonl", jsonl(&records));
    let output = cmd()
        .args([
            "replay",
            file.to_str().unwrap(),
            "--url",
            &server.url("/hook"),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("200") && stdout.contains("3 replayed"),
        "{stdout}"
    );
    let seen = server.requests();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[2].body, binary);
    assert_eq!(seen[0].body, first);
    assert_eq!(seen[1].body, second);
    assert_eq!(seen[1].path, "/hook");
    for (request, body, event) in [
        (&seen[0], &first, "card.created"),
        (&seen[1], &second, "note.added"),
    ] {
        assert_eq!(
            request.header("x-webhook-signature"),
            Some(expected_signature(SECRET, body).as_str())
        );
        assert_eq!(request.header("x-webhook-event"), Some(event));
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.header("user-agent"), Some("TitanCard-Webhooks/1.0"));
    }
    assert_eq!(seen[1].header("x-request-id"), Some("abc-123"));
    // Connection headers describe the new connection, not the recorded one.
    assert_eq!(
        seen[1].header("host"),
        Some(server.addr.to_string().as_str())
    );
    assert_eq!(
        seen[1].header("content-length"),
        Some(second.len().to_string().as_str())
    );
}

#[test]
fn a_raw_capture_is_replayed_and_can_be_resigned() {
    let server = TestServer::ok();
    let body = payload("connection.tagged", 0);
    let raw = capture_chunked(&as_refs(&delivery("connection.tagged", &body)), &body, 4);
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "capture.http", raw);
    cmd()
        .args([
            "replay",
            file.to_str().unwrap(),
            "--url",
            &server.url("/webhook"),
        ])
        .assert()
        .code(0);
    cmd()
        .args([
            "replay",
            file.to_str().unwrap(),
            "--url",
            &server.url("/webhook"),
        ])
        .args(["--resign", "--secret", "whsec_new"])
        .assert()
        .code(0);
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(
            request.body, body,
            "the chunked body arrives decoded, unchanged"
        );
        assert_eq!(request.header("transfer-encoding"), None);
    }
    assert_eq!(
        seen[0].header("x-webhook-signature"),
        Some(expected_signature(SECRET, &body).as_str())
    );
    assert_eq!(
        seen[1].header("x-webhook-signature"),
        Some(expected_signature("whsec_new", &body).as_str())
    );
    let signatures = seen[1]
        .headers
        .iter()
        .filter(|(name, _)| name == "x-webhook-signature")
        .count();
    assert_eq!(signatures, 1);
}

fn as_refs(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

#[test]
fn non_2xx_answers_and_closed_ports_exit_1() {
    let body = payload("card.created", 0);
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "events.jsonl",
        jsonl(&[record(delivery("card.created", &body), &body)]),
    );
    let server =
        TestServer::start(|_, _| Reply::status(401).with_body("{\"error\":\"Invalid signature\"}"));
    let output = cmd()
        .args([
            "replay",
            file.to_str().unwrap(),
            "--url",
            &server.url("/w"),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let doc: Value = crate::common::json_output("replay", &output.stdout);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["counts"]["failed"], 1);
    assert_eq!(doc["requests"][0]["status"], 401);
    assert_eq!(doc["requests"][0]["event"], "card.created");
    assert!(
        doc["requests"][0]["response"]["body"]
            .as_str()
            .unwrap()
            .contains("Invalid signature")
    );
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = cmd()
        .args([
            "replay",
            file.to_str().unwrap(),
            "--url",
            &format!("http://127.0.0.1:{port}/w"),
        ])
        .args(["--timeout", "5s"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("connection refused"), "{stdout}");
}

#[test]
fn usage_errors_exit_2() {
    let body = payload("card.created", 0);
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "events.jsonl",
        jsonl(&[record(delivery("card.created", &body), &body)]),
    );
    // --resign needs a secret; without one the error names all three sources.
    cmd()
        .args([
            "replay",
            file.to_str().unwrap(),
            "--url",
            "http://127.0.0.1:9/w",
            "--resign",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("TITANCARD_WEBHOOK_SECRET"));
    let garbage = write(&dir, "garbage.bin", [0u8, 0xff, 0x10]);
    cmd()
        .args([
            "replay",
            garbage.to_str().unwrap(),
            "--url",
            "http://127.0.0.1:9/w",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "garbage.bin: not a raw HTTP request",
        ));
    cmd()
        .args(["replay", file.to_str().unwrap(), "--url", "ftp://x/y"])
        .assert()
        .code(2);
}

/// `replay 01-connection.created.json --resign` refused a story's numbered fixture ("not a raw
/// HTTP request or listen --save records"): a bare body is now sent byte for byte with the
/// reference's headers, its event taken from the body, as `send --payload` does.
#[test]
fn a_story_fixture_body_is_replayed_when_resigned() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixtures");
    cmd()
        .args(["story", "contact-lifecycle", "--out", out.to_str().unwrap()])
        .args([
            "--seed",
            "1",
            "--timestamp",
            "1705420800000",
            "--secret",
            SECRET,
        ])
        .assert()
        .code(0);
    let fixture = out.join("01-connection.created.json");
    let body = std::fs::read(&fixture).unwrap();
    let server = TestServer::ok();
    let output = cmd()
        .args(["replay", fixture.to_str().unwrap(), "--resign"])
        .args(["--secret", "whsec_new", "--url", &server.url("/webhook")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body, body);
    assert_eq!(
        seen[0].header("x-webhook-signature"),
        Some(expected_signature("whsec_new", &body).as_str())
    );
    assert_eq!(
        seen[0].header("x-webhook-event"),
        Some("connection.created")
    );
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    assert_eq!(seen[0].header("user-agent"), Some("TitanCard-Webhooks/1.0"));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("connection.created  200"), "{stdout}");

    // Without --resign there is no signature to keep: the way out is named, nothing is sent.
    let output = cmd()
        .args([
            "replay",
            fixture.to_str().unwrap(),
            "--url",
            &server.url("/webhook"),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("pass --resign"), "{stderr}");
    assert_eq!(server.requests().len(), 1);
    // A body naming no event cannot say what X-Webhook-Event to send.
    let nameless = write(&dir, "nameless.json", b"{\"data\":{}}");
    let output = cmd()
        .args([
            "replay",
            nameless.to_str().unwrap(),
            "--resign",
            "--secret",
            SECRET,
        ])
        .args(["--url", &server.url("/webhook")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("no \"event\""), "{stderr}");
}

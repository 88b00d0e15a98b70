//! `probe` through the real binary, against real HTTP servers that each break one receiver rule,
//! a receiver written here that follows them all, and the reference's own Flask and Express
//! receiver samples.

use std::collections::HashSet;
use std::time::Duration;

use crate::common::{Reply, TestServer, cmd};
use crate::peers_support::Peer;
use crate::probe_support::*;
use serde_json::Value;

#[test]
fn a_conforming_receiver_passes_every_case() {
    let server = TestServer::start(|_, request| conforming(request));
    let (code, document) = probe_json(&server.url("/webhook"), &["--timeout", "5s"]);
    assert_eq!(code, 0, "{document}");
    assert_eq!(document["ok"], true);
    assert_eq!(document["counts"]["failed"], 0);
    assert_eq!(document["error"], Value::Null);
    assert_eq!(document["url"], server.url("/webhook"));
    let ids: Vec<&str> = cases(&document)
        .iter()
        .map(|case| case["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, all_ids(&ALL_EVENTS));
    assert_eq!(case(&document, "missing-signature")["status"], 401);
    assert_eq!(case(&document, "malformed-json")["status"], 400);
    assert_eq!(case(&document, "duplicate-delivery")["status"], 200);
    // 14 valid cases, 6 single-request negative cases, and the duplicate sent twice.
    assert_eq!(server.requests().len(), 22);
}

#[test]
fn the_projects_own_listen_passes_every_case() {
    let listen = crate::listen_support::Listen::start(&["--secret", SECRET]);
    let (code, document) = probe_json(&listen.url, &["--timeout", "5s"]);
    assert_eq!(code, 0, "{document}");
    assert!(failing_ids(&document).is_empty(), "{document}");
    assert_eq!(cases(&document).len(), all_ids(&ALL_EVENTS).len());
    let (status, _, _) = listen.stop("-INT");
    assert_eq!(status, Some(0));
}

#[test]
fn every_request_carries_the_delivery_headers_and_the_test_marker() {
    let server = TestServer::start(|_, request| conforming(request));
    let (code, _) = probe_json(&server.url("/hook?x=1"), &["--timeout", "5s"]);
    assert_eq!(code, 0);
    let requests = server.requests();
    let mut stamps = Vec::new();
    let mut unsigned = 0;
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/hook?x=1");
        assert_eq!(
            request.header("x-webhook-test"),
            Some("true"),
            "{request:?}"
        );
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.header("user-agent"), Some("TitanCard-Webhooks/1.0"));
        let event = request.header("x-webhook-event").unwrap();
        match request.header("x-webhook-signature") {
            None => unsigned += 1,
            Some(value) => assert!(
                value.starts_with("sha256=") || value == "not-a-signature",
                "{value}"
            ),
        }
        if let Ok(body) = serde_json::from_slice::<Value>(&request.body) {
            assert_eq!(body["event"], event, "header and body name the same event");
            stamps.push(body["timestamp"].as_u64().unwrap());
        }
    }
    assert_eq!(unsigned, 1, "only missing-signature leaves the header out");
    // Timestamps are fresh milliseconds, one per case; only the duplicate repeats one.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    assert!(
        stamps.iter().all(|stamp| now.abs_diff(*stamp) < 600_000),
        "{stamps:?}"
    );
    let distinct: HashSet<_> = stamps.iter().collect();
    assert_eq!(distinct.len(), stamps.len() - 1);
    // The duplicate is the same bytes with the same signature.
    let (first, second) = (&requests[20], &requests[21]);
    assert_eq!(first.body, second.body);
    assert_eq!(
        first.header("x-webhook-signature"),
        second.header("x-webhook-signature")
    );
}

#[test]
fn a_500_on_a_missing_signature_is_reported_as_a_crash() {
    let server = TestServer::start(|_, request| {
        if request.header("x-webhook-signature").is_none() {
            Reply::status(500).with_body("TypeError")
        } else {
            conforming(request)
        }
    });
    let (code, document) = probe_json(&server.url("/webhook"), &["--timeout", "5s"]);
    assert_eq!(code, 1);
    assert_eq!(document["ok"], false);
    assert_eq!(failing_ids(&document), ["missing-signature"]);
    let failed = case(&document, "missing-signature");
    assert_eq!(failed["status"], 500);
    assert_eq!(failed["expected"], "401");
    let detail = failed["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("the endpoint crashed on missing-signature (answered 500)"),
        "{detail}"
    );
    assert!(
        detail.contains("\"Return 401 if signature verification fails\""),
        "{detail}"
    );

    // The human table says the same, with the rule, and ends on the crash.
    let output = cmd()
        .args([
            "probe",
            "--url",
            &server.url("/webhook"),
            "--secret",
            SECRET,
        ])
        .args(["--event", "card.created"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(output).unwrap();
    assert!(text.contains("✗ missing-signature"), "{text}");
    assert!(
        text.contains("rule:   \"Return 401 if signature verification fails\""),
        "{text}"
    );
    assert!(
        text.trim_end()
            .ends_with("7 of 8 cases passed, 1 failed; the endpoint crashed on missing-signature"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour off a terminal");
    assert!(!text.contains("hint:"), "the secret is right: {text}");
}

#[test]
fn an_endpoint_that_accepts_everything_fails_every_rejection_case() {
    let server = TestServer::ok();
    let (code, document) = probe_json(&server.url("/webhook"), &["--timeout", "5s"]);
    assert_eq!(code, 1);
    let mut expected: Vec<&str> = SIGNATURE_CASES.to_vec();
    expected.push("malformed-json");
    assert_eq!(failing_ids(&document), expected);
    for id in SIGNATURE_CASES {
        let failed = case(&document, id);
        assert_eq!(failed["status"], 200);
        assert!(
            failed["detail"]
                .as_str()
                .unwrap()
                .starts_with("answered 200: the endpoint accepted what it should reject"),
            "{failed}"
        );
    }
    assert!(
        case(&document, "malformed-json")["detail"]
            .as_str()
            .unwrap()
            .contains("\"Return 400 for malformed payloads\"")
    );
}

#[test]
fn a_200_on_malformed_json_fails_only_that_case() {
    let server = TestServer::start(|_, request| match conforming(request).status {
        400 => Reply::status(200),
        _ => conforming(request),
    });
    let (code, document) = probe_json(&server.url("/webhook"), &["--event", "note.added"]);
    assert_eq!(code, 1);
    assert_eq!(failing_ids(&document), ["malformed-json"]);
    let failed = case(&document, "malformed-json");
    assert_eq!(failed["expected"], "400");
    assert_eq!(failed["status"], 200);
}

#[test]
fn an_answer_after_the_timeout_is_no_answer() {
    // Only the first valid delivery is slow.
    let server = TestServer::start(|index, request| {
        let reply = conforming(request);
        if index == 0 {
            reply.with_delay(Duration::from_secs(2))
        } else {
            reply
        }
    });
    let (code, document) = probe_json(
        &server.url("/webhook"),
        &["--event", "card.created", "--timeout", "300ms"],
    );
    assert_eq!(code, 1);
    assert_eq!(failing_ids(&document), ["valid-card.created"]);
    let failed = case(&document, "valid-card.created");
    assert_eq!(failed["status"], Value::Null);
    let detail = failed["detail"].as_str().unwrap();
    assert!(detail.starts_with("no answer from"), "{detail}");
    assert!(detail.contains("within 300ms"), "{detail}");
    assert!(
        detail.contains("\"Return a 2xx status code within 30 seconds\""),
        "{detail}"
    );
}

#[test]
fn a_redirect_is_not_followed_and_fails() {
    let server = TestServer::start(|_, _| {
        Reply::status(308)
            .with_header("location", "/elsewhere")
            .with_body("")
    });
    let (code, document) = probe_json(&server.url("/webhook"), &["--event", "card.viewed"]);
    assert_eq!(code, 1);
    assert_eq!(failing_ids(&document).len(), 8);
    for case in cases(&document) {
        assert_eq!(case["status"], 308);
        assert!(
            case["detail"].as_str().unwrap().contains("a redirect"),
            "{case}"
        );
    }
    assert!(
        server
            .requests()
            .iter()
            .all(|request| request.path == "/webhook"),
        "never followed to /elsewhere"
    );
}

#[test]
fn an_unreachable_endpoint_is_one_clear_message_and_every_case_failed() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/webhook");
    let (code, document) = probe_json(&url, &[]);
    assert_eq!(code, 1);
    assert_eq!(cases(&document).len(), 21);
    assert_eq!(document["error"]["kind"], "connection_refused");
    for case in cases(&document) {
        assert_eq!(case["ok"], false);
        assert_eq!(case["status"], Value::Null);
        assert!(
            case["detail"]
                .as_str()
                .unwrap()
                .starts_with("not run: connection refused at"),
            "{case}"
        );
    }

    let output = cmd()
        .args(["probe", "--url", &url, "--secret", SECRET])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(output).unwrap();
    assert_eq!(text.matches("connection refused").count(), 1, "{text}");
    assert!(text.contains("none of the 21 cases ran"), "{text}");
}

#[test]
fn junit_has_one_test_case_per_probe_case() {
    let server = TestServer::start(|_, request| {
        if request.header("x-webhook-signature") == Some("not-a-signature") {
            Reply::status(502)
        } else {
            conforming(request)
        }
    });
    let output = cmd()
        .args([
            "probe",
            "--url",
            &server.url("/webhook"),
            "--secret",
            SECRET,
        ])
        .args(["--event", "reminder.due", "--format", "junit"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let xml = String::from_utf8(output).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("tests=\"8\" failures=\"1\""), "{xml}");
    for id in all_ids(&["reminder.due"]) {
        assert!(
            xml.contains(&format!("<testcase name=\"{id}\"")),
            "{id}: {xml}"
        );
    }
    assert!(
        xml.contains(
            "<failure message=\"the endpoint crashed on malformed-signature (answered 502)"
        ),
        "{xml}"
    );
}

#[test]
fn the_json_document_has_exactly_the_documented_keys() {
    let server = TestServer::start(|_, request| conforming(request));
    let (_, document) = probe_json(
        &server.url("/webhook"),
        &[
            "--event",
            "card.created",
            "--event",
            "note.added",
            "--event",
            "card.created",
        ],
    );
    // probe_json checked the document against schemas/output/probe.schema.json.
    let keys: Vec<&String> = document.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["ok", "url", "counts", "error", "cases"]);
    assert_eq!(document["counts"]["cases"], 9);
    for case in cases(&document) {
        let keys: Vec<&String> = case.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "id", "ok", "expected", "status", "statuses", "millis", "detail", "answer", "curl"
            ]
        );
        assert!(case["millis"].is_number());
        assert!(case["status"].is_u64());
    }
    // --event repeated: once each, in the order given; the other cases use the first event.
    assert_eq!(
        cases(&document)
            .iter()
            .map(|case| case["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        all_ids(&["card.created", "note.added"])
    );
    let events: HashSet<String> = server.requests()[2..]
        .iter()
        .map(|request| request.header("x-webhook-event").unwrap().to_string())
        .collect();
    assert_eq!(events, HashSet::from(["card.created".to_string()]));
}

#[test]
fn usage_errors_exit_2_before_anything_is_sent() {
    let server = TestServer::ok();
    cmd()
        .args([
            "probe",
            "--url",
            "ftp://127.0.0.1/webhook",
            "--secret",
            SECRET,
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("only http:// and https://"));
    cmd()
        .args(["probe", "--url", &server.url("/webhook")])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--secret-file"));
    cmd()
        .args([
            "probe",
            "--url",
            &server.url("/webhook"),
            "--secret",
            SECRET,
        ])
        .args(["--event", "card.viewd"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean card.viewed?"));
    assert!(server.requests().is_empty());
}

// The reference's own receiver samples, run as published: the defects the probe finds in them.

#[test]
fn the_reference_flask_receiver_crashes_on_a_missing_signature() {
    let peer = Peer::flask(SECRET);
    let (code, document) = probe_json(&peer.url, &["--timeout", "10s"]);
    assert_eq!(code, 1, "{document}");
    // request.headers.get() gives None, and hmac.compare_digest(None, str) raises TypeError.
    assert_eq!(failing_ids(&document), ["missing-signature"], "{document}");
    assert!(crashed(&document, "missing-signature"), "{document}");
    // compare_digest copes with a length mismatch, and request.json answers 400 itself.
    assert_eq!(case(&document, "truncated-signature")["status"], 401);
    assert_eq!(case(&document, "malformed-json")["status"], 400);
}

#[test]
fn the_reference_express_receiver_crashes_on_four_cases() {
    let peer = Peer::express(SECRET);
    let (code, document) = probe_json(&peer.url, &["--timeout", "10s"]);
    assert_eq!(code, 1, "{document}");
    // Buffer.from(undefined) throws on a missing header; timingSafeEqual throws on any length
    // mismatch (truncated, malformed); JSON.parse throws on a body that is not JSON. Express
    // answers each uncaught exception with 500.
    let expected = [
        "missing-signature",
        "truncated-signature",
        "malformed-signature",
        "malformed-json",
    ];
    assert_eq!(failing_ids(&document), expected, "{document}");
    for id in expected {
        assert!(crashed(&document, id), "{id}: {document}");
    }
    assert_eq!(case(&document, "wrong-secret")["status"], 401);
    assert_eq!(case(&document, "tampered-body")["status"], 401);
    // The answer shows the line to fix: Express's error page, read as text.
    let answer = case(&document, "truncated-signature")["answer"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(answer.starts_with("RangeError"), "{answer}");
    assert!(answer.contains("at verifyWebhookSignature ("), "{answer}");
    assert!(answer.contains("express_receiver.js:"), "{answer}");
}

#[test]
fn one_case_can_be_run_alone_and_sent_again_with_curl() {
    let peer = Peer::express(SECRET);
    let output = cmd()
        .args(["probe", "--url", &peer.url, "--secret", SECRET])
        .args([
            "--case",
            "truncated-signature",
            "--curl",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("with 1 cases"), "{text}");
    assert!(text.contains("answer: RangeError"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    // The printed command, run with the real curl, gets the same 500 from the same line.
    let start = text.find("again:  ").unwrap() + "again:  ".len();
    let command: String = text[start..]
        .lines()
        .map(str::trim)
        .take_while(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let command = command.replacen("curl -sS", "curl -sS -o /dev/stderr -w '%{http_code}'", 1);
    let ran = std::process::Command::new("sh")
        .arg("-c")
        .arg(&command)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&ran.stdout), "500", "{command}");
    assert!(String::from_utf8_lossy(&ran.stderr).contains("RangeError"));
    // A mistyped case id is refused with the closest one, before anything is sent.
    cmd()
        .args(["probe", "--url", &peer.url, "--secret", SECRET])
        .args(["--case", "truncated-signatur"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "did you mean truncated-signature?",
        ));
}

#[test]
fn the_duplicate_case_shows_both_answers() {
    let server = TestServer::start(|index, _| {
        Reply::status(if index == 0 { 200 } else { 409 }).with_body("{\"error\":\"exists\"}")
    });
    let (code, document) = probe_json(&server.url("/webhook"), &["--case", "duplicate-delivery"]);
    assert_eq!(code, 1);
    let dup = case(&document, "duplicate-delivery");
    assert_eq!(dup["statuses"], serde_json::json!([200, 409]));
    assert_eq!(dup["answer"], "{\"error\":\"exists\"}");
    assert!(
        dup["detail"]
            .as_str()
            .unwrap()
            .contains("(answers: 200, 409)"),
        "{dup}"
    );
    assert_eq!(dup["curl"].as_array().unwrap().len(), 2);
}

#[test]
fn a_401_to_every_signed_request_hints_at_the_secret() {
    let server = TestServer::start(|_, request| conforming(request));
    let output = cmd()
        .args([
            "probe",
            "--url",
            &server.url("/webhook"),
            "--secret",
            "not-the-endpoints",
        ])
        .args(["--event", "card.shared"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(output).unwrap();
    assert!(
        text.contains("hint: every correctly signed request got 401"),
        "{text}"
    );
}

#[test]
fn an_endpoint_that_dies_is_pointed_at_the_last_case_it_answered() {
    // A server that answers one request, then goes away (as a receiver process killed by an
    // uncaught exception would).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut chunk = [0u8; 4096];
        // Read the whole request (headers, then Content-Length bytes), so that closing the
        // socket does not reset the connection under the answer.
        let complete = |request: &[u8]| {
            let text = String::from_utf8_lossy(request).to_ascii_lowercase();
            let Some(end) = text.find("\r\n\r\n") else {
                return false;
            };
            let length: usize = text
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .map_or(0, |value| value.trim().parse().unwrap());
            request.len() >= end + 4 + length
        };
        while !complete(&request) {
            let read = stream.read(&mut chunk).unwrap();
            assert!(read > 0, "the request ended early");
            request.extend_from_slice(&chunk[..read]);
        }
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .unwrap();
    });
    let (code, document) = probe_json(&url, &["--event", "card.deleted"]);
    server.join().unwrap();
    assert_eq!(code, 1);
    assert_eq!(case(&document, "valid-card.deleted")["ok"], true);
    let next = case(&document, "wrong-secret");
    assert_eq!(next["status"], Value::Null);
    assert!(
        next["detail"]
            .as_str()
            .unwrap()
            .starts_with("connection refused at http://127.0.0.1:")
            && next["detail"]
                .as_str()
                .unwrap()
                .contains("(the endpoint stopped accepting connections after valid-card.deleted)"),
        "{next}"
    );
    assert_eq!(failing_ids(&document).len(), 7);
}

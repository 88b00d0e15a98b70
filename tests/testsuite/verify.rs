//! `verify` through the real binary: captures made by real clients on a raw TCP listener, listen
//! records, bare bodies; each diagnosis case; rotation; header checks; tolerance; bad inputs.

use std::path::{Path, PathBuf};

use crate::common::{cmd, expected_signature};
use crate::verify_support::*;
use serde_json::Value;

const SECRET: &str = "whsec_test";

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Dir(tempfile::tempdir().unwrap())
    }

    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

/// Runs verify and returns (exit code, stdout, stderr).
fn verify(args: &[&str], file: &Path) -> (i32, String, String) {
    let output = cmd().arg("verify").arg(file).args(args).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET));
    (output.status.code().unwrap(), stdout, stderr)
}

/// Verifies as JSON and returns the exit code and the one request's report.
fn verify_json(args: &[&str], file: &Path) -> (i32, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = verify(&all, file);
    assert!(!stdout.is_empty(), "{stderr}");
    let doc: Value = crate::common::json_output("verify", stdout.as_bytes());
    assert_eq!(doc["ok"], code == 0, "{doc}");
    (code, doc["requests"][0].clone())
}

fn causes(report: &Value) -> Vec<String> {
    report["diagnosis"]["causes"]
        .as_array()
        .unwrap_or_else(|| panic!("{report}"))
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

/// A bare body verified against `header`; the diagnosis causes it names.
fn diagnose_body(body: &[u8], header: &str) -> Vec<String> {
    let dir = Dir::new();
    let file = dir.file("body.json", body);
    let (code, report) = verify_json(&["--signature", header, "--secret", SECRET], &file);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["ok"], false);
    assert_eq!(report["diagnosis"]["secret"], 1, "{report}");
    causes(&report)
}

fn secret_args() -> [&'static str; 2] {
    ["--secret", SECRET]
}

fn delivery(event: &str, body: &[u8]) -> Vec<(String, String)> {
    delivery_headers(event, &expected_signature(SECRET, body))
}

fn as_refs(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

#[test]
fn a_capture_saved_from_a_real_client_verifies() {
    let body = payload("card.created", 0);
    let raw = capture_reqwest(&as_refs(&delivery("card.created", &body)), &body);
    let dir = Dir::new();
    let file = dir.file("capture.http", &raw);
    let (code, stdout, _) = verify(&secret_args(), &file);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("valid") && stdout.contains("card.created"),
        "{stdout}"
    );
    // The same capture with bare LF line endings in its header section.
    let lf = dir.file("capture-lf.http", head_to_lf(&raw));
    assert!(
        !std::fs::read(&lf)
            .unwrap()
            .starts_with(b"POST /webhook HTTP/1.1\r")
    );
    let (code, report) = verify_json(&secret_args(), &lf);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["signature"]["secret"], 1);
}

#[test]
fn a_chunked_capture_verifies_with_crlf_and_lf() {
    let body = payload("connection.created", 0);
    let raw = capture_chunked(&as_refs(&delivery("connection.created", &body)), &body, 3);
    let dir = Dir::new();
    let file = dir.file("chunked.http", &raw);
    let (code, report) = verify_json(&secret_args(), &file);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["event"], "connection.created");
    // A whole-file CRLF to LF conversion (chunk lines included) still decodes, since the body
    // itself holds no line break.
    let lf = String::from_utf8(raw).unwrap().replace("\r\n", "\n");
    let file = dir.file("chunked-lf.http", lf);
    let (code, report) = verify_json(&secret_args(), &file);
    assert_eq!(code, 0, "{report}");
}

#[test]
fn stdin_is_read_for_dash() {
    let body = payload("card.viewed", 0);
    let signature = expected_signature(SECRET, &body);
    cmd()
        .args(["verify", "-", "--signature", &signature, "--secret", SECRET])
        .write_stdin(body)
        .assert()
        .code(0);
}

#[test]
fn diagnosis_body_gained_a_trailing_newline() {
    let body = payload("card.created", 0);
    let mut received = body.clone();
    received.push(b'\n');
    let causes = diagnose_body(&received, &expected_signature(SECRET, &body));
    assert_eq!(causes, ["body_gained_trailing_newline"]);
}

#[test]
fn diagnosis_body_lost_a_trailing_newline_says_what_to_do() {
    let mut body = payload("card.created", 0);
    body.extend_from_slice(b"\r\n");
    let received = &body[..body.len() - 2];
    let dir = Dir::new();
    let file = dir.file("body.json", received);
    let sig = expected_signature(SECRET, &body);
    let (code, stdout, _) = verify(&["--signature", &sig, "--secret", SECRET], &file);
    assert_eq!(code, 1);
    assert!(
        stdout.contains(r"lost its trailing newline (\r\n)")
            && stdout.contains("don't read the body as text"),
        "{stdout}"
    );
}

fn pretty(body: &[u8], indent: &[u8]) -> Vec<u8> {
    use serde::Serialize;
    let value: Value = serde_json::from_slice(body).unwrap();
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(indent);
    value
        .serialize(&mut serde_json::Serializer::with_formatter(
            &mut out, formatter,
        ))
        .unwrap();
    out
}

#[test]
fn diagnosis_crlf_conversion_both_ways() {
    let signed = pretty(&payload("card.updated", 0), b"  ");
    let crlf = String::from_utf8(signed.clone())
        .unwrap()
        .replace('\n', "\r\n");
    let causes_found = diagnose_body(crlf.as_bytes(), &expected_signature(SECRET, &signed));
    assert_eq!(causes_found, ["body_lf_to_crlf"]);
    let causes_found = diagnose_body(&signed, &expected_signature(SECRET, crlf.as_bytes()));
    assert_eq!(causes_found, ["body_crlf_to_lf"]);
}

#[test]
fn diagnosis_pretty_and_compact_json() {
    let compact = payload("note.added", 0);
    for indent in [&b"  "[..], b"    ", b"\t"] {
        let pretty_body = pretty(&compact, indent);
        let found = diagnose_body(&pretty_body, &expected_signature(SECRET, &compact));
        assert_eq!(found, ["body_json_reserialized"]);
        let found = diagnose_body(&compact, &expected_signature(SECRET, &pretty_body));
        assert_eq!(found, ["body_json_reserialized"]);
    }
    let dir = Dir::new();
    let file = dir.file("b.json", pretty(&compact, b"  "));
    let sig = expected_signature(SECRET, &compact);
    let (_, stdout, _) = verify(&["--signature", &sig, "--secret", SECRET], &file);
    assert!(stdout.contains("compact JSON (no spaces)"), "{stdout}");
}

/// A body signed with a final newline (as `echo` or an editor leaves it) and re-serialized by
/// `jq .` was unexplained: no candidate was a re-encoded form with that newline.
#[test]
fn diagnosis_reserialized_json_signed_with_a_final_newline() {
    let mut signed = payload("card.viewed", 0);
    signed.push(b'\n');
    let mut jq_output = pretty(&signed, b"  ");
    jq_output.push(b'\n');
    let found = diagnose_body(&jq_output, &expected_signature(SECRET, &signed));
    assert_eq!(
        found,
        ["body_json_reserialized", "body_lost_trailing_newline"]
    );
    let dir = Dir::new();
    let file = dir.file("b.json", &jq_output);
    let sig = expected_signature(SECRET, &signed);
    let (_, stdout, _) = verify(&["--signature", &sig, "--secret", SECRET], &file);
    assert!(stdout.contains("compact JSON (no spaces)"), "{stdout}");
    assert!(stdout.contains(r"trailing newline (\n)"), "{stdout}");
}

#[test]
fn diagnosis_key_order() {
    let signed = br#"{"data":{"a":2,"b":1},"event":"card.created","timestamp":1}"#;
    let received = br#"{"event":"card.created","timestamp":1,"data":{"b":1,"a":2}}"#;
    let found = diagnose_body(received, &expected_signature(SECRET, signed));
    assert_eq!(found, ["body_json_reserialized"]);
    let dir = Dir::new();
    let file = dir.file("b.json", received);
    let sig = expected_signature(SECRET, signed);
    let (_, stdout, _) = verify(&["--signature", &sig, "--secret", SECRET], &file);
    assert!(stdout.contains("keys sorted"), "{stdout}");
}

#[test]
fn diagnosis_unicode_and_slash_escaping() {
    let raw = "{\"event\":\"card.created\",\"data\":{\"name\":\"Zoë\"}}";
    let escaped = r#"{"event":"card.created","data":{"name":"Zo\u00eb"}}"#;
    let found = diagnose_body(
        raw.as_bytes(),
        &expected_signature(SECRET, escaped.as_bytes()),
    );
    assert_eq!(found, ["body_json_reserialized"]);
    let found = diagnose_body(
        escaped.as_bytes(),
        &expected_signature(SECRET, raw.as_bytes()),
    );
    assert_eq!(found, ["body_json_reserialized"]);
    let slashes = r#"{"event":"card.created","data":{"url":"https:\/\/x\/y"}}"#;
    let plain = r#"{"event":"card.created","data":{"url":"https://x/y"}}"#;
    let found = diagnose_body(
        plain.as_bytes(),
        &expected_signature(SECRET, slashes.as_bytes()),
    );
    assert_eq!(found, ["body_json_reserialized"]);
}

#[test]
fn diagnosis_python_json_dumps_separators() {
    let compact = br#"{"event":"card.created","timestamp":1,"data":{"tags":["a","b"]}}"#;
    let spaced = br#"{"event": "card.created", "timestamp": 1, "data": {"tags": ["a", "b"]}}"#;
    let found = diagnose_body(compact, &expected_signature(SECRET, spaced));
    assert_eq!(found, ["body_json_reserialized"]);
}

#[test]
fn diagnosis_header_missing_prefix_upper_case_whitespace_quotes() {
    let body = payload("card.deleted", 0);
    let good = expected_signature(SECRET, &body);
    let hex = good.strip_prefix("sha256=").unwrap();
    let cases: [(String, &[&str]); 5] = [
        (hex.to_string(), &["header_missing_prefix"]),
        (
            format!("sha256={}", hex.to_uppercase()),
            &["header_upper_case_hex"],
        ),
        (format!(" {good} "), &["header_whitespace"]),
        (format!("\"{good}\""), &["header_quoted"]),
        (
            format!("'{}'", hex.to_uppercase()),
            &[
                "header_quoted",
                "header_missing_prefix",
                "header_upper_case_hex",
            ],
        ),
    ];
    for (header, expected) in cases {
        let dir = Dir::new();
        let file = dir.file("b.json", &body);
        let (code, report) = verify_json(&["--signature", &header, "--secret", SECRET], &file);
        assert_eq!(code, 1, "{header}");
        // The strict verdict stays invalid: the reference's receivers compare exactly.
        assert_eq!(report["signature"]["ok"], false);
        assert!(report["signature"]["problem"].is_string());
        assert_eq!(causes(&report), expected, "{header}");
    }
}

#[test]
fn diagnosis_several_values_in_one_header() {
    let body = payload("card.shared", 0);
    let good = expected_signature(SECRET, &body);
    let stale = expected_signature("whsec_old", &body);
    let mut headers = delivery("card.shared", &body);
    headers.push(("X-Webhook-Signature".into(), stale));
    // reqwest sends the header twice; verify folds repeats into one comma-joined value.
    headers.swap(1, 4);
    let raw = capture_reqwest(&as_refs(&headers), &body);
    let dir = Dir::new();
    let file = dir.file("twice.http", raw);
    let (code, report) = verify_json(&secret_args(), &file);
    assert_eq!(code, 1, "{report}");
    assert_eq!(causes(&report), ["header_several_values"]);
    let message = report["diagnosis"]["message"].as_str().unwrap();
    assert!(message.contains("value #2"), "{message}");
    let _ = good;
}

#[test]
fn diagnosis_wrong_secret_is_unexplained() {
    let body = payload("card.created", 0);
    let dir = Dir::new();
    let file = dir.file("b.json", &body);
    let sig = expected_signature("whsec_someone_else", &body);
    let (code, report) = verify_json(&["--signature", &sig, "--secret", SECRET], &file);
    assert_eq!(code, 1);
    assert_eq!(report["diagnosis"]["explained"], false);
    assert!(
        report["diagnosis"]["message"]
            .as_str()
            .unwrap()
            .contains("the secret differs or the body was changed after signing")
    );
}

#[test]
fn malformed_signatures_are_reasons_not_crashes() {
    let body = payload("card.created", 0);
    let dir = Dir::new();
    let file = dir.file("b.json", &body);
    for (header, reason) in [
        ("sha256=abc", "3 hex digits"),
        ("sha256=zz", "not hexadecimal"),
        ("md5=abcd", "scheme"),
        ("", "empty"),
    ] {
        let (code, report) = verify_json(&["--signature", header, "--secret", SECRET], &file);
        assert_eq!(code, 1, "{header}");
        let problem = report["signature"]["problem"].as_str().unwrap();
        assert!(problem.contains(reason), "{header}: {problem}");
    }
}

#[test]
fn rotation_reports_the_matching_position_never_the_value() {
    let body = payload("card.created", 0);
    let raw = capture_reqwest(&as_refs(&delivery("card.created", &body)), &body);
    let dir = Dir::new();
    let file = dir.file("c.http", raw);
    let (code, stdout, _) = verify(&["--secret", "whsec_old", "--secret", SECRET], &file);
    assert_eq!(code, 0);
    assert!(stdout.contains("matched secret #2"), "{stdout}");
    assert!(!stdout.contains("whsec_old"));
    let secrets = dir.file("secrets.txt", format!("whsec_old\n{SECRET}\n"));
    let (code, report) = verify_json(&["--secret-file", secrets.to_str().unwrap()], &file);
    assert_eq!(code, 0);
    assert_eq!(report["signature"]["secret"], 2);
}

#[test]
fn header_event_must_match_the_body() {
    let body = payload("card.created", 0);
    let mut headers = delivery("card.created", &body);
    headers[2].1 = "card.updated".into();
    let raw = capture_reqwest(&as_refs(&headers), &body);
    let dir = Dir::new();
    let (code, report) = verify_json(&secret_args(), &dir.file("c.http", raw));
    assert_eq!(code, 1);
    assert_eq!(report["signature"]["ok"], true);
    let problems = report["problems"].to_string();
    assert!(
        problems
            .contains("X-Webhook-Event is 'card.updated' but the body's event is 'card.created'"),
        "{problems}"
    );
}

#[test]
fn content_type_must_be_json() {
    let body = payload("card.created", 0);
    let mut headers = delivery("card.created", &body);
    headers[0].1 = "text/plain".into();
    let raw = capture_reqwest(&as_refs(&headers), &body);
    let dir = Dir::new();
    let (code, report) = verify_json(&secret_args(), &dir.file("c.http", raw));
    assert_eq!(code, 1);
    assert!(
        report["problems"]
            .to_string()
            .contains("Content-Type is 'text/plain'")
    );
    // A charset parameter is still application/json.
    headers[0].1 = "application/json; charset=utf-8".into();
    let raw = capture_reqwest(&as_refs(&headers), &body);
    let (code, report) = verify_json(&secret_args(), &dir.file("c2.http", raw));
    assert_eq!(code, 0, "{report}");
}

#[test]
fn tolerance_rejects_stale_and_future_timestamps_only_when_asked() {
    let dir = Dir::new();
    for (offset_ms, within) in [(-60_000, true), (-2 * 3_600_000, false), (3_600_000, false)] {
        let body = payload("reminder.due", offset_ms);
        let file = dir.file("b.json", &body);
        let sig = expected_signature(SECRET, &body);
        let args = ["--signature", sig.as_str(), "--secret", SECRET];
        let (code, _) = verify_json(&args, &file);
        assert_eq!(code, 0, "off by default");
        let mut with = args.to_vec();
        with.extend(["--tolerance", "30m"]);
        let (code, report) = verify_json(&with, &file);
        assert_eq!(code == 0, within, "{offset_ms}: {report}");
        if !within {
            let text = report["problems"].to_string();
            assert!(text.contains("more than --tolerance 30m"), "{text}");
        }
    }
}

#[test]
fn listen_records_get_one_verdict_each() {
    let good = payload("card.created", 0);
    let other = payload("connection.created", 0);
    let binary: Vec<u8> = vec![0xff, 0xfe, b'{', 0x00];
    let records = [
        record(delivery("card.created", &good), &good),
        record(
            delivery_headers("connection.created", &expected_signature("nope", &other)),
            &other,
        ),
        record(delivery("card.created", &binary), &binary),
    ];
    assert_eq!(
        records[2].body_encoding,
        titancard_wh::internals::BodyEncoding::Base64
    );
    let dir = Dir::new();
    let file = dir.file("events.jsonl", jsonl(&records));
    let (code, stdout, _) = verify(&["--format", "json", "--secret", SECRET], &file);
    assert_eq!(code, 1);
    let doc: Value = crate::common::json_output("verify", stdout.as_bytes());
    let requests = doc["requests"].as_array().unwrap();
    assert_eq!(
        doc["counts"],
        serde_json::json!({"requests": 3, "valid": 1, "invalid": 2})
    );
    assert_eq!(requests.len(), 3);
    let name = file.display().to_string();
    assert_eq!(requests[0]["source"], format!("{name}:1"));
    assert_eq!(requests[0]["ok"], true);
    assert_eq!(requests[1]["source"], format!("{name}:2"));
    assert_eq!(requests[1]["ok"], false);
    // The base64 body is verified as the bytes it decodes to; its checks fail, not its signature.
    assert_eq!(requests[2]["signature"]["ok"], true);
}

#[test]
fn a_torn_last_record_is_skipped_with_a_warning() {
    let body = payload("card.created", 0);
    let mut text = jsonl(&[record(delivery("card.created", &body), &body)]);
    text.push_str(r#"{"received_at":"2026-01-16T16:00:01Z","method":"PO"#);
    let dir = Dir::new();
    let file = dir.file("events.jsonl", text);
    let (code, stdout, stderr) = verify(&secret_args(), &file);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stderr.contains("events.jsonl:2: the last line is incomplete"),
        "{stderr}"
    );
}

#[test]
fn a_bad_record_in_the_middle_names_its_line() {
    let body = payload("card.created", 0);
    let line = jsonl(&[record(delivery("card.created", &body), &body)]);
    let dir = Dir::new();
    let file = dir.file(
        "events.jsonl",
        format!("{line}{{\"received_at\":1}}\n{line}"),
    );
    let (code, _, stderr) = verify(&secret_args(), &file);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("events.jsonl: line 2: not a listen --save record"),
        "{stderr}"
    );
}

#[test]
fn unreadable_inputs_exit_2_naming_the_file_and_place() {
    let body = payload("card.created", 0);
    let sig = expected_signature(SECRET, &body);
    let head = format!(
        "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Webhook-Signature: {sig}\r\n"
    );
    let chunked = format!("{head}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
    let cases: Vec<(&str, Vec<u8>, String)> = vec![
        ("empty.http", Vec::new(), "the input is empty".into()),
        (
            "headers-only.http",
            head.clone().into_bytes(),
            "the headers never end".into(),
        ),
        (
            "short.http",
            format!(
                "{head}Content-Length: 500\r\n\r\n{}",
                String::from_utf8_lossy(&body)
            )
            .into_bytes(),
            format!("Content-Length 500 but only {} body bytes", body.len()),
        ),
        (
            "chunk.http",
            chunked.into_bytes(),
            "line 7: bad chunk size".into(),
        ),
        (
            "bad-header.http",
            b"POST /webhook HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n{}".to_vec(),
            "line 3: malformed header".into(),
        ),
        (
            "garbage.bin",
            vec![0x00, 0xff, 0x13, 0x37, 0x80, b'\n', 0x01],
            "not a raw HTTP request".into(),
        ),
    ];
    let dir = Dir::new();
    for (name, bytes, expected) in cases {
        let file = dir.file(name, bytes);
        let (code, _, stderr) = verify(&secret_args(), &file);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("{name}: {expected}")),
            "{name}: {stderr}"
        );
    }
    let (code, _, stderr) = verify(
        &["--input-format", "http", "--secret", SECRET],
        &dir.file("g", [0xffu8, 0, 1]),
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("line 1: malformed request line"),
        "{stderr}"
    );
}

#[test]
fn a_large_body_is_verified_and_diagnosed_without_json_candidates() {
    // 9 MiB of JSON: above the size where re-serialized candidates are skipped.
    let filler = "x".repeat(9 * 1024 * 1024);
    let body = format!(
        "{{\"event\":\"card.created\",\"timestamp\":1,\"data\":{{\"blob\":\"{filler}\"}}}}"
    );
    let dir = Dir::new();
    let file = dir.file("big.json", &body);
    let sig = expected_signature(SECRET, body.as_bytes());
    let (code, _) = verify_json(&["--signature", &sig, "--secret", SECRET], &file);
    assert_eq!(code, 0);
    let file = dir.file("big-nl.json", format!("{body}\n"));
    let (code, report) = verify_json(&["--signature", &sig, "--secret", SECRET], &file);
    assert_eq!(code, 1);
    assert_eq!(causes(&report), ["body_gained_trailing_newline"]);
    assert!(
        report["diagnosis"]["notes"]
            .to_string()
            .contains("not tried"),
        "{report}"
    );
}

#[test]
fn the_sample_captures_verify() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/captures");
    for name in ["card.created.http", "events.jsonl"] {
        let (code, stdout, _) = verify(&secret_args(), &root.join(name));
        assert_eq!(code, 0, "{name}: {stdout}");
    }
    let (code, stdout, _) = verify(&secret_args(), &root.join("newline-added.http"));
    assert_eq!(code, 1);
    assert!(stdout.contains("gained a trailing newline"), "{stdout}");
}

#[test]
fn diagnosis_secret_with_a_trailing_newline() {
    let body = payload("card.created", 0);
    let dir = Dir::new();
    let file = dir.file("b.json", &body);
    let sig = expected_signature(SECRET, &body);
    let padded = format!("{SECRET}\n");
    let (code, report) = verify_json(
        &[
            "--signature",
            &sig,
            "--secret",
            "other",
            "--secret",
            &padded,
        ],
        &file,
    );
    assert_eq!(code, 1);
    assert_eq!(causes(&report), ["secret_whitespace"]);
    assert_eq!(report["diagnosis"]["secret"], 2);
    assert!(
        report["diagnosis"]["message"]
            .as_str()
            .unwrap()
            .contains("secret #2")
    );
}

#[test]
fn a_bare_body_needs_a_signature() {
    let dir = Dir::new();
    let file = dir.file("b.json", payload("card.created", 0));
    let (code, _, stderr) = verify(&["--input-format", "body", "--secret", SECRET], &file);
    assert_eq!(code, 2);
    assert!(stderr.contains("pass --signature"), "{stderr}");
    let (code, _, stderr) = verify(&secret_args(), &file);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("b.json: not a raw HTTP request or listen --save records"),
        "{stderr}"
    );
}

#[test]
fn a_follow_tcp_stream_capture_with_the_answer_appended_verifies_with_a_warning() {
    let body = payload("card.created", 0);
    let mut raw = capture_reqwest(&as_refs(&delivery("card.created", &body)), &body);
    raw.extend_from_slice(b"HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"received\":true}");
    let dir = Dir::new();
    let (code, stdout, stderr) = verify(&secret_args(), &dir.file("stream.txt", raw));
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stderr.contains(
            "stream.txt: the 56 bytes after the body are an HTTP answer (HTTP/1.1 200 OK); ignored"
        ),
        "{stderr}"
    );
}

#[test]
fn a_capture_of_fifteen_requests_is_verified_request_by_request() {
    // A capture server that appends, or `nc` left running: fifteen real requests, one after
    // another, the eighth with a body changed after signing.
    let mut raw = Vec::new();
    for index in 0..15 {
        let body = payload("note.added", index);
        let mut headers = delivery("note.added", &body);
        if index == 7 {
            headers = delivery("note.added", &payload("note.added", 99));
        }
        raw.extend_from_slice(&capture_reqwest(&as_refs(&headers), &body));
    }
    let dir = Dir::new();
    let file = dir.file("appended.http", &raw);
    let (code, stdout, _) = verify(&["--format", "json", "--secret", SECRET], &file);
    assert_eq!(code, 1, "{stdout}");
    let doc = crate::common::json_output("verify", stdout.as_bytes());
    assert_eq!(
        doc["counts"],
        serde_json::json!({"requests": 15, "valid": 14, "invalid": 1})
    );
    let name = file.display().to_string();
    let requests = doc["requests"].as_array().unwrap();
    for (index, request) in requests.iter().enumerate() {
        assert_eq!(request["source"], format!("{name}:{}", index + 1));
        assert_eq!(request["ok"], index != 7, "{request}");
    }
    let (code, stdout, _) = verify(&secret_args(), &file);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("15 requests: 14 valid, 1 invalid"),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("{name}:8  invalid")), "{stdout}");
}

#[test]
fn a_request_cut_short_after_whole_ones_is_reported_not_dropped() {
    let body = payload("card.created", 0);
    let mut raw = capture_reqwest(&as_refs(&delivery("card.created", &body)), &body);
    let whole = raw.clone();
    raw.extend_from_slice(&whole[..whole.len() - 20]);
    let dir = Dir::new();
    let (code, stdout, _) = verify(&secret_args(), &dir.file("cut.http", &raw));
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("cut.http:1  valid"), "{stdout}");
    // How much of the capture that is: it once said "not a whole HTTP request" alone.
    let rest = whole.len() - 20;
    assert!(
        stdout.contains("cut.http:2  invalid")
            && stdout.contains(&format!(
                "the {rest} bytes after the last whole request are not a whole request, so not \
                 verified: Content-Length"
            )),
        "{stdout}"
    );
    let server = crate::common::TestServer::ok();
    let output = cmd()
        .arg("replay")
        .arg(dir.0.path().join("cut.http"))
        .args(["--url", &server.url("/")])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(&format!(
            "cut.http:2: the {rest} bytes after the last whole request are not a whole request \
             (Content-Length"
        )) && stderr.contains("); not replayed"),
        "{stderr}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_body_longer_than_its_content_length_is_said_first() {
    let body = payload("card.created", 0);
    let signature = expected_signature(SECRET, &body);
    // The head declares fewer bytes than the body has (a capture edited by hand).
    let raw = format!(
        "POST /webhook HTTP/1.1\r\nContent-Type: application/json\r\nX-Webhook-Event: card.created\r\nX-Webhook-Signature: {signature}\r\nContent-Length: {}\r\n\r\n{}",
        body.len() - 12,
        String::from_utf8(body.clone()).unwrap()
    );
    let dir = Dir::new();
    let file = dir.file("grown.http", raw);
    let (code, report) = verify_json(&secret_args(), &file);
    assert_eq!(code, 1);
    let problems = report["problems"].as_array().unwrap();
    assert!(
        problems[0]
            .as_str()
            .unwrap()
            .starts_with("the body goes on 12 bytes past its Content-Length"),
        "{report}"
    );
    // The event header is checked against the whole body, not against a cut-off one.
    assert_eq!(problems.len(), 1, "{report}");
    assert_eq!(causes(&report), ["body_past_content_length"]);
}

#[test]
fn an_empty_body_signed_by_the_reference_code_is_valid_with_a_warning() {
    // The reference's Python signing code, run as published.
    let python = std::process::Command::new("python3")
        .arg("-c")
        .arg(format!(
            "import hmac, hashlib\nprint('sha256=' + hmac.new('{SECRET}'.encode(), b'', hashlib.sha256).hexdigest())"
        ))
        .output()
        .unwrap();
    let signature = String::from_utf8(python.stdout).unwrap().trim().to_string();
    let dir = Dir::new();
    let file = dir.file("empty.json", b"");
    let (code, stdout, stderr) = verify(&["--signature", &signature, "--secret", SECRET], &file);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("valid"), "{stdout}");
    assert!(stderr.contains("an empty body is not an event"), "{stderr}");
}

#[test]
fn keys_sorted_by_the_receiver_are_named_as_such() {
    // What Python's json.dumps(sort_keys=True) makes of a delivery, as a receiver that parses and
    // re-encodes before verifying would hand it over.
    let body = payload("connection.created", 0);
    let signature = expected_signature(SECRET, &body);
    let dir = Dir::new();
    let original = dir.file("sent.json", &body);
    let python = std::process::Command::new("python3")
        .arg("-c")
        .arg("import json, sys\nsys.stdout.write(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))")
        .arg(&original)
        .output()
        .unwrap();
    assert!(python.status.success());
    let sorted = dir.file("sorted.json", &python.stdout);
    let (code, report) = verify_json(&["--signature", &signature, "--secret", SECRET], &sorted);
    assert_eq!(code, 1);
    assert_eq!(causes(&report), ["body_json_keys_reordered"], "{report}");
    let message = report["diagnosis"]["message"].as_str().unwrap();
    assert!(message.contains("keys were reordered"), "{message}");
}
